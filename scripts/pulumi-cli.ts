// The Pulumi CLI that the real-engine suites (tests/cli), the demo and the benchmark drive.
//
//   node dist/scripts/pulumi-cli.js      (run by `npm test` before mocha)
//
// 1. SLB_LISTENER_SKIP_CLI=1: print a loud notice and stop; the suites that need the CLI then skip themselves.
// 2. A `pulumi` on PATH at a compatible version (MIN_VERSION or newer, major 3) is used as it is.
// 3. Otherwise the CLI pinned by tools/pulumi (go.mod + go.sum) is built with `go build` into .tools/pulumi/bin,
//    unless the binary there is current (same go.mod, go.sum and build flags as the last build).
// 4. Without either, it fails with a message that says how to get one.
// Beside the built binary it writes our `pulumi-resource-pulumi-nodejs`, the plugin the engine starts for dynamic
// providers (the official distribution ships an equivalent script next to `pulumi`), and, when no official
// `pulumi-language-nodejs` is next to the CLI or on PATH, our stand-in language host (tools/language-host), which
// directory programs (`pulumi up` in a folder with Pulumi.yaml) need.
import { execFileSync, spawn } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const MODULE_DIR = path.join(ROOT, "tools", "pulumi");
export const BIN_DIR = path.join(ROOT, ".tools", "pulumi", "bin");
export const SKIP_ENV = "SLB_LISTENER_SKIP_CLI";
/** Provider stderr reaches the CLI's output from 3.146.0 on; the drift lines depend on it. */
export const MIN_VERSION = "3.146.0";
const PLUGIN = "pulumi-resource-pulumi-nodejs";
export const LANGUAGE_HOST = "pulumi-language-nodejs";
/** The compiled stand-in (tools/language-host/host.ts); a copy of it is what gets installed. */
export const STAND_IN_SOURCE = path.join(ROOT, "dist", "tools", "language-host", "host.js");
/** Its header's first line, which tells our copy from the official host. */
const STAND_IN_MARKER = "pulumi-language-nodejs: a STAND-IN for the official Pulumi Node.js language host";
const STAMP = path.join(BIN_DIR, ".build-stamp.json");

export interface PulumiCli {
    /** Absolute path of the `pulumi` executable. */
    bin: string;
    /** The directory above bin/ (what the Automation API's `PulumiCommand.get({ root })` wants). */
    root: string;
    version: string;
    source: "PATH" | "tools/pulumi";
    /** Where our dynamic-provider plugin script lives (put on PATH for the CLI; its own copy, if any, wins). */
    pluginDir: string;
    /** The Node.js language host the CLI starts for directory programs: the official one, or our stand-in. */
    languageHost?: { path: string; standIn: boolean };
}

/** The plugin: @pulumi/pulumi's dynamic-provider host, resolved from the working directory (the engine starts
 * plugins in the project directory), given the engine's arguments. `exec` keeps one process per plugin. */
export const PLUGIN_SCRIPT = `#!/bin/sh
# ${PLUGIN}: the plugin the Pulumi engine starts for Node.js dynamic providers (written by scripts/pulumi-cli.ts).
script=$(node -e 'process.stdout.write(require.resolve("@pulumi/pulumi/cmd/dynamic-provider"))') || {
    echo "${PLUGIN}: @pulumi/pulumi is not installed in $(pwd) or a directory above it" >&2
    exit 1
}
exec node "$script" "$@"
`;

export function skipRequested(): boolean {
    const v = process.env[SKIP_ENV];
    return v !== undefined && v !== "" && v !== "0" && v !== "false";
}

/** The version tools/pulumi/go.mod pins (`github.com/pulumi/pulumi/pkg/v3 vX.Y.Z`), without the "v". */
export function pinnedVersion(): string {
    const gomod = fs.readFileSync(path.join(MODULE_DIR, "go.mod"), "utf8");
    const m = /github\.com\/pulumi\/pulumi\/pkg\/v3 v(\d+\.\d+\.\d+)/.exec(gomod);
    if (!m) throw new Error("tools/pulumi/go.mod does not require github.com/pulumi/pulumi/pkg/v3");
    return m[1];
}

function ldflags(version: string): string {
    return `-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=v${version}`;
}

/** What a build depends on: the module files and the flags. */
function buildInputs(): string {
    const hash = createHash("sha256");
    for (const f of ["go.mod", "go.sum", "tools.go"]) hash.update(fs.readFileSync(path.join(MODULE_DIR, f)));
    hash.update(ldflags(pinnedVersion()));
    return hash.digest("hex");
}

function compare(a: string, b: string): number {
    const pa = a.split(".").map(Number);
    const pb = b.split(".").map(Number);
    for (let i = 0; i < 3; i++) if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
    return 0;
}

/** `pulumi version` of an executable, or undefined when it does not run. */
function versionOf(bin: string): string | undefined {
    try {
        const out = execFileSync(bin, ["version"], { env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" }, timeout: 30_000, stdio: ["ignore", "pipe", "ignore"] });
        return /v?(\d+\.\d+\.\d+)/.exec(out.toString())?.[1];
    } catch {
        return undefined;
    }
}

/** Where to look: PATH and the build directory (tests point these elsewhere). */
export interface Search {
    path?: string;
    binDir?: string;
    /** Where a CLI found outside a bin/ directory gets its <root>/bin/pulumi symlink. */
    linkRoot?: string;
}

function onPath(name: string, search: Search = {}): string[] {
    const found: string[] = [];
    for (const dir of (search.path ?? process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
        const file = path.join(dir, name);
        try {
            fs.accessSync(file, fs.constants.X_OK);
            if (fs.statSync(file).isFile()) found.push(file);
        } catch {
            // not here
        }
    }
    return found;
}

function compatible(version: string | undefined): version is string {
    return !!version && version.startsWith("3.") && compare(version, MIN_VERSION) >= 0;
}

/** Writes the plugin script beside the built CLI when it is missing or different. */
export function writePlugin(): void {
    const file = path.join(BIN_DIR, PLUGIN);
    if (fs.existsSync(file) && fs.readFileSync(file, "utf8") === PLUGIN_SCRIPT) return;
    fs.mkdirSync(BIN_DIR, { recursive: true });
    fs.writeFileSync(file, PLUGIN_SCRIPT, { mode: 0o755 });
}

function isStandIn(file: string): boolean {
    try {
        const fd = fs.openSync(file, "r");
        try {
            const head = Buffer.alloc(64 * 1024);
            return head.subarray(0, fs.readSync(fd, head)).toString("utf8").includes(STAND_IN_MARKER);
        } finally {
            fs.closeSync(fd);
        }
    } catch {
        return false;
    }
}

/** An official language host the CLI at `bin` would start: next to its real binary, or on PATH. */
function officialHost(bin: string, search: Search): string | undefined {
    let beside: string | undefined = path.join(path.dirname(fs.realpathSync(bin)), LANGUAGE_HOST);
    if (!fs.existsSync(beside)) beside = undefined;
    return [beside, ...onPath(LANGUAGE_HOST, search)].find((f): f is string => !!f && !isStandIn(f));
}

/** The language host the CLI at `bin` uses: an official one, else our stand-in in `binDir` (if installed). */
function languageHostFor(bin: string, search: Search, binDir: string): PulumiCli["languageHost"] {
    const official = officialHost(bin, search);
    if (official) return { path: official, standIn: false };
    const ours = path.join(binDir, LANGUAGE_HOST);
    return isStandIn(ours) ? { path: ours, standIn: true } : undefined;
}

/**
 * Installs our stand-in language host into `binDir` (next to the built CLI) when the CLI has no official one;
 * removes it when it has, so that it can never shadow the official host on PATH. Returns what the CLI will use.
 */
export function installLanguageHost(c: PulumiCli, search: Search = {}): PulumiCli["languageHost"] {
    const binDir = search.binDir ?? BIN_DIR;
    const ours = path.join(binDir, LANGUAGE_HOST);
    if (officialHost(c.bin, search)) {
        if (isStandIn(ours)) fs.rmSync(ours);
    } else {
        const text = fs.readFileSync(STAND_IN_SOURCE, "utf8");
        if (!fs.existsSync(ours) || fs.readFileSync(ours, "utf8") !== text) {
            fs.mkdirSync(binDir, { recursive: true });
            fs.writeFileSync(ours, text, { mode: 0o755 });
        }
    }
    return languageHostFor(c.bin, search, binDir);
}

function linkTarget(link: string): string | undefined {
    try {
        return fs.readlinkSync(link);
    } catch {
        return undefined;
    }
}

function cli(bin: string, version: string, source: PulumiCli["source"], search: Search = {}): PulumiCli {
    // The Automation API runs <root>/bin/pulumi: a CLI elsewhere gets a symlink in such a layout.
    if (path.basename(path.dirname(bin)) !== "bin") {
        const link = path.join(search.linkRoot ?? path.join(ROOT, ".tools", "pulumi", "on-path"), "bin", "pulumi");
        // Left alone when it already points there: test files look the CLI up in parallel workers.
        if (linkTarget(link) !== bin) {
            fs.mkdirSync(path.dirname(link), { recursive: true });
            fs.rmSync(link, { force: true });
            try {
                fs.symlinkSync(bin, link);
            } catch (e) {
                // Another worker made the same link meanwhile.
                if ((e as NodeJS.ErrnoException).code !== "EEXIST" || linkTarget(link) !== bin) throw e;
            }
        }
        bin = link;
    }
    const languageHost = languageHostFor(bin, search, search.binDir ?? BIN_DIR);
    return { bin, root: path.dirname(path.dirname(bin)), version, source, pluginDir: BIN_DIR, languageHost };
}

/** A CLI that can be used now, without building: a compatible one on PATH, else a current build here. */
export function locateCli(search: Search = {}): PulumiCli | undefined {
    const binDir = search.binDir ?? BIN_DIR;
    const built = path.join(binDir, "pulumi");
    for (const bin of onPath("pulumi", search).filter((b) => path.resolve(b) !== built)) {
        const version = versionOf(bin);
        if (compatible(version)) return cli(bin, version, "PATH", search);
    }
    const stampFile = path.join(binDir, path.basename(STAMP));
    if (!fs.existsSync(built) || !fs.existsSync(stampFile)) return undefined;
    const stamp = JSON.parse(fs.readFileSync(stampFile, "utf8")) as { inputs?: string };
    if (stamp.inputs !== buildInputs()) return undefined;
    const version = versionOf(built);
    return version === pinnedVersion() ? cli(built, version, "tools/pulumi", search) : undefined;
}

export function describeCli(c: PulumiCli): string {
    const where = path.relative(ROOT, c.bin).startsWith("..") ? c.bin : path.relative(ROOT, c.bin);
    const host = !c.languageHost ? "no Node.js language host" : c.languageHost.standIn ? "our stand-in Node.js language host" : "the official Node.js language host";
    return `pulumi v${c.version} (${where}, ${c.source === "PATH" ? "found on PATH" : "built from tools/pulumi"}; ${host})`;
}

export const HOW_TO_GET_ONE = [
    "The real-engine suites (tests/cli) need the Pulumi CLI, and there is neither a compatible `pulumi` on PATH",
    `(v${MIN_VERSION} or newer) nor Go to build the pinned one. Either:`,
    "  - install Go 1.26 or newer (https://go.dev/dl/) and run `npm test` again: it builds the CLI pinned in",
    "    tools/pulumi into .tools/pulumi/bin (the first build takes several minutes), or",
    "  - install the Pulumi CLI (https://www.pulumi.com/docs/install/) so that `pulumi` is on PATH, or",
    `  - set ${SKIP_ENV}=1 to skip those suites (they are then reported as skipped, loudly).`,
].join("\n");

/** Builds the pinned CLI into .tools/pulumi/bin, printing what it does; returns the build time in ms. */
export async function buildCli(say: (line: string) => void, search: Search = {}): Promise<number> {
    if (onPath("go", search).length === 0) throw new Error(HOW_TO_GET_ONE);
    if (search.binDir && search.binDir !== BIN_DIR) throw new Error("buildCli builds into .tools/pulumi/bin only");
    const version = pinnedVersion();
    const out = path.join(BIN_DIR, "pulumi");
    const args = ["build", "-trimpath", "-o", out, "-ldflags", ldflags(version), "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"];
    say(`Building the Pulumi CLI v${version} from its Go modules (tools/pulumi) into ${path.relative(ROOT, BIN_DIR)}:`);
    say(`  (cd tools/pulumi && go ${args.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(" ")})`);
    say("  A first build downloads the modules and compiles several hundred packages: minutes. Later builds reuse Go's caches.");
    const started = Date.now();
    const heartbeat = setInterval(() => say(`  still building (${Math.round((Date.now() - started) / 1000)} s)`), 30_000);
    try {
        await new Promise<void>((resolve, reject) => {
            const child = spawn("go", args, { cwd: MODULE_DIR, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, GOFLAGS: "-mod=readonly" } });
            child.on("error", reject);
            child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`go build exited with ${code}`))));
        });
    } finally {
        clearInterval(heartbeat);
    }
    const built = versionOf(out);
    if (built !== version) throw new Error(`the built CLI reports version ${built ?? "(none)"}, not ${version}`);
    fs.writeFileSync(STAMP, JSON.stringify({ inputs: buildInputs(), version, builtAt: new Date().toISOString(), buildMs: Date.now() - started }, null, 2) + "\n");
    const ms = Date.now() - started;
    say(`  built in ${(ms / 1000).toFixed(1)} s`);
    return ms;
}

/** A usable CLI: found, or built. Throws HOW_TO_GET_ONE when neither works. */
export async function obtainCli(say: (line: string) => void, search: Search = {}): Promise<PulumiCli> {
    if (!search.binDir) writePlugin();
    let found = locateCli(search);
    if (!found) {
        await buildCli(say, search);
        found = locateCli(search);
        if (!found) throw new Error("the CLI was built but cannot be used (see above)");
    }
    return { ...found, languageHost: installLanguageHost(found, search) };
}

export const SKIP_NOTICE = [
    "!".repeat(100),
    `!! ${SKIP_ENV} is set: the suites that run the real Pulumi engine (tests/cli) are SKIPPED.`,
    "!! Lifecycle, drift, replacement, interruption and secret checks through `pulumi` do not run.",
    "!".repeat(100),
].join("\n");

async function main(): Promise<void> {
    const say = (line: string) => process.stderr.write(`[pulumi-cli] ${line}\n`);
    if (skipRequested()) {
        process.stderr.write(`${SKIP_NOTICE}\n`);
        return;
    }
    const c = await obtainCli(say);
    say(`using ${describeCli(c)}`);
}

if (require.main === module) {
    main().catch((e: unknown) => {
        process.stderr.write(`\n${e instanceof Error ? e.message : String(e)}\n`);
        process.exit(1);
    });
}
