// How the real-engine suites get their CLI (scripts/pulumi-cli.ts), and our dynamic-provider plugin script.
// Runs without any CLI: fake `pulumi` executables in temporary directories stand in for what is on PATH.
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { HOW_TO_GET_ONE, LANGUAGE_HOST, MIN_VERSION, PLUGIN_SCRIPT, ROOT, SKIP_ENV, installLanguageHost, locateCli, obtainCli, pinnedVersion } from "../../scripts/pulumi-cli";

describe("obtaining the Pulumi CLI (scripts/pulumi-cli.ts)", () => {
    let tmp: string;
    let emptyBin: string;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-"));
        emptyBin = path.join(tmp, "no-build");
        fs.mkdirSync(emptyBin);
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    function fakePulumi(dir: string, version: string): string {
        fs.mkdirSync(dir, { recursive: true });
        const file = path.join(dir, "pulumi");
        fs.writeFileSync(file, `#!/bin/sh\n[ "$1" = version ] && echo v${version}\n`, { mode: 0o755 });
        return file;
    }

    it("the pinned version: the CLI and its SDK at one version in go.mod, checksummed in go.sum, not below the minimum", () => {
        const dir = path.join(ROOT, "tools", "pulumi");
        const gomod = fs.readFileSync(path.join(dir, "go.mod"), "utf8");
        const gosum = fs.readFileSync(path.join(dir, "go.sum"), "utf8");
        const version = pinnedVersion();
        expect(gomod).to.match(new RegExp(`github\\.com/pulumi/pulumi/sdk/v3 v${version.replace(/\./g, "\\.")}\\b`));
        expect(gosum).to.contain(`github.com/pulumi/pulumi/pkg/v3 v${version} h1:`);
        const [major, minor] = version.split(".").map(Number);
        const [, minMinor] = MIN_VERSION.split(".").map(Number);
        expect(major).to.equal(3);
        expect(minor).to.be.at.least(minMinor);
    });

    it(`uses a pulumi on PATH at a compatible version (v${MIN_VERSION} or newer) as it is`, () => {
        const bin = fakePulumi(path.join(tmp, "bin"), "3.200.0");
        const found = locateCli({ path: [path.join(tmp, "bin"), "/usr/bin", "/bin"].join(path.delimiter), binDir: emptyBin });
        expect(found).to.deep.include({ bin, version: "3.200.0", source: "PATH", root: tmp });
    });

    it("gives a CLI outside a bin/ directory the <root>/bin/pulumi layout the Automation API runs", () => {
        const bin = fakePulumi(path.join(tmp, "opt"), "3.200.0");
        const found = locateCli({ path: path.join(tmp, "opt"), binDir: emptyBin, linkRoot: path.join(tmp, "link") });
        expect(found?.bin).to.equal(path.join(found!.root, "bin", "pulumi"));
        expect(fs.realpathSync(found!.bin)).to.equal(fs.realpathSync(bin));
    });

    it("passes over an older or a different major version on PATH, and takes the next compatible one", () => {
        fakePulumi(path.join(tmp, "old"), "3.100.0");
        fakePulumi(path.join(tmp, "next"), "4.0.0");
        const good = fakePulumi(path.join(tmp, "good"), "3.274.1");
        const dirs = ["old", "next"].map((d) => path.join(tmp, d));
        expect(locateCli({ path: [...dirs, "/usr/bin", "/bin"].join(path.delimiter), binDir: emptyBin })).to.equal(undefined);
        const found = locateCli({ path: [...dirs, path.join(tmp, "good"), "/bin"].join(path.delimiter), binDir: emptyBin, linkRoot: path.join(tmp, "link") });
        expect(found && fs.realpathSync(found.bin)).to.equal(fs.realpathSync(good));
    });

    it("without Go and without a CLI, fails with a message saying how to get one", async () => {
        const lines: string[] = [];
        let error: Error | undefined;
        try {
            await obtainCli((l) => lines.push(l), { path: "/nonexistent", binDir: emptyBin });
        } catch (e) {
            error = e as Error;
        }
        expect(error?.message).to.equal(HOW_TO_GET_ONE);
        expect(HOW_TO_GET_ONE).to.contain("install Go").and.to.contain("https://www.pulumi.com/docs/install/").and.to.contain(`${SKIP_ENV}=1`);
        expect(lines, "nothing was built").to.deep.equal([]);
    });

    describe("the Node.js language host for directory programs", () => {
        const official = (dir: string) => {
            fs.mkdirSync(dir, { recursive: true });
            fs.writeFileSync(path.join(dir, LANGUAGE_HOST), "#!/bin/sh\n# the official host\n", { mode: 0o755 });
        };
        const cliIn = (dir: string) => ({ bin: fakePulumi(dir, "3.274.1"), root: tmp, version: "3.274.1", source: "tools/pulumi" as const, pluginDir: dir });

        it("without an official one, installs our stand-in next to the CLI, where the engine looks for bundled hosts", () => {
            const built = path.join(tmp, "built");
            const host = installLanguageHost(cliIn(built), { binDir: built, path: "/usr/bin:/bin" });
            expect(host).to.deep.equal({ path: path.join(built, LANGUAGE_HOST), standIn: true });
            expect(fs.statSync(host!.path).mode & 0o111, "executable").to.not.equal(0);
            expect(fs.readFileSync(host!.path, "utf8")).to.match(/^#!\/usr\/bin\/env node\n/).and.contain("a STAND-IN for the official Pulumi Node.js language host");
        });

        it("leaves the official one next to the CLI or on PATH alone, and removes a stand-in that could shadow it", () => {
            const built = path.join(tmp, "built");
            installLanguageHost(cliIn(built), { binDir: built, path: "/usr/bin:/bin" });
            official(path.join(tmp, "dist"));
            const onPath = { binDir: built, path: [path.join(tmp, "dist"), "/usr/bin"].join(path.delimiter) };
            expect(installLanguageHost(cliIn(built), onPath)).to.deep.equal({ path: path.join(tmp, "dist", LANGUAGE_HOST), standIn: false });
            expect(fs.existsSync(path.join(built, LANGUAGE_HOST)), "stand-in removed").to.equal(false);
            const distribution = path.join(tmp, "pulumi", "bin");
            official(distribution);
            expect(installLanguageHost(cliIn(distribution), { binDir: built, path: "/usr/bin" })).to.deep.equal({ path: path.join(distribution, LANGUAGE_HOST), standIn: false });
            expect(fs.existsSync(path.join(built, LANGUAGE_HOST))).to.equal(false);
        });
    });

    describe("the pulumi-resource-pulumi-nodejs plugin script", function () {
        this.timeout(30_000);
        function runPlugin(cwd: string): Promise<{ firstLine: string; code: number | null; stderr: string }> {
            const script = path.join(tmp, "pulumi-resource-pulumi-nodejs");
            fs.writeFileSync(script, PLUGIN_SCRIPT, { mode: 0o755 });
            return new Promise((resolve, reject) => {
                const child = spawn(script, ["127.0.0.1:1"], { cwd, stdio: ["ignore", "pipe", "pipe"] });
                let out = "";
                let err = "";
                child.stderr.on("data", (d: Buffer) => (err += d.toString()));
                child.stdout.on("data", (d: Buffer) => {
                    out += d.toString();
                    if (out.includes("\n")) child.kill("SIGKILL");
                });
                child.on("error", reject);
                child.on("exit", (code) => resolve({ firstLine: out.split("\n")[0], code, stderr: err }));
            });
        }

        it("starts @pulumi/pulumi's dynamic-provider host found from the working directory, which prints its port", async () => {
            const r = await runPlugin(path.join(ROOT, "examples", "basic"));
            expect(r.firstLine, r.stderr).to.match(/^\d+$/);
        });

        it("outside a project with @pulumi/pulumi installed, exits non-zero saying so", async () => {
            const r = await runPlugin(tmp);
            expect(r.code).to.not.equal(0);
            expect(r.stderr).to.contain("@pulumi/pulumi is not installed in");
        });
    });
});
