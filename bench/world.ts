// Shared pieces of the performance benchmark (bench/run.ts) and the call-count regression test
// (tests/perf/call-counts.test.ts): an emulator with N load balancers, an engine-harness Engine configured
// for it the way a user configures a stack, programs of TcpListeners, and the analysis of the emulator's
// request log (calls by action, mutating calls per load balancer, busy rejections, throttling).
import { spawn } from "node:child_process";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { FaultSettings, ModelTimings, RequestLogEntry, startEmulator } from "../emulator";
import { Engine, OperationResult, secret } from "../tests/harness";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, admin, slbClient } from "../tests/support/slb-client";
import { TcpListener, TcpListenerArgs } from "../provider";

export const REGION = "cn-hangzhou";

/** Calls that change configuration: each occupies its load balancer for changeMs. */
export const MUTATING_ACTIONS: ReadonlySet<string> = new Set([
    "CreateLoadBalancerTCPListener", "SetLoadBalancerTCPListenerAttribute", "StartLoadBalancerListener",
    "StopLoadBalancerListener", "DeleteLoadBalancerListener", "TagResources", "UntagResources",
]);
/** The read the provider uses for one listener (diff, refresh and status polls when reads are not coalesced). */
export const DESCRIBE = "DescribeLoadBalancerTCPListenerAttribute";
/** The read that answers many listeners at once (coalesced reads, up to ten load balancers per call). */
export const LISTING = "DescribeLoadBalancerListeners";
/** Provider environment that turns coalesced reads off (one DESCRIBE per listener read). */
export const PER_LISTENER_READS: Readonly<Record<string, string>> = { SLB_LISTENER_COALESCE_READS: "off" };
/** "The load balancer or listener is busy": what a provider that collides with itself gets back. */
export const BUSY_CODES: ReadonlySet<string> = new Set([
    "OperationBusy", "ServiceIsConfiguring", "OperationFailed.ListenerStatusNotSupport", "SystemBusy", "ServiceIsStopping",
]);
export const THROTTLING_CODE = "Throttling.User";
/** The service's listener quota per load balancer (the emulator enforces it: ListenerNumberOverLimit). */
export const MAX_LISTENERS_PER_LB = 50;
/** What the Describe answers for a listener (or load balancer) that does not exist. */
const NOT_FOUND_CODES: ReadonlySet<string> = new Set(["InvalidParameter", "ListenerNotFound", "InvalidLoadBalancerId.NotFound"]);

/** The emulator as the benchmark uses it, wherever it runs. */
export interface Backend {
    endpoint: string;
    requests(): Promise<RequestLogEntry[]>;
    clearRequests(): Promise<void>;
    setFaults(faults: FaultSettings): Promise<void>;
    setTimings(timings: ModelTimings): Promise<void>;
    /** The model's state (what the emulator's snapshot() gives). */
    snapshot(): Promise<unknown>;
    /** Replaces the model's state: how the benchmark plays what others did on the account (in this process only). */
    restore(snapshot: unknown): Promise<void>;
    close(): Promise<void>;
}

/** The emulator in this process (fast to start; shares the event loop with the harness). */
export async function inProcessBackend(timings: ModelTimings): Promise<Backend> {
    const emulator = await startEmulator({ timings });
    return {
        endpoint: emulator.endpoint,
        requests: async () => emulator.requests(),
        clearRequests: async () => emulator.clearRequests(),
        setFaults: async (faults) => void emulator.setFaults(faults),
        setTimings: async (t) => emulator.setTimings(t),
        snapshot: async () => emulator.snapshot(),
        restore: async (state) => emulator.restore(state),
        close: () => emulator.close(),
    };
}

/**
 * The emulator as its own process (the CLI, dist/emulator/cli.js), driven through its admin API: like the real
 * service, its clock and timers do not wait for the engine's or the program's work.
 */
export async function childProcessBackend(timings: ModelTimings): Promise<Backend> {
    const cli = path.resolve(__dirname, "../emulator/cli.js");
    const child = spawn(process.execPath, [cli, "--port", "0", "--transition-ms", String(timings.transitionMs), "--change-ms", String(timings.changeMs)],
        { stdio: ["ignore", "pipe", "ignore"] });
    const endpoint = await new Promise<string>((resolve, reject) => {
        let out = "";
        child.stdout.on("data", (d) => {
            out += d;
            if (out.includes("\n")) resolve(out.split("\n")[0].trim());
        });
        child.once("exit", (code) => reject(new Error(`the emulator exited (${code}) before printing its endpoint`)));
    });
    const api = admin(endpoint);
    return {
        endpoint,
        requests: () => api.requests() as Promise<RequestLogEntry[]>,
        clearRequests: () => api.clearRequests(),
        setFaults: async (faults) => void (await api.setFaults(faults)),
        setTimings: async (t) => void (await api.setTimings(t)),
        snapshot: () => api.state(),
        restore: async () => {
            throw new Error("the emulator's admin API cannot replace its state: use the in-process emulator");
        },
        close: () => new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve();
            child.once("exit", () => resolve());
            child.kill("SIGTERM");
        }),
    };
}

export interface WorldSettings {
    timings: ModelTimings;
    faults: FaultSettings;
    /** Run the emulator in a child process (default: in this process). */
    childProcess?: boolean;
    /** Load balancers created before the measured operations. */
    loadBalancers: number;
    /** slbListener:retryTimeoutSeconds (default: the provider's own default). */
    retryTimeoutSeconds?: number;
}

export type ListenerSpec = Partial<TcpListenerArgs> & { listenerPort: number; loadBalancerId: string };

/** A fresh emulator with its load balancers, and an engine whose stack config points at it. */
export class World {
    engine: Engine;

    private constructor(readonly emulator: Backend, readonly lbIds: string[], readonly settings: WorldSettings) {
        this.engine = this.newEngine();
    }

    static async start(settings: WorldSettings): Promise<World> {
        // Load balancers are made without faults so that setup is neither slowed nor throttled.
        const emulator = await (settings.childProcess ? childProcessBackend : inProcessBackend)(settings.timings);
        try {
            const setup = slbClient(emulator.endpoint);
            const lbIds: string[] = [];
            for (let i = 0; i < settings.loadBalancers; i++) {
                const lb = await setup.call("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: `bench-${i}` });
                lbIds.push(lb.LoadBalancerId as string);
            }
            await emulator.setFaults(settings.faults);
            await emulator.clearRequests();
            return new World(emulator, lbIds, settings);
        } catch (e) {
            await emulator.close();
            throw e;
        }
    }

    /** The stack config a user sets for this endpoint (secret key as a secret). */
    stackConfig() {
        return {
            "alicloud:region": REGION,
            "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID,
            "alicloud:secretKey": secret(DEFAULT_ACCESS_KEY_SECRET),
            "alicloud:endpoints": JSON.stringify([{ slb: this.emulator.endpoint }]),
            ...(this.settings.retryTimeoutSeconds !== undefined ? { "slbListener:retryTimeoutSeconds": String(this.settings.retryTimeoutSeconds) } : {}),
        };
    }

    newEngine(): Engine {
        return new Engine({ config: this.stackConfig() });
    }

    /** `n` listeners spread round-robin over the first `lbs` load balancers, ports 10000 + i. */
    specs(n: number, lbs = this.lbIds.length, extra: Omit<Partial<TcpListenerArgs>, "listenerPort" | "loadBalancerId"> = {}): ListenerSpec[] {
        return Array.from({ length: n }, (_, i) => ({
            loadBalancerId: this.lbIds[i % lbs], listenerPort: 10000 + i, backendServerPort: 8080, bandwidth: -1,
            healthCheckType: "http" as const, healthCheckUri: "/healthz", tags: { app: "bench" }, ...extra,
        }));
    }

    /** Runs `op` with a clean request log; returns its result, its wall time and the calls it caused. */
    async measure(op: (engine: Engine) => Promise<OperationResult>): Promise<Measured> {
        await this.emulator.clearRequests();
        const startedAt = Date.now();
        const started = performance.now();
        const result = await op(this.engine);
        const wallMs = performance.now() - started;
        return { result, wallMs, startedAt, calls: await this.emulator.requests() };
    }

    /** Runs setup work with instant changes and no faults, then restores the measured settings. */
    async quickly<T>(work: (engine: Engine) => Promise<T>): Promise<T> {
        await this.emulator.setTimings({ transitionMs: 0, changeMs: 0 });
        await this.emulator.setFaults({});
        try {
            return await work(this.engine);
        } finally {
            await this.emulator.setTimings(this.settings.timings);
            await this.emulator.setFaults(this.settings.faults);
        }
    }

    close(): Promise<void> {
        return this.emulator.close();
    }
}

export interface Measured {
    result: OperationResult;
    wallMs: number;
    /** Date.now() when the operation began (the request log's clock). */
    startedAt: number;
    calls: RequestLogEntry[];
}

/** A program with one TcpListener per spec, named l<port>-<lb index>. */
export function listenerProgram(specs: readonly ListenerSpec[]): () => Record<string, unknown> {
    return () => {
        const ids: Record<string, unknown> = {};
        for (const spec of specs) {
            const { listenerPort, loadBalancerId, ...rest } = spec;
            const name = `l${listenerPort}-${loadBalancerId}`;
            ids[name] = new TcpListener(name, { loadBalancerId, listenerPort, bandwidth: -1, ...rest }).id;
        }
        return ids;
    };
}

/** The load balancer a call is about (LoadBalancerId, or the listener's tag resource id `<lb>_tcp_<port>`). */
export function lbOf(call: RequestLogEntry): string | undefined {
    if (call.params.LoadBalancerId) return call.params.LoadBalancerId;
    const resource = call.params["ResourceId.1"];
    return resource ? resource.replace(/_tcp_\d+$/, "") : undefined;
}

export interface CallAnalysis {
    total: number;
    /** Calls by action (every answer, errors included). */
    byAction: Record<string, number>;
    /** Successful mutating calls: each held its load balancer for one change. */
    mutating: number;
    /** The longest chain of successful mutating calls on one load balancer. */
    chain: number;
    describes: number;
    /** DescribeLoadBalancerListeners calls. */
    listings: number;
    /** Every read of listeners: describes + listings. */
    reads: number;
    /** Answers with a busy code (BUSY_CODES). */
    busy: number;
    throttled: number;
    /** Describes answered "does not exist" (how a delete is confirmed). */
    notFound: number;
    /** Other error answers (not busy, not throttling, not a not-found Describe). */
    otherErrors: number;
    /** The codes of those other error answers, with counts. */
    otherErrorCodes: Record<string, number>;
    /** First arrival to last answer, from the request log. */
    spanMs: number;
}

export function analyse(calls: readonly RequestLogEntry[]): CallAnalysis {
    const byAction: Record<string, number> = {};
    const perLb = new Map<string, number>();
    let mutating = 0;
    let busy = 0;
    let throttled = 0;
    let otherErrors = 0;
    let notFound = 0;
    const otherErrorCodes: Record<string, number> = {};
    let first = Infinity;
    let last = -Infinity;
    for (const c of calls) {
        byAction[c.action] = (byAction[c.action] ?? 0) + 1;
        const arrived = Date.parse(c.time);
        first = Math.min(first, arrived);
        last = Math.max(last, arrived + c.durationMs);
        if (c.code === null && MUTATING_ACTIONS.has(c.action)) {
            mutating++;
            const lb = lbOf(c) ?? "?";
            perLb.set(lb, (perLb.get(lb) ?? 0) + 1);
        }
        if (c.code === null) continue;
        if (BUSY_CODES.has(c.code)) busy++;
        else if (c.code === THROTTLING_CODE) throttled++;
        // A Describe that finds nothing is how a delete is confirmed, not a failure.
        else if (c.action === DESCRIBE && NOT_FOUND_CODES.has(c.code)) notFound++;
        else {
            otherErrors++;
            otherErrorCodes[c.code] = (otherErrorCodes[c.code] ?? 0) + 1;
        }
    }
    return {
        total: calls.length, byAction, mutating, chain: Math.max(0, ...perLb.values()), describes: byAction[DESCRIBE] ?? 0,
        listings: byAction[LISTING] ?? 0, reads: (byAction[DESCRIBE] ?? 0) + (byAction[LISTING] ?? 0),
        busy, throttled, notFound, otherErrors, otherErrorCodes, spanMs: calls.length ? last - first : 0,
    };
}

/** Operation failures as one line each (errors and check failures), for reports and assertion messages. */
export function failuresOf(result: OperationResult): string[] {
    return [
        ...result.errors.map((e) => `${e.urn ?? "program"}: ${e.message}`),
        ...result.failures.map((f) => `${f.urn}: ${f.property}: ${f.reason}`),
    ];
}
