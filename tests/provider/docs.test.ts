import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { renderArgsModule, withReferenceTable } from "../../provider/docs";
import { FIELDS } from "../../provider/fields";

const root = path.resolve(__dirname, "..", "..", "..");

describe("docs generated from the field table", () => {
    it("provider/args.ts is current (run `npm run docs` if this fails)", () => {
        expect(fs.readFileSync(path.join(root, "provider", "args.ts"), "utf8")).to.equal(renderArgsModule());
    });

    it("the README reference table is current and lists every input", () => {
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        expect(readme).to.equal(withReferenceTable(readme));
        for (const field of FIELDS) expect(readme).to.contain(`| \`${field.input}\``);
    });
});
