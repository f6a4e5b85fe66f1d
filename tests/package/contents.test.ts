// What the tarball promises its users: every relative link of its Markdown files (the README first) leads to a
// file, and an anchor to a heading, inside the tarball; installing it runs no script of ours; and the examples
// get the package the way the README tells users to (a packed copy), with the dependency versions the lockfile tests.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { PACKAGE_NAME, packedProject, repo } from "./packed";

/** Link targets of a Markdown text, outside code: inline `[x](target)` and reference `[x]: target`. */
function linkTargets(markdown: string): string[] {
    const prose = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, "").replace(/`[^`\n]*`/g, "");
    const inline = [...prose.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
    const reference = [...prose.matchAll(/^\s{0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)].map((m) => m[1]);
    return [...inline, ...reference];
}

/** GitHub's anchors for the headings of a Markdown text. */
function anchors(markdown: string): Set<string> {
    const prose = markdown.replace(/^(```|~~~)[\s\S]*?^\1/gm, "");
    const seen = new Map<string, number>();
    const out = new Set<string>();
    for (const [, title] of prose.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
        const base = title.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, "").trim().replace(/\s/g, "-");
        const n = seen.get(base) ?? 0;
        seen.set(base, n + 1);
        out.add(n === 0 ? base : `${base}-${n}`);
    }
    return out;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target);

describe("the tarball's contents", function () {
    this.timeout(180000);

    it("every relative link in its Markdown files resolves inside the tarball (README.md included)", () => {
        const { installed, files } = packedProject();
        const markdown = files.filter((f) => f.endsWith(".md"));
        expect(markdown).to.include("README.md");
        const broken: string[] = [];
        let checked = 0;
        for (const file of markdown) {
            const text = fs.readFileSync(path.join(installed, file), "utf8");
            for (const target of linkTargets(text).filter((t) => !isExternal(t))) {
                checked++;
                const [pathPart, anchor] = target.split("#", 2);
                const resolved = pathPart === "" ? file : path.posix.normalize(path.posix.join(path.posix.dirname(file), decodeURI(pathPart)));
                const exists = !resolved.startsWith("../") && (files.includes(resolved) || files.some((f) => f.startsWith(`${resolved.replace(/\/$/, "")}/`)));
                if (!exists) broken.push(`${file}: ${target} (not in the tarball)`);
                else if (anchor && resolved.endsWith(".md") && !anchors(fs.readFileSync(path.join(installed, resolved), "utf8")).has(anchor)) {
                    broken.push(`${file}: ${target} (no such heading)`);
                }
            }
        }
        expect(broken).to.deep.equal([]);
        expect(checked, "links checked").to.be.greaterThan(4);
    });

    it("needs no install-time script: none in its package.json, and npm install names none of ours", () => {
        const { installed, installLog } = packedProject();
        const scripts = (JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as { scripts?: Record<string, string> }).scripts ?? {};
        expect(Object.keys(scripts).filter((s) => /^(pre|post)?install$|^prepare$/.test(s))).to.deep.equal([]);
        expect(installLog).not.to.contain(PACKAGE_NAME);
    });

    describe("the examples", () => {
        const examples = fs.readdirSync(path.join(repo, "examples")).filter((d) => fs.existsSync(path.join(repo, "examples", d, "package.json")));
        const root = JSON.parse(fs.readFileSync(path.join(repo, "package.json"), "utf8")) as { devDependencies: Record<string, string> };

        it("depend on the packed tarball at the checkout's root, as the README tells users to install it", () => {
            const { tarball } = packedProject();
            expect(examples).to.have.length.greaterThan(2);
            for (const example of examples) {
                const manifest = JSON.parse(fs.readFileSync(path.join(repo, "examples", example, "package.json"), "utf8")) as { dependencies: Record<string, string> };
                expect(manifest.dependencies[PACKAGE_NAME], example).to.equal(`file:../../${tarball}`);
                expect(fs.readFileSync(path.join(repo, "examples", example, "README.md"), "utf8"), example).to.contain("npm pack");
            }
            const readme = fs.readFileSync(path.join(repo, "README.md"), "utf8");
            expect(readme).to.contain("npm pack").and.contain(`file:../../${tarball}`);
        });

        it("ask for the versions the lockfile tests: the root's spec for every package the root also uses", () => {
            for (const example of examples) {
                const manifest = JSON.parse(fs.readFileSync(path.join(repo, "examples", example, "package.json"), "utf8")) as Record<string, Record<string, string> | undefined>;
                for (const [name, spec] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
                    if (name in root.devDependencies) expect(spec, `${example}: ${name}`).to.equal(root.devDependencies[name]);
                }
            }
        });
    });
});
