// The npm scripts of a checkout: `npm run demo | bench | emulator | docs` build first, but the build is incremental
// (tsc -b), so with dist/ current it writes nothing and takes about a second; the package is built before packing
// (prepack), never at install time.
import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { repo } from "./packed";

/** Every file under dir -> its modification time. */
function mtimes(dir: string, out = new Map<string, number>()): Map<string, number> {
    for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, d.name);
        if (d.isDirectory()) mtimes(file, out);
        else out.set(file, fs.statSync(file).mtimeMs);
    }
    return out;
}

describe("npm scripts of the checkout", function () {
    this.timeout(120000);
    const scripts = (JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts;

    it("demo, bench, emulator and docs build first through the one build script; the package builds before packing, not on install", () => {
        for (const name of ["demo", "bench", "emulator", "docs"]) expect(scripts[name], name).to.match(/^npm run -s build && node dist\//);
        expect(scripts.prepack).to.equal("npm run build");
        expect(Object.keys(scripts).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).to.deep.equal([]);
    });

    it("the build writes nothing when dist/ is current", () => {
        const build = () => execFileSync("npm", ["run", "-s", "build"], { cwd: repo, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        build(); // current now, whatever it was
        const before = mtimes(path.join(repo, "dist"));
        const started = Date.now();
        build();
        const ms = Date.now() - started;
        const after = mtimes(path.join(repo, "dist"));
        const written = [...after].filter(([file, t]) => before.get(file) !== t).map(([file]) => path.relative(repo, file));
        console.log(`      [build] with dist/ current: ${ms} ms, ${written.length} of ${before.size} files written`);
        expect(written).to.deep.equal([]);
        expect(after.size).to.equal(before.size);
    });
});
