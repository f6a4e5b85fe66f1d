// One stack driven through the REAL Pulumi engine (the `pulumi` CLI) with the Automation API.
//
// What runs where:
//  - `pulumi` (Go, the engine): one process per command, started by the Automation API with cwd = the stack's
//    work directory. It plans and executes the steps, writes checkpoints to a local file backend and encrypts
//    secrets with the passphrase provider. Nothing downloads: plugin acquisition and the update check are off.
//  - the program: an Automation API *inline* program, run in this (the test's) process and served to the engine
//    over 127.0.0.1 by the Automation API's language server. It stands in for the Node.js language host, which
//    could not be built here (its Go module is not served by the module proxy); users run the same programs as
//    directory programs with the official CLI and its language host.
//  - the provider: the engine starts `pulumi-resource-pulumi-nodejs` (ours, beside the CLI) with cwd = the work
//    directory, which runs @pulumi/pulumi's dynamic-provider host; the serialized `__provider` loads this package
//    by walking up from that cwd, so every work directory lies inside the repository (under .pulumi-work/, git-ignored).
//  - a PULUMI_HOME, a backend and a passphrase of its own per stack.
import { execFileSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { EngineEvent, LocalWorkspace, OpType, PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import { PulumiCli, ROOT } from "../../scripts/pulumi-cli";
import { argv0, cwdOf, descendants, killGroups } from "../support/processes";

/** Root of every stack's work directory (git-ignored); must be inside the repository, see above. */
export const WORK_ROOT = path.join(ROOT, ".pulumi-work");

/** A program: a function (its return value = the stack outputs) or the path of a compiled program module. */
export type Program = (() => unknown) | string;

export interface StackOptions {
    cli: PulumiCli;
    /** The project name (as in a Pulumi.yaml). */
    project: string;
    stack?: string;
    program: Program;
    /** Stack config, namespaced keys; `secret: true` stores the value encrypted. */
    config?: Record<string, { value: string; secret?: boolean }>;
    /** Work directory name under WORK_ROOT (unique per process); default `<project>-<stack>`. */
    label?: string;
    /** Project settings besides the name (description, config schema with defaults), e.g. from a Pulumi.yaml. */
    settings?: { description?: string; config?: Record<string, unknown> };
}

/** name, description and config (with defaults) of a program's Pulumi.yaml: what the engine reads from it. */
export function projectFile(dir: string): { name: string; description?: string; config?: Record<string, unknown> } {
    const yaml = require(require.resolve("js-yaml", { paths: [require.resolve("@pulumi/pulumi")] })) as { load(text: string): unknown };
    const p = yaml.load(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8")) as { name?: string; description?: string; config?: Record<string, unknown> };
    if (!p.name) throw new Error(`${dir}/Pulumi.yaml has no name`);
    return { name: p.name, description: p.description, config: p.config };
}

/** One step as the engine reported it (resource pre-event, outputs event or failure), in event order. */
export interface StepEvent {
    op: OpType;
    /** The resource's name (last URN part). */
    name: string;
    urn: string;
    type: string;
    phase: "pre" | "done" | "failed";
    /** Properties the engine reports as changed (diffs), for pre-events. */
    diffs?: string[];
}

export interface RunResult {
    command: string;
    ok: boolean;
    exitCode: number;
    stdout: string;
    stderr: string;
    events: EngineEvent[];
    /** Steps of resources other than the stack itself. */
    steps: StepEvent[];
    /** Non-debug diagnostics: [severity, urn or "", message]. */
    diagnostics: Array<{ severity: string; urn: string; message: string }>;
    /** Stack outputs after up (plain values). */
    outputs: Record<string, unknown>;
    /** Wall time of the whole Automation API call. */
    ms: number;
}

const STACK_TYPE = "pulumi:pulumi:Stack";
let counter = 0;

/** Work directories of processes that are gone (killed test runs) are removed the first time a stack is made. */
function removeStaleWorkDirs(): void {
    if (!fs.existsSync(WORK_ROOT)) return;
    for (const entry of fs.readdirSync(WORK_ROOT)) {
        const pid = Number(/^(\d+)-/.exec(entry)?.[1]);
        if (!pid || pid === process.pid || fs.existsSync(`/proc/${pid}`)) continue;
        fs.rmSync(path.join(WORK_ROOT, entry), { recursive: true, force: true });
    }
}

/** Runs a program module the way the language host does: a fresh execution each time, its exports = outputs. */
function moduleProgram(file: string): () => unknown {
    const resolved = require.resolve(file);
    const dir = path.dirname(resolved) + path.sep;
    return () => {
        for (const key of Object.keys(require.cache)) {
            if (key.startsWith(dir) && !key.includes(`${path.sep}node_modules${path.sep}`)) delete require.cache[key];
        }
        const mod = require(resolved) as Record<string, unknown>;
        return { ...mod };
    };
}

/** The Automation API's handle on a CLI; getting one runs `pulumi version`, so once per CLI and process. */
const commands = new Map<string, Promise<PulumiCommand>>();
function commandFor(root: string): Promise<PulumiCommand> {
    let command = commands.get(root);
    if (!command) {
        command = PulumiCommand.get({ root, skipVersionCheck: true });
        commands.set(root, command);
    }
    return command;
}

export class CliStack {
    /** Every run so far (for the secret scan and for failure messages). */
    readonly runs: RunResult[] = [];

    private constructor(
        readonly cli: PulumiCli,
        readonly project: string,
        readonly stackName: string,
        readonly dir: string,
        readonly workDir: string,
        readonly env: Record<string, string>,
        readonly stack: Stack,
    ) {}

    static async create(o: StackOptions): Promise<CliStack> {
        const stackName = o.stack ?? "dev";
        if (counter === 0) removeStaleWorkDirs();
        const dir = path.join(WORK_ROOT, `${process.pid}-${++counter}-${o.label ?? `${o.project}-${stackName}`}`);
        const workDir = path.join(dir, "project");
        for (const d of [workDir, path.join(dir, "home"), path.join(dir, "backend")]) fs.mkdirSync(d, { recursive: true });
        const env: Record<string, string> = {
            PULUMI_HOME: path.join(dir, "home"),
            PULUMI_BACKEND_URL: `file://${path.join(dir, "backend")}`,
            PULUMI_CONFIG_PASSPHRASE: randomBytes(12).toString("hex"),
            PULUMI_SKIP_UPDATE_CHECK: "true",
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
            // Our dynamic-provider plugin; the CLI's own directory (a distribution's bundled plugins) comes first.
            PATH: [path.dirname(o.cli.bin), o.cli.pluginDir, process.env.PATH ?? ""].join(path.delimiter),
            // Nothing of the caller's Pulumi account reaches these runs.
            PULUMI_ACCESS_TOKEN: "",
        };
        const pulumiCommand = await commandFor(o.cli.root);
        const program = typeof o.program === "string" ? moduleProgram(o.program) : o.program;
        const stack = await LocalWorkspace.createOrSelectStack(
            { stackName, projectName: o.project, program: async () => (await program()) as Record<string, unknown> },
            {
                workDir, pulumiCommand, envVars: env, secretsProvider: "passphrase",
                projectSettings: {
                    ...(o.settings as object), name: o.project, runtime: "nodejs", backend: { url: env.PULUMI_BACKEND_URL },
                },
            },
        );
        const s = new CliStack(o.cli, o.project, stackName, dir, workDir, env, stack);
        if (o.config) await stack.setAllConfig(o.config);
        return s;
    }

    urn(type: string, name: string): string {
        return `urn:pulumi:${this.stackName}::${this.project}::${type}::${name}`;
    }

    /** Replaces the program the next operations run. */
    setProgram(program: Program): void {
        const p = typeof program === "string" ? moduleProgram(program) : program;
        this.stack.workspace.program = async () => (await p()) as Record<string, unknown>;
    }

    preview(o: { expectNoChanges?: boolean; diff?: boolean; refresh?: boolean } = {}): Promise<RunResult> {
        return this.run("preview", (common) => this.stack.preview({ ...common, ...o }));
    }

    up(o: { signal?: AbortSignal; refresh?: boolean; parallel?: number } = {}): Promise<RunResult> {
        return this.run("up", (common) => this.stack.up({ ...common, ...o }));
    }

    refresh(o: { clearPendingCreates?: boolean } = {}): Promise<RunResult> {
        return this.run("refresh", (common) => this.stack.refresh({ ...common, ...o }));
    }

    destroy(): Promise<RunResult> {
        return this.run("destroy", (common) => this.stack.destroy(common));
    }

    /** Any other `pulumi` command, with this stack's environment and work directory (`--stack` added). */
    async command(args: string[]): Promise<RunResult> {
        const started = Date.now();
        // `run` is public in the JavaScript but missing from the .d.ts of this SDK version.
        const cmd = this.stack.workspace.pulumiCommand as unknown as RunnableCommand;
        const full = [...args, "--stack", this.stackName];
        let r: RunResult;
        try {
            const res = await cmd.run(full, this.workDir, this.env);
            r = this.result(`pulumi ${args.join(" ")}`, 0, res.stdout, res.stderr, [], {}, started);
        } catch (e) {
            const c = commandResultOf(e);
            r = this.result(`pulumi ${args.join(" ")}`, c.code, c.stdout, c.stderr, [], {}, started);
        }
        this.runs.push(r);
        return r;
    }

    /** `pulumi stack export`: secrets stay encrypted (the Automation API's exportStack adds --show-secrets). */
    async exportState(): Promise<Deployment> {
        const r = await this.command(["stack", "export"]);
        if (!r.ok) throw new Error(`pulumi stack export failed: ${r.stderr}`);
        return (JSON.parse(r.stdout) as { deployment: Deployment }).deployment;
    }

    /** The custom resources in the checkpoint (not the stack, not the default provider). */
    async resources(): Promise<CheckpointResource[]> {
        return ((await this.exportState()).resources ?? []).filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    }

    /** Every file the backend and the work directory hold (state, backups, history, stack config), as text. */
    storedFiles(): Array<{ file: string; text: string }> {
        return [...textFiles(path.join(this.dir, "backend"), this.dir), ...textFiles(this.workDir, this.dir)];
    }

    /** The running `pulumi` processes of this stack and everything they started (provider hosts). */
    processes(): { cli: number[]; all: number[] } {
        const cli = descendants(process.pid).filter((p) => argv0(p) === this.cli.bin && cwdOf(p) === this.workDir);
        return { cli, all: [...cli, ...cli.flatMap(descendants)] };
    }

    /** Provider hosts (dynamic-provider processes) below this stack's `pulumi` processes. */
    providerHosts(): number[] {
        return this.processes().all.filter((p) => (argv0(p) ?? "").endsWith("node"));
    }

    /** SIGKILL for `pulumi` and everything it started: what a crash of the machine or the CI runner does. */
    killAll(): number[] {
        const { all } = this.processes();
        killGroups(all);
        return all;
    }

    /** Removes the work directory (backend, home, stack config). */
    close(): void {
        fs.rmSync(this.dir, { recursive: true, force: true });
    }

    private async run(command: string, call: (common: CommonOptions) => Promise<{ stdout: string; stderr: string; outputs?: Record<string, { value: unknown }> }>):
        Promise<RunResult> {
        const started = Date.now();
        const events: EngineEvent[] = [];
        let stdout = "";
        let stderr = "";
        const common: CommonOptions = {
            onOutput: (s) => (stdout += s),
            onError: (s) => (stderr += s),
            onEvent: (e) => events.push(e),
        };
        let r: RunResult;
        try {
            const res = await call(common);
            const outputs = Object.fromEntries(Object.entries(res.outputs ?? {}).map(([k, v]) => [k, v.value]));
            r = this.result(command, 0, stdout || res.stdout, stderr || res.stderr, events, outputs, started);
        } catch (e) {
            const c = commandResultOf(e);
            r = this.result(command, c.code, stdout || c.stdout, stderr || c.stderr, events, {}, started);
        }
        this.runs.push(r);
        return r;
    }

    private result(command: string, exitCode: number, stdout: string, stderr: string, events: EngineEvent[],
        outputs: Record<string, unknown>, started: number): RunResult {
        const steps: StepEvent[] = [];
        const diagnostics: RunResult["diagnostics"] = [];
        for (const e of events) {
            const d = e.diagnosticEvent;
            if (d && d.severity !== ("debug" as string)) diagnostics.push({ severity: d.severity, urn: d.urn ?? "", message: d.message });
            const m = e.resourcePreEvent?.metadata ?? e.resOutputsEvent?.metadata ?? e.resOpFailedEvent?.metadata;
            if (!m || m.type === STACK_TYPE || m.type.startsWith("pulumi:providers:")) continue;
            const phase = e.resourcePreEvent ? "pre" : e.resOutputsEvent ? "done" : "failed";
            steps.push({ op: m.op, name: m.urn.split("::").pop() ?? m.urn, urn: m.urn, type: m.type, phase, diffs: m.diffs });
        }
        return { command, ok: exitCode === 0, exitCode, stdout, stderr, events, steps, diagnostics, outputs, ms: Date.now() - started };
    }
}

interface RunnableCommand {
    run(args: string[], cwd: string, env: Record<string, string>): Promise<{ stdout: string; stderr: string; code: number }>;
}

interface CommonOptions {
    onOutput: (s: string) => void;
    onError: (s: string) => void;
    onEvent: (e: EngineEvent) => void;
}

export interface CheckpointResource {
    urn: string;
    type: string;
    custom?: boolean;
    id?: string;
    inputs?: Record<string, unknown>;
    outputs?: Record<string, unknown>;
    initErrors?: string[];
    delete?: boolean;
    pendingReplacement?: boolean;
}

export interface Deployment {
    resources?: CheckpointResource[];
    pending_operations?: Array<{ resource: CheckpointResource; type: string }>;
}

/** The failed command's output and exit code. The Automation API reports -2 for any failure and puts execa's
 * message ("Command failed with exit code N" or "...was killed with SIGKILL") first in stderr. */
function commandResultOf(e: unknown): { code: number; stdout: string; stderr: string } {
    const c = (e as { commandResult?: { code: number; stdout: string; stderr: string; err?: { exitCode?: number; stdout?: string } } }).commandResult;
    if (!c) throw e;
    const exitCode = c.err?.exitCode ?? Number(/exit code (\d+)/.exec(c.stderr)?.[1] ?? c.code);
    return { code: typeof exitCode === "number" && !Number.isNaN(exitCode) ? exitCode : c.code, stdout: c.stdout || c.err?.stdout || "", stderr: c.stderr };
}

/** Every file below `dir`, as text, named relative to `from`. */
export function textFiles(dir: string, from: string): Array<{ file: string; text: string }> {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const f = path.join(dir, e.name);
        if (e.isDirectory()) return textFiles(f, from);
        return e.isFile() ? [{ file: path.relative(from, f), text: fs.readFileSync(f).toString("utf8") }] : [];
    });
}

/** Steps of one phase as "op name" strings, in the order the engine reported them. */
export function stepList(r: RunResult, phase: StepEvent["phase"] = r.command === "preview" ? "pre" : "done"): string[] {
    return r.steps.filter((s) => s.phase === phase).map((s) => `${s.op} ${s.name}`);
}

/** The `ps` line of each process (for failure messages). */
export function describeProcesses(pids: number[]): string {
    if (pids.length === 0) return "(none)";
    try {
        return execFileSync("ps", ["-o", "pid,ppid,pgid,args", "-p", pids.join(",")]).toString();
    } catch {
        return pids.join(", ");
    }
}
