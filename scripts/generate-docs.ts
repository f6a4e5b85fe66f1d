// Writes each protocol's argument types (provider/pulumi/<name>-args.ts) and its README reference table from its
// field table (run: npm run docs).
import * as fs from "fs";
import * as path from "path";
import { argsModulePath, renderArgsModule, withReferenceTables } from "../provider/core/docs";
import { PROTOCOLS } from "../provider/protocols";

const root = path.resolve(__dirname, "..", "..");
const protocols = Object.values(PROTOCOLS);
for (const protocol of protocols) fs.writeFileSync(path.join(root, argsModulePath(protocol)), renderArgsModule(protocol));
const readme = path.join(root, "README.md");
fs.writeFileSync(readme, withReferenceTables(fs.readFileSync(readme, "utf8"), protocols));
console.log(`wrote ${protocols.map(argsModulePath).join(", ")} and the README reference tables`);
