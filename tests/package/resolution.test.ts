// Both entry points of the installed package ("pulumi-alicloud-slb-listener" and ".../emulator") resolve with
// their types under every moduleResolution a user project may use, and load at run time from CommonJS and ESM.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { BASE_COMPILER_OPTIONS, PACKAGE_NAME, packedProject, run, typeCheck } from "./packed";

/** Uses both entry points; the @ts-expect-error lines fail to compile if either resolved to untyped `any`. */
const PROGRAM = `import { TcpListener, FIELDS } from "${PACKAGE_NAME}";
import { startEmulator, type Emulator, DEFAULT_ACCESS_KEY_ID } from "${PACKAGE_NAME}/emulator";

export const listener: typeof TcpListener = TcpListener;
export const fieldCount: number = FIELDS.length;
export const started: () => Promise<Emulator> = () => startEmulator({ port: 0 });
export const key: string = DEFAULT_ACCESS_KEY_ID;
// @ts-expect-error the port is a number
startEmulator({ port: "80" });
// @ts-expect-error TcpListener needs a name and its arguments
new TcpListener();
`;

/** moduleResolution -> the module setting it goes with, and the files to check (.mts: an ES module under node16/nodenext). */
const SETTINGS: Record<string, { module: string; files: string[] }> = {
    node: { module: "commonjs", files: ["index.ts"] },
    node16: { module: "node16", files: ["index.ts", "index.mts"] },
    nodenext: { module: "nodenext", files: ["index.ts", "index.mts"] },
    bundler: { module: "esnext", files: ["index.ts"] },
};

describe("the installed package's entry points", function () {
    this.timeout(180000);
    let root: string;

    before(() => {
        root = fs.mkdtempSync(path.join(packedProject().project, "resolution-"));
    });

    for (const [moduleResolution, { module, files }] of Object.entries(SETTINGS)) {
        it(`type-check under moduleResolution "${moduleResolution}" (module "${module}"; ${files.join(", ")})`, () => {
            const dir = path.join(root, moduleResolution);
            fs.mkdirSync(dir);
            for (const file of files) fs.writeFileSync(path.join(dir, file), PROGRAM);
            fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({
                compilerOptions: { ...BASE_COMPILER_OPTIONS, module, moduleResolution, noEmit: true },
                files,
            }));
            expect(typeCheck(dir)).to.equal("");
        });
    }

    const program = (load: string) => `${load}
const emulator = await startEmulator({ port: 0 });
const answer = await fetch(emulator.endpoint + "/_emulator/health").then((r) => r.json());
await emulator.close();
console.log(JSON.stringify({ listener: typeof TcpListener, status: answer.status }));`;

    it("load at run time from CommonJS (require) and from an ES module (import)", () => {
        const cjs = path.join(root, "main.cjs");
        fs.writeFileSync(cjs, `(async () => {${program(`const { TcpListener } = require("${PACKAGE_NAME}");
const { startEmulator } = require("${PACKAGE_NAME}/emulator");`)}\n})();`);
        const esm = path.join(root, "main.mjs");
        fs.writeFileSync(esm, program(`import { TcpListener } from "${PACKAGE_NAME}";
import { startEmulator } from "${PACKAGE_NAME}/emulator";`));
        for (const file of [cjs, esm]) {
            expect(JSON.parse(run(process.execPath, [file], root)), file).to.deep.equal({ listener: "function", status: "ok" });
        }
    });
});
