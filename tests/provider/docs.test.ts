import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { argsModulePath, renderArgsModule, withReferenceTables } from "../../provider/core/docs";
import { PROTOCOLS } from "../../provider/protocols";

const root = path.resolve(__dirname, "..", "..", "..");

describe("docs generated from the field tables", () => {
    for (const protocol of Object.values(PROTOCOLS)) {
        it(`${argsModulePath(protocol)} is current (run \`npm run docs\` if this fails)`, () => {
            expect(fs.readFileSync(path.join(root, argsModulePath(protocol)), "utf8")).to.equal(renderArgsModule(protocol));
        });
    }

    it("the README reference tables are current and list every input of every protocol", () => {
        const readme = fs.readFileSync(path.join(root, "README.md"), "utf8");
        const protocols = Object.values(PROTOCOLS);
        expect(readme).to.equal(withReferenceTables(readme, protocols));
        for (const protocol of protocols) {
            const section = readme.slice(readme.indexOf(`reference:${protocol.name}:begin`), readme.indexOf(`reference:${protocol.name}:end`));
            for (const field of protocol.fields) expect(section, protocol.name).to.contain(`| \`${field.input}\``);
        }
    });
});
