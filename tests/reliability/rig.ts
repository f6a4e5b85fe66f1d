// Shared rig for the reliability scenarios: an SLB emulator (in-process, or the CLI as a child process that can
// be killed and restarted on the same port and state file), N load balancers, engines (tests/harness) configured
// for it, programs of TcpListeners, read-back through a separate observer access key, request-log arithmetic
// (faults by kind, retries, busy codes, calls in flight), a way to kill the provider host mid-operation, and the
// SECRET WATCH: every operation's output and state file, the emulator's request log, the CLI's output and its
// state file are recorded and scanned for the access-key secret after each test (`useRigs`).
//
// Two access keys on one account: the provider's (PROVIDER_KEY_ID / SECRET, a fresh random secret per run, so a
// scan hit cannot be a coincidence) and the observer's, used only by the tests to read the emulator back. The
// request log tells them apart by access key id, so "calls the provider made" never includes the tests' own reads.
import { ChildProcess, execFileSync, spawn } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { Emulator, FaultSettings, FaultStats, RequestLogEntry, startEmulator } from "../../emulator";
import { TcpListener, TcpListenerArgs } from "../../provider";
import { Engine, OperationResult, Program, secret } from "../harness";
import { isMissingListener, listenerPorts } from "../support/listeners";
import { AdminClient, SlbClient, admin, slbClient } from "../support/slb-client";
import { harnessConfig, providerConfig } from "../support/stack-config";
import { BUSY_CODES, FAST_TIMINGS, sleep, waitUntil } from "../support/timing";

export { BUSY_CODES, FAST_TIMINGS, sleep, waitUntil };

export const REGION = "cn-hangzhou";
/** The provider's credentials. The secret is random per test run: it must appear nowhere but in the config. */
export const PROVIDER_KEY_ID = "reliability-provider-key";
export const SECRET = `rel-secret-${randomBytes(16).toString("hex")}`;
/** The tests' own access key for reading the emulator back: same account (same state), so its calls can be told
 * apart from the provider's in the request log. The emulator CLI cannot share an account between two keys, so
 * there the observer uses the provider's key (and the tests read back only while no operation runs). */
export const OBSERVER = { accessKeyId: "reliability-observer-key", accessKeySecret: "reliability-observer-secret" };
const ACCOUNT_ID = "reliability-account";
export const ACCOUNTS = [{ accessKeyId: PROVIDER_KEY_ID, accessKeySecret: SECRET, accountId: ACCOUNT_ID }, { ...OBSERVER, accountId: ACCOUNT_ID }];

const REPO_ROOT = path.resolve(__dirname, "../../..");
const CLI = path.join(REPO_ROOT, "dist/emulator/cli.js");

// ---------------------------------------------------------------------------------------------------------------
// The secret watch

interface Watched {
    where: string;
    text: string | (() => string);
}

/** Collects every text the product produced during a test and scans it for SECRET (and other credentials). */
export class SecretWatch {
    private watched: Watched[] = [];
    /** Credentials of the current test besides SECRET (an STS token, a wrong secret); cleared after each scan. */
    private extra: string[] = [];
    /** Totals over the whole run, for the summary line. */
    readonly totals = { scans: 0, texts: 0, bytes: 0, leaks: 0 };

    /** Also scan for `credential` until the end of the current test. */
    alsoFor(credential: string): void {
        this.extra.push(credential);
    }

    add(where: string, text: string | (() => string)): void {
        this.watched.push({ where, text });
    }

    /** Everything an operation shows the user, plus the state file as written right after it. */
    operation(label: string, result: OperationResult, statePath: string): void {
        this.add(`${label}: errors`, JSON.stringify(result.errors));
        this.add(`${label}: check failures`, JSON.stringify(result.failures));
        this.add(`${label}: diagnostics (provider stderr)`, result.diagnostics.join("\n"));
        this.add(`${label}: stdout`, result.stdout.join("\n"));
        this.add(`${label}: steps and outputs`, JSON.stringify({ steps: result.steps, outputs: result.outputs }));
        this.add(`${label}: state file`, fs.existsSync(statePath) ? fs.readFileSync(statePath, "utf8") : "");
    }

    /** Throws, naming every place, if SECRET appears anywhere watched; returns what was scanned. */
    assertClean(): { texts: number; bytes: number } {
        const leaks: string[] = [];
        let bytes = 0;
        const needles = [SECRET, ...this.extra];
        for (const w of this.watched) {
            const text = typeof w.text === "function" ? w.text() : w.text;
            bytes += text.length;
            for (const [i, needle] of needles.entries()) {
                const at = text.indexOf(needle);
                if (at < 0) continue;
                const context = text.slice(Math.max(0, at - 80), at + needle.length + 40).split(needle).join(`<CREDENTIAL ${i}>`);
                leaks.push(`${w.where}: ...${context}...`);
            }
        }
        const texts = this.watched.length;
        this.totals.scans++;
        this.totals.texts += texts;
        this.totals.bytes += bytes;
        this.totals.leaks += leaks.length;
        this.watched = [];
        this.extra = [];
        if (leaks.length) throw new Error(`the access-key secret leaked into ${leaks.length} place(s):\n${leaks.join("\n")}`);
        return { texts, bytes };
    }
}

export const secrets = new SecretWatch();

// One line at the very end of the run (a root-level hook): how much output the secret watch went through.
if (typeof after === "function") {
    after(() => console.log(`      [secrets] ${secrets.totals.scans} tests scanned: ${secrets.totals.texts} texts, ` +
        `${(secrets.totals.bytes / 1024 / 1024).toFixed(1)} MiB (outputs, diagnostics, errors, state files, request logs); leaks ${secrets.totals.leaks}`));
}

// ---------------------------------------------------------------------------------------------------------------
// The emulator: in-process or a CLI child process

/** What the rig needs from an emulator, whichever way it runs. */
export interface EmulatorHandle {
    readonly endpoint: string;
    /** Credentials the tests read the emulator back with. */
    readonly observer: { accessKeyId: string; accessKeySecret: string };
    requests(): Promise<RequestLogEntry[]>;
    setFaults(faults: FaultSettings): Promise<void>;
    /** Injected faults since the last setFaults (a rule counts when it fires, before any delay it adds). */
    faultStats(): Promise<FaultStats>;
    close(): Promise<void>;
}

function inProcess(emulator: Emulator): EmulatorHandle {
    return {
        endpoint: emulator.endpoint,
        observer: OBSERVER,
        requests: async () => emulator.requests(),
        setFaults: async (f) => void emulator.setFaults(f),
        faultStats: async () => emulator.getFaults().stats,
        close: () => emulator.close(),
    };
}

/** `node dist/emulator/cli.js` as a child process: killable, restartable on the same port with the same --state. */
export class EmulatorProcess implements EmulatorHandle {
    readonly output: string[] = [];
    readonly observer = { accessKeyId: PROVIDER_KEY_ID, accessKeySecret: SECRET };
    private constructor(private child: ChildProcess, readonly endpoint: string, readonly port: number, readonly statePath: string,
        private readonly admin: AdminClient) {}

    static async start(statePath: string, port = 0): Promise<EmulatorProcess> {
        const output: string[] = [];
        const child = await EmulatorProcess.spawn(statePath, port, output);
        const endpoint = output[0];
        const p = new EmulatorProcess(child.process, endpoint, Number(new URL(endpoint).port), statePath, admin(endpoint));
        p.output.push(...output);
        child.more((l) => p.output.push(l));
        secrets.add("emulator CLI output", () => p.output.join("\n"));
        secrets.add("emulator state file", () => (fs.existsSync(statePath) ? fs.readFileSync(statePath, "utf8") : ""));
        return p;
    }

    private static async spawn(statePath: string, port: number, output: string[]) {
        const args = [CLI, "--port", String(port), "--state", statePath,
            "--transition-ms", String(FAST_TIMINGS.transitionMs), "--change-ms", String(FAST_TIMINGS.changeMs)];
        args.push("--access-key-id", PROVIDER_KEY_ID, "--access-key-secret", SECRET);
        const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", "pipe"] });
        let sink: ((l: string) => void) | undefined;
        const onLine = (l: string) => (sink ? sink(l) : output.push(l));
        readline.createInterface({ input: child.stderr! }).on("line", onLine);
        const out = readline.createInterface({ input: child.stdout! });
        await new Promise<void>((resolve, reject) => {
            child.once("exit", (code) => reject(new Error(`emulator CLI exited (${code}) before it was ready:\n${output.join("\n")}`)));
            out.once("line", (l) => {
                output.unshift(l.trim());
                out.on("line", onLine);
                resolve();
            });
        });
        return { process: child, more: (f: (l: string) => void) => (sink = f) };
    }

    get running(): boolean {
        return this.child.exitCode === null && this.child.signalCode === null;
    }

    /** Stops the emulator with `signal` and waits for it to exit. */
    async kill(signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
        if (!this.running) return;
        const exited = new Promise((resolve) => this.child.once("exit", resolve));
        this.child.kill(signal);
        await exited;
    }

    /** Starts it again on the same port with the same state file. */
    async restart(): Promise<void> {
        await this.kill();
        const lines: string[] = [];
        const child = await EmulatorProcess.spawn(this.statePath, this.port, lines);
        if (lines[0] !== this.endpoint) throw new Error(`emulator came back on ${lines[0]}, not ${this.endpoint}`);
        this.output.push(...lines);
        child.more((l) => this.output.push(l));
        this.child = child.process;
    }

    requests(): Promise<RequestLogEntry[]> {
        return this.admin.requests() as Promise<RequestLogEntry[]>;
    }
    async setFaults(faults: FaultSettings): Promise<void> {
        await this.admin.setFaults(faults);
    }
    async faultStats(): Promise<FaultStats> {
        return ((await this.admin.faults()) as { stats: FaultStats }).stats;
    }
    close(): Promise<void> {
        return this.kill();
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Programs

/** One listener of a program: a resource name and its inputs (defaults: backend 8080, unlimited bandwidth). */
export type ListenerSpec = Partial<TcpListenerArgs> & { name: string; loadBalancerId: string; listenerPort: number };

/** A program declaring one TcpListener per spec; its stack outputs are the listener ids by name. */
export function listenerProgram(specs: readonly ListenerSpec[]): Program {
    return () => {
        const ids: Record<string, pulumi.Output<string>> = {};
        for (const { name, ...args } of specs) {
            ids[name] = new TcpListener(name, { backendServerPort: 8080, bandwidth: -1, ...args }).id;
        }
        return ids;
    };
}

export const idOf = (lbId: string, port: number) => `${lbId}:tcp:${port}`;

/** Input name -> DescribeLoadBalancerTCPListenerAttribute name, for the fields the scenarios set. Written out here
 * rather than taken from provider/fields.ts so that the tests check the provider's table instead of reusing it. */
const DESCRIBED: Record<string, string> = {
    listenerPort: "ListenerPort", backendServerPort: "BackendServerPort", bandwidth: "Bandwidth", scheduler: "Scheduler",
    persistenceTimeout: "PersistenceTimeout", establishedTimeout: "EstablishedTimeout", healthCheckType: "HealthCheckType",
    healthCheckUri: "HealthCheckURI", healthCheckInterval: "HealthCheckInterval", healthyThreshold: "HealthyThreshold",
    description: "Description", status: "Status",
};

export type LiveAttributes = Record<string, unknown> & { Status: string; Tags?: { Tag?: Array<{ TagKey: string; TagValue: string }> } };

/** Differences between a live listener and what its spec asks for (empty when it matches), owner tag included. */
export function mismatches(live: LiveAttributes | undefined, spec: ListenerSpec, owner: string): string[] {
    if (!live) return [`${spec.name}: no listener on ${idOf(spec.loadBalancerId, spec.listenerPort)}`];
    const want: Record<string, unknown> = { backendServerPort: 8080, bandwidth: -1, status: "running", ...spec };
    const out: string[] = [];
    for (const [input, api] of Object.entries(DESCRIBED)) {
        if (want[input] !== undefined && live[api] !== want[input]) out.push(`${spec.name}.${input}: live ${JSON.stringify(live[api])}, want ${JSON.stringify(want[input])}`);
    }
    const tags = Object.fromEntries((live.Tags?.Tag ?? []).map((t) => [t.TagKey, t.TagValue]));
    const wantTags = { ...(spec.tags as Record<string, string> | undefined ?? {}), "pulumi-owner": owner };
    if (JSON.stringify(sorted(tags)) !== JSON.stringify(sorted(wantTags))) out.push(`${spec.name}.tags: live ${JSON.stringify(tags)}, want ${JSON.stringify(wantTags)}`);
    return out;
}

function sorted(o: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)));
}

// ---------------------------------------------------------------------------------------------------------------
// Request-log arithmetic

/** What identifies "the same call again": the action and its target. */
function target(e: RequestLogEntry): string {
    const p = e.params;
    return [e.action, p.LoadBalancerId, p.ListenerPort, p["ResourceId.1"], p.ResourceId].join("|");
}

export interface CallStats {
    calls: number;
    byAction: Record<string, number>;
    /** Injected faults (errors and dropped connections) by kind. */
    faults: Record<string, number>;
    faultsTotal: number;
    /** Faulted calls that were followed by the same call again. */
    retried: number;
    /** Busy answers that were not injected faults: the provider's own calls collided. */
    busy: Record<string, number>;
    /** Other error answers that were not injected, by action and code. */
    otherErrors: Record<string, number>;
    /** Most provider calls the emulator was handling at the same moment. */
    maxInFlight: number;
}

export function callStats(entries: readonly RequestLogEntry[]): CallStats {
    const log = [...entries].sort((a, b) => a.seq - b.seq);
    const s: CallStats = { calls: log.length, byAction: {}, faults: {}, faultsTotal: 0, retried: 0, busy: {}, otherErrors: {}, maxInFlight: 0 };
    const lastSeqOf = new Map<string, number>();
    for (const e of log) lastSeqOf.set(target(e), e.seq);
    for (const e of log) {
        s.byAction[e.action] = (s.byAction[e.action] ?? 0) + 1;
        if (e.fault) {
            s.faults[e.fault] = (s.faults[e.fault] ?? 0) + 1;
            s.faultsTotal++;
            if ((lastSeqOf.get(target(e)) ?? 0) > e.seq) s.retried++;
        } else if (e.code && BUSY_CODES.includes(e.code)) {
            s.busy[e.code] = (s.busy[e.code] ?? 0) + 1;
        } else if (e.code) {
            const k = `${e.action}:${e.code}`;
            s.otherErrors[k] = (s.otherErrors[k] ?? 0) + 1;
        }
    }
    // Calls in flight: the log has each call's arrival time and duration.
    const edges = log.flatMap((e) => {
        const start = Date.parse(e.time);
        return [[start, 1], [start + e.durationMs, -1]] as Array<[number, number]>;
    }).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    for (const [, d] of edges) s.maxInFlight = Math.max(s.maxInFlight, (now += d));
    return s;
}

export const fmt = (o: Record<string, number>) =>
    Object.entries(o).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(", ") || "none";

// ---------------------------------------------------------------------------------------------------------------
// The provider host process (a crash is a SIGKILL of it)

/** Pids of the dynamic-provider hosts this test process has running (the harness starts one per operation). */
export function providerHostPids(): number[] {
    const out = execFileSync("ps", ["-A", "-o", "pid=,ppid=,args="], { encoding: "utf8" });
    return out.split("\n").map((l) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(l)).filter((m): m is RegExpExecArray => !!m)
        .filter((m) => Number(m[2]) === process.pid && m[3].includes("cmd/dynamic-provider"))
        .map((m) => Number(m[1]));
}

// ---------------------------------------------------------------------------------------------------------------
// The rig

export interface EngineSettings {
    stack?: string;
    /** Another SLB endpoint than the rig's emulator (e.g. one where nothing listens). */
    endpoint?: string;
    /** Replaces the stack config's secret key (e.g. a wrong one). */
    secretKey?: string;
    statePath?: string;
    retryTimeoutSeconds?: number;
    parallel?: number;
}

export class Rig {
    readonly observer: SlbClient;
    private readonly dirs: string[] = [];

    private constructor(readonly emulator: EmulatorHandle, readonly lbIds: string[], readonly securityToken?: string) {
        this.observer = slbClient(emulator.endpoint, emulator.observer);
    }

    /** An in-process emulator with `loadBalancers` load balancers; with `securityToken`, the provider's key needs
     * that STS token (set as secret stack config `alicloud:securityToken`). */
    static async start(o: { loadBalancers?: number; faults?: FaultSettings; securityToken?: string; timings?: typeof FAST_TIMINGS } = {}): Promise<Rig> {
        const accounts = ACCOUNTS.map((a) => (a.accessKeyId === PROVIDER_KEY_ID && o.securityToken ? { ...a, securityToken: o.securityToken } : a));
        const emulator = await startEmulator({ timings: o.timings ?? FAST_TIMINGS, accounts, faults: o.faults });
        return Rig.on(inProcess(emulator), o.loadBalancers ?? 1, o.securityToken);
    }

    /** A rig on an emulator that is already running (e.g. an EmulatorProcess). */
    static async on(emulator: EmulatorHandle, loadBalancers: number, securityToken?: string): Promise<Rig> {
        try {
            const observer = slbClient(emulator.endpoint, emulator.observer);
            const lbIds: string[] = [];
            for (let i = 0; i < loadBalancers; i++) {
                const lb = await observer.call("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: `reliability-${i}` });
                lbIds.push(lb.LoadBalancerId as string);
            }
            const rig = new Rig(emulator, lbIds, securityToken);
            secrets.add("emulator request log", () => rig.lastLog);
            return rig;
        } catch (e) {
            await emulator.close();
            throw e;
        }
    }

    /** The emulator's request log as last fetched (scanned for the secret after the test). */
    private lastLog = "";
    private lastLogEntries = 0;

    /** Stack config as a user would set it: region, key id, secret key as a SECRET config value, endpoint. */
    config(retryTimeoutSeconds = 30, endpoint = this.emulator.endpoint): Record<string, string | { secret: string }> {
        return harnessConfig(providerConfig({
            endpoint, accessKeyId: PROVIDER_KEY_ID, secretKey: SECRET, securityToken: this.securityToken, region: REGION, retryTimeoutSeconds,
        }));
    }

    engine(o: EngineSettings = {}): Engine {
        let statePath = o.statePath;
        if (!statePath) {
            const dir = fs.mkdtempSync(path.join(os.tmpdir(), "reliability-"));
            this.dirs.push(dir);
            statePath = path.join(dir, "state.json");
        }
        const config = this.config(o.retryTimeoutSeconds, o.endpoint);
        if (o.secretKey !== undefined) config["alicloud:secretKey"] = secret(o.secretKey);
        return new Engine({ stack: o.stack, statePath, parallel: o.parallel, config });
    }

    /** Runs an operation and hands its output and the state file to the secret watch. */
    async run(label: string, engine: Engine, op: "preview" | "up" | "refresh" | "destroy", program?: Program,
        env?: Record<string, string>): Promise<OperationResult> {
        const o = env ? { env } : {};
        const result = op === "preview" ? await engine.preview(program, o)
            : op === "up" ? await engine.up(program, o)
            : op === "refresh" ? await engine.refresh(o)
            : await engine.destroy(o);
        secrets.operation(`${label} (${op})`, result, engine.statePath);
        return result;
    }

    /** Every call the emulator logged, or only the provider's. */
    async log(who: "provider" | "all" = "provider"): Promise<RequestLogEntry[]> {
        const all = await this.emulator.requests();
        // A restarted emulator starts a new log: keep the old one for the secret scan.
        if (all.length < this.lastLogEntries) secrets.add("emulator request log (before a restart)", this.lastLog);
        this.lastLogEntries = all.length;
        this.lastLog = JSON.stringify(all);
        return who === "all" ? all : all.filter((e) => e.accessKeyId === PROVIDER_KEY_ID);
    }

    async describe(lbId: string, port: number): Promise<LiveAttributes | undefined> {
        try {
            const { RequestId: _r, ...live } = await this.observer.call("DescribeLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: port });
            return live as LiveAttributes;
        } catch (e) {
            if (isMissingListener(e)) return undefined;
            throw e;
        }
    }

    /** The listener once it has left any transitional status (starting, configuring, stopping). */
    async settled(lbId: string, port: number, timeoutMs = 5000): Promise<LiveAttributes | undefined> {
        const until = Date.now() + timeoutMs;
        for (;;) {
            const live = await this.describe(lbId, port);
            if (!live || !["starting", "configuring", "stopping"].includes(live.Status) || Date.now() > until) return live;
            await sleep(20);
        }
    }

    /** Ids (`lb:tcp:port`) of every listener on the rig's load balancers. */
    async liveIds(): Promise<string[]> {
        const ids: string[] = [];
        for (const lbId of this.lbIds) {
            for (const port of await listenerPorts(this.observer, lbId, REGION)) ids.push(idOf(lbId, port));
        }
        return ids.sort();
    }

    async close(): Promise<void> {
        try {
            if (this.lastLog === "") await this.log().catch(() => undefined);
        } finally {
            await this.emulator.close();
            for (const dir of this.dirs) fs.rmSync(dir, { recursive: true, force: true });
        }
    }
}

/** Ids recorded in an engine's state (the listeners Pulumi knows about). */
export function stateIds(engine: Engine): string[] {
    return engine.readState().resources.map((r) => r.id).sort();
}

/** Fails with everything the operation reported when it did not succeed. */
export function expectOk(r: OperationResult, what: string): void {
    expect(r.ok, `${what}: ${JSON.stringify({ errors: r.errors, failures: r.failures, diagnostics: r.diagnostics.slice(-20) }, null, 1)}`).to.equal(true);
}

/**
 * Per-test wiring every reliability scenario uses: after each test the secret watch scans everything the test
 * produced (operation outputs, state files, the emulator's request log and output), then the rigs are closed.
 */
export function useRigs(): { add(rig: Rig): Rig } {
    const rigs: Rig[] = [];
    afterEach(async () => {
        try {
            for (const rig of rigs) await rig.log().catch(() => undefined); // final request log into the watch
            secrets.assertClean();
        } finally {
            for (const rig of rigs.splice(0)) await rig.close();
        }
    });
    return { add: (rig) => (rigs.push(rig), rig) };
}
