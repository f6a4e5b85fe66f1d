// A project directory driven the way a user drives it: plain `pulumi` commands (and shell lines, for the
// README) run with the directory as working directory, so the CLI starts the Node.js language host there (the
// official one, or our stand-in from tools/language-host) and the program runs from its Pulumi.yaml and index.ts.
//
// Each directory gets its own PULUMI_HOME, HOME, file backend and passphrase under WORK_ROOT, and nothing of
// the caller's Pulumi account; `up`/`destroy` confirm through PULUMI_SKIP_CONFIRMATIONS, as in a script. Every
// command runs in a process group of its own; one that outlives its time bound is killed with every process group
// below it (the engine starts each plugin in its own group, which outlives a killed `pulumi`).
import { spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { PulumiCli } from "../../scripts/pulumi-cli";
import { descendants, killTree } from "../support/processes";
import { WORK_ROOT, textFiles } from "./stack";

export interface DirRun {
    command: string;
    exitCode: number;
    stdout: string;
    stderr: string;
    ms: number;
}

let counter = 0;

export class ProjectDir {
    readonly runs: DirRun[] = [];
    readonly env: Record<string, string>;
    /** `pulumi stack init` names, for the secret scan's labels. */
    stackName = "";
    /**
     * Whether a run of the program has type-checked it already. The first `pulumi preview` or `up` of a directory
     * compiles the program with ts-node's type check, as a user's does (our published types under the project's
     * tsconfig); later runs only transpile (PULUMI_NODEJS_TRANSPILE_ONLY), which saves seconds of CPU per run.
     */
    private typeChecked = false;

    private constructor(readonly cli: PulumiCli, readonly root: string, readonly dir: string) {
        const home = path.join(root, "home");
        this.env = {
            ...(process.env as Record<string, string>),
            HOME: home,
            PULUMI_HOME: path.join(home, ".pulumi"),
            PULUMI_BACKEND_URL: `file://${path.join(root, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: randomBytes(12).toString("hex"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            PULUMI_SKIP_CONFIRMATIONS: "true",
            PULUMI_ACCESS_TOKEN: "",
            // The CLI's directory first: its bundled plugins (our provider plugin and language host) are there.
            PATH: [path.dirname(cli.bin), cli.pluginDir, process.env.PATH ?? ""].join(path.delimiter),
        };
        for (const key of ["ALICLOUD_SLB_ENDPOINT", "ALICLOUD_REGION", "ALICLOUD_ACCESS_KEY", "ALICLOUD_SECRET_KEY", "PULUMI_NODEJS_TRANSPILE_ONLY"]) delete this.env[key];
    }

    /** A work area under WORK_ROOT for a project directory that exists already (e.g. the checkout's root). */
    static at(cli: PulumiCli, label: string, projectDir: string): ProjectDir {
        const root = path.join(WORK_ROOT, `${process.pid}-dir${++counter}-${label}`);
        for (const d of [path.join(root, "home"), path.join(root, "backend")]) fs.mkdirSync(d, { recursive: true });
        return new ProjectDir(cli, root, projectDir);
    }

    /** A fresh work area under WORK_ROOT, the project directory at `subdir` in it; `copy` fills that directory. */
    static create(cli: PulumiCli, label: string, subdir = "project", copy?: (projectDir: string) => void): ProjectDir {
        const root = path.join(WORK_ROOT, `${process.pid}-dir${++counter}-${label}`);
        const dir = path.join(root, subdir);
        for (const d of [dir, path.join(root, "home"), path.join(root, "backend")]) fs.mkdirSync(d, { recursive: true });
        copy?.(dir);
        return new ProjectDir(cli, root, dir);
    }

    /** `pulumi ARGS` in the project directory. */
    pulumi(args: string[], o: { env?: Record<string, string>; timeoutMs?: number } = {}): Promise<DirRun> {
        if (args[0] === "stack" && args[1] === "init") this.stackName = args[2];
        return this.exec(this.cli.bin, args, `pulumi ${args.join(" ")}`, o);
    }

    /** A shell line in the project directory (a README command). */
    sh(line: string, o: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<DirRun> {
        return this.exec("/bin/sh", ["-c", line], line, o);
    }

    /** A long-running shell line (`npm run emulator ...`): resolves with its first `lines` stdout lines matching `keep`. */
    background(line: string, keep: RegExp, lines: number): Promise<{ lines: string[]; stop: () => void }> {
        const child = spawn("/bin/sh", ["-c", line], { cwd: this.dir, env: this.env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
        let out = "";
        let err = "";
        const stop = () => killTree(child.pid!);
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => (stop(), reject(new Error(`${line}: nothing printed in 120 s\n${out}\n${err}`))), 120_000);
            child.stderr.on("data", (d: Buffer) => (err += d.toString()));
            child.stdout.on("data", (d: Buffer) => {
                out += d.toString();
                const kept = out.split("\n").filter((l) => keep.test(l));
                if (kept.length >= lines) {
                    clearTimeout(timer);
                    resolve({ lines: kept.slice(0, lines), stop });
                }
            });
            child.on("exit", (code) => {
                clearTimeout(timer);
                reject(new Error(`${line}: exited with ${code}\n${out}\n${err}`));
            });
        });
    }

    /** Every file the backend and the project directory's stack config hold, as text (for the secret scan). */
    storedFiles(): Array<{ file: string; text: string }> {
        const stackConfigs = fs.readdirSync(this.dir).filter((n) => /^Pulumi\..+\.yaml$/.test(n))
            .map((f) => ({ file: f, text: fs.readFileSync(path.join(this.dir, f), "utf8") }));
        return [...textFiles(path.join(this.root, "backend"), this.root), ...stackConfigs];
    }

    /** Processes still running below this test process with a working directory in this work area, after
     * giving killed ones up to 5 s to go. */
    async leftovers(): Promise<number[]> {
        for (const until = Date.now() + 5000; ;) {
            const found = this.running();
            if (found.length === 0 || Date.now() > until) return found;
            await new Promise((r) => setTimeout(r, 100));
        }
    }

    private running(): number[] {
        return descendants(process.pid).filter((p) => {
            try {
                const cwd = fs.readlinkSync(`/proc/${p}/cwd`);
                return cwd.startsWith(this.root) || cwd === this.dir;
            } catch {
                return false;
            }
        });
    }

    close(): void {
        if (!process.env.SLB_LISTENER_KEEP_CLI_WORK) fs.rmSync(this.root, { recursive: true, force: true });
    }

    private exec(file: string, args: string[], command: string, o: { env?: Record<string, string>; timeoutMs?: number; cwd?: string }): Promise<DirRun> {
        const started = Date.now();
        const runsProgram = /(^|[\s;&|(])pulumi +(preview|up)\b/.test(command);
        const transpileOnly = runsProgram && this.typeChecked ? { PULUMI_NODEJS_TRANSPILE_ONLY: "true" } : {};
        if (runsProgram) this.typeChecked = true;
        const child = spawn(file, args, { cwd: o.cwd ?? this.dir, env: { ...this.env, ...transpileOnly, ...o.env }, detached: true, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        const limit = o.timeoutMs ?? 120_000;
        const timer = setTimeout(() => {
            stderr += `\n[test] ${command}: killed after ${limit} ms with every process group below it\n`;
            killTree(child.pid!);
        }, limit);
        return new Promise((resolve) => {
            child.on("error", (e) => (stderr += String(e)));
            child.on("close", (code, signal) => {
                clearTimeout(timer);
                const r = { command, exitCode: code ?? (signal ? 128 : -1), stdout, stderr, ms: Date.now() - started };
                this.runs.push(r);
                resolve(r);
            });
        });
    }
}

/** Asserts success, showing the output when not. */
export function expectRan(r: DirRun): DirRun {
    if (r.exitCode !== 0) throw new Error(`${r.command} exited with ${r.exitCode}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`);
    return r;
}

/** The emulator a documented command line started, with the ids it printed after its endpoint. */
export interface StartedEmulator {
    endpoint: string;
    ids: string[];
    stop: () => void;
}

const EMULATOR_LINE = /^(npm run (-s )?emulator --|npx slb-emulator)(?! call)/;
const DOCUMENTED_PORT = "8080";

/**
 * Runs documented command lines in `dir`, in order, as a user types them: the line that starts the emulator ("in
 * another terminal") in the background on a free port instead of 8080, every other line in the shell, each
 * required to succeed. Placeholders are substituted: `given` ones (e.g. `<your AccessKey id>`), the documented
 * endpoint by the emulator's, and `<the lb-... id it printed>` (likewise rsp-, acl-) by the id it printed.
 */
export async function runDocumented(dir: ProjectDir, lines: readonly string[], given: Record<string, string> = {}): Promise<StartedEmulator | undefined> {
    let emulator: StartedEmulator | undefined;
    const substitute = (line: string) => {
        let out = line;
        for (const [from, to] of Object.entries(given)) out = out.split(from).join(to);
        if (emulator) {
            out = out.split(`http://127.0.0.1:${DOCUMENTED_PORT}`).join(emulator.endpoint);
            out = out.replace(/<the (\w+)-\.\.\. id it printed>/g, (_, prefix: string) => {
                const id = emulator!.ids.find((i) => i.startsWith(`${prefix}-`));
                if (!id) throw new Error(`${line}: the emulator printed no ${prefix}- id (${emulator!.ids.join(", ")})`);
                return id;
            });
        }
        return out;
    };
    try {
        for (const line of lines) {
            if (EMULATOR_LINE.test(line)) {
                const resources = (line.match(/--(load-balancer|vserver-group|acl) /g) ?? []).length;
                const started = await dir.background(line.replace(`--port ${DOCUMENTED_PORT}`, "--port 0"), /^(http:\/\/|[a-z]+-[a-z0-9]+$)/, 1 + resources);
                emulator = { endpoint: started.lines[0], ids: started.lines.slice(1), stop: started.stop };
                continue;
            }
            expectRan(await dir.sh(substitute(line)));
        }
    } catch (e) {
        emulator?.stop();
        throw e;
    }
    return emulator;
}
