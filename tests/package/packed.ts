// One packed tarball and one install shared by every test in tests/package: `npm pack` of this checkout
// (dist/ as `npm test` built it), installed into a fresh project outside the repository, as a user would.
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

import { PACKAGE_NAME, packageRoot } from "../support/package-alias";

export { PACKAGE_NAME };
export const repo = packageRoot();
const TSC = path.join(repo, "node_modules", "typescript", "bin", "tsc");

export interface Packed {
    /** The fresh project (has package.json and node_modules). */
    project: string;
    /** File name of the tarball `npm pack` wrote (it sits in `project`). */
    tarball: string;
    /** The installed package: project/node_modules/<name>. */
    installed: string;
    /** Every file of the installed package, relative to `installed`, sorted. */
    files: string[];
    /** What `npm install` printed (stdout and stderr). */
    installLog: string;
}

export function run(cmd: string, args: string[], cwd: string): string {
    return execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
}

/** tsc -p over a project; returns its diagnostics (empty when everything compiles). */
export function typeCheck(project: string): string {
    try {
        run(process.execPath, [TSC, "-p", project], project);
        return "";
    } catch (e) {
        const { stdout, stderr } = e as { stdout?: string; stderr?: string };
        return `${stdout ?? ""}${stderr ?? ""}` || String(e);
    }
}

function listFiles(dir: string, prefix = ""): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
        d.isDirectory() ? listFiles(path.join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`]);
}

let packed: Packed | undefined;

/** Packs and installs on first use; the project is removed when the process exits. */
export function packedProject(): Packed {
    if (packed) return packed;
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "slb-listener-user-"));
    process.once("exit", () => fs.rmSync(project, { recursive: true, force: true }));
    // --ignore-scripts: prepack would rebuild dist/, which `npm test` has just built.
    const tarball = run("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", project], repo).trim().split("\n").pop()!;
    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({
        name: "user-project", private: true, main: "index.ts",
        dependencies: { [PACKAGE_NAME]: `file:./${tarball}` },
    }, null, 2));
    // The Pulumi SDKs are peers: link the repository's copies instead of downloading them again, so that
    // the program, the harness and the package share one @pulumi/pulumi, as in a real project.
    const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline", "--legacy-peer-deps"], { cwd: project, encoding: "utf8" });
    const installLog = `${install.stdout}${install.stderr}`;
    if (install.status !== 0) throw new Error(`npm install of the tarball failed (${install.status}):\n${installLog}`);
    fs.mkdirSync(path.join(project, "node_modules", "@pulumi"), { recursive: true });
    for (const pkg of ["pulumi", "alicloud"]) {
        fs.symlinkSync(path.join(repo, "node_modules", "@pulumi", pkg), path.join(project, "node_modules", "@pulumi", pkg), "dir");
    }
    const installed = path.join(project, "node_modules", PACKAGE_NAME);
    packed = { project, tarball, installed, files: listFiles(installed).sort(), installLog };
    return packed;
}

/** compilerOptions every test project uses: strict, the repository's @types (the user project has none). */
export const BASE_COMPILER_OPTIONS = {
    strict: true, target: "ES2022", esModuleInterop: true, skipLibCheck: true,
    typeRoots: [path.join(repo, "node_modules", "@types")], types: ["node"],
};
