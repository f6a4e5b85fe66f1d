// The Node.js versions the README promises: package.json says the same, every locked dependency (the root
// lockfile and any example's) accepts all of them, so `npm ci` gives no EBADENGINE warning, and the promise is the
// real minimum: just below each lower bound some locked dependency refuses to run.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { repo } from "./packed";

interface Lockfile {
    packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
}

/** The range in "Requires Node.js `<range>`" of the README. */
function promisedRange(): string {
    const match = /Requires Node\.js `([^`]+)`/.exec(fs.readFileSync(path.join(repo, "README.md"), "utf8"));
    if (!match) throw new Error("README.md has no sentence 'Requires Node.js `<range>`'");
    return match[1];
}

/** Every lockfile of the project: the root's and those of the examples, if they have one. */
function lockfiles(): string[] {
    const examples = fs.readdirSync(path.join(repo, "examples")).map((d) => path.join("examples", d, "package-lock.json"));
    return ["package-lock.json", ...examples].filter((f) => fs.existsSync(path.join(repo, f)));
}

/** "<lockfile> <package>@<version>" -> its engines.node range, for every locked package that declares one. */
function lockedEngines(): Map<string, string> {
    const ranges = new Map<string, string>();
    for (const file of lockfiles()) {
        const lock = JSON.parse(fs.readFileSync(path.join(repo, file), "utf8")) as Lockfile;
        for (const [where, pkg] of Object.entries(lock.packages)) {
            const node = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
            if (where !== "" && node) ranges.set(`${file} ${where.replace(/^.*node_modules\//, "")}@${pkg.version}`, node);
        }
    }
    return ranges;
}

describe("Node.js versions", () => {
    const promise = promisedRange();
    const locked = lockedEngines();

    it("package.json's engines.node is the range the README promises", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { engines?: { node?: string } };
        expect(manifest.engines?.node).to.equal(promise);
        expect(semver.validRange(promise), promise).to.be.a("string");
    });

    it("no locked dependency's engines excludes a version the README promises", () => {
        expect(locked.size).to.be.greaterThan(100);
        const excluding = [...locked].filter(([, range]) => !semver.subset(promise, range)).map(([pkg, range]) => `${pkg} wants ${range}`);
        expect(excluding).to.deep.equal([]);
        // The machines this project runs on.
        expect(semver.satisfies(process.version, promise), process.version).to.equal(true);
    });

    it("promises no less than it must: just below each lower bound a locked dependency refuses", () => {
        const below = new semver.Range(promise).set.map((comparators) => {
            const low = semver.minVersion(comparators.map((c) => c.value).join(" "))!;
            return low.minor > 0 ? `${low.major}.${low.minor - 1}.0` : `${low.major - 1}.0.0`;
        });
        for (const version of below) {
            const refusing = [...locked].filter(([, range]) => !semver.satisfies(version, range));
            expect(refusing.length, `Node ${version} is accepted by every locked dependency: the README could promise it`).to.be.greaterThan(0);
        }
    });
});
