// Writes provider/args.ts and the README reference table from the field table (run: npm run docs).
import * as fs from "fs";
import * as path from "path";
import { renderArgsModule, withReferenceTable } from "../provider/docs";

const root = path.resolve(__dirname, "..", "..");
fs.writeFileSync(path.join(root, "provider", "args.ts"), renderArgsModule());
const readme = path.join(root, "README.md");
fs.writeFileSync(readme, withReferenceTable(fs.readFileSync(readme, "utf8")));
console.log("wrote provider/args.ts and the README reference table");
