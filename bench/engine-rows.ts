// The benchmark's headline rows through the REAL Pulumi engine (`pulumi` driven by the Automation API, the
// program inline in this process, see tests/cli/stack.ts): `up` and `destroy` of N listeners on one load
// balancer, and a no-op preview of M listeners over five load balancers under a QPS limit. Same emulator
// settings, same programs and the same bounds as the harness rows, so the two can be compared in one run.
import { performance } from "node:perf_hooks";
import { PulumiCli } from "../scripts/pulumi-cli";
import { CliStack, RunResult } from "../tests/cli/stack";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from "../tests/support/slb-client";
import { PER_LISTENER_READS, REGION, World, WorldSettings, analyse, listenerProgram } from "./world";
import { RequestLogEntry } from "../emulator";

export interface EngineRow {
    operation: string;
    n: number;
    lbs: number;
    /** The Automation API call: the `pulumi` command (and, for up, its reads of outputs and history). */
    wallMs: number;
    /** First API call's arrival to the last answer. */
    apiSpanMs: number;
    /** Operation start to the first API call: CLI start, program, provider host start, Check. */
    beforeFirstCallMs: number;
    boundMs: number;
    calls: number;
    /** The most calls in flight at once (from arrival and duration in the request log). */
    maxInFlight: number;
    busy: number;
    throttled: number;
    failed: boolean;
    detail: string;
}

export function stackConfig(world: World): Record<string, { value: string; secret?: boolean }> {
    return {
        "alicloud:region": { value: REGION },
        "alicloud:accessKey": { value: DEFAULT_ACCESS_KEY_ID },
        "alicloud:secretKey": { value: DEFAULT_ACCESS_KEY_SECRET, secret: true },
        "alicloud:endpoints": { value: JSON.stringify([{ slb: world.emulator.endpoint }]) },
    };
}

/** Sets `env` in the stack's workspace for one operation (the Automation API starts `pulumi` with it on top of ours). */
export async function withEnv<T>(stack: CliStack, env: Record<string, string>, work: () => Promise<T>): Promise<T> {
    const vars = stack.stack.workspace.envVars;
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, vars[k]]));
    Object.assign(vars, env);
    try {
        return await work();
    } finally {
        for (const [k, v] of Object.entries(saved)) {
            if (v === undefined) delete vars[k];
            else vars[k] = v;
        }
    }
}

async function measure(world: World, run: () => Promise<RunResult>): Promise<{ r: RunResult; wallMs: number; startedAt: number; calls: RequestLogEntry[] }> {
    await world.emulator.clearRequests();
    const startedAt = Date.now();
    const t0 = performance.now();
    const r = await run();
    return { r, wallMs: performance.now() - t0, startedAt, calls: await world.emulator.requests() };
}

function maxInFlight(calls: readonly RequestLogEntry[]): number {
    const edges = calls.flatMap((c) => [[Date.parse(c.time), 1], [Date.parse(c.time) + c.durationMs, -1]] as Array<[number, number]>);
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let now = 0;
    let max = 0;
    for (const [, d] of edges) max = Math.max(max, (now += d));
    return max;
}

function row(operation: string, n: number, lbs: number, m: Awaited<ReturnType<typeof measure>>, bound: (a: ReturnType<typeof analyse>) => number): EngineRow {
    const a = analyse(m.calls);
    const first = m.calls.length ? Math.min(...m.calls.map((c) => Date.parse(c.time))) : m.startedAt;
    return {
        operation, n, lbs, wallMs: m.wallMs, apiSpanMs: a.spanMs, beforeFirstCallMs: first - m.startedAt, boundMs: bound(a),
        calls: a.total, maxInFlight: maxInFlight(m.calls), busy: a.busy, throttled: a.throttled, failed: !m.r.ok,
        detail: m.r.ok ? "" : (m.r.stderr || m.r.stdout).split("\n").filter((l) => /error/i.test(l)).slice(0, 2).join(" "),
    };
}

export interface EngineRowSettings {
    world: (loadBalancers: number) => WorldSettings;
    changeMs: number;
    latencyMs: number;
    qpsLimit: number;
    scaleN: number;
    previewN: number;
    progress: (line: string) => void;
}

/** up + destroy of scaleN on one load balancer; preview of previewN over five under the QPS limit. */
export async function engineRows(cli: PulumiCli, s: EngineRowSettings): Promise<EngineRow[]> {
    const rows: EngineRow[] = [];
    const chainBound = (a: ReturnType<typeof analyse>) => a.chain * (s.changeMs + s.latencyMs);
    {
        const world = await World.start(s.world(1));
        const stack = await CliStack.create({ cli, project: "bench", stack: "scale", program: listenerProgram(world.specs(s.scaleN, 1)), config: stackConfig(world), label: "bench-scale" });
        try {
            s.progress(`real engine: up of ${s.scaleN} listeners on 1 load balancer through pulumi`);
            rows.push(row("up", s.scaleN, 1, await measure(world, () => stack.up()), chainBound));
            s.progress(`real engine: destroy of ${s.scaleN} listeners on 1 load balancer through pulumi`);
            rows.push(row("destroy", s.scaleN, 1, await measure(world, () => stack.destroy()), chainBound));
        } finally {
            stack.close();
            await world.close();
        }
    }
    {
        const world = await World.start(s.world(5));
        const stack = await CliStack.create({ cli, project: "bench", stack: "preview", program: listenerProgram(world.specs(s.previewN, 5)), config: stackConfig(world), label: "bench-preview" });
        try {
            s.progress(`real engine: preview of ${s.previewN} listeners with a QPS limit of ${s.qpsLimit} through pulumi`);
            const created = await world.quickly(() => stack.up());
            if (!created.ok) throw new Error(`setting up ${s.previewN} listeners through pulumi failed: ${created.stderr}`);
            await world.emulator.setFaults({ latencyMs: s.latencyMs, qpsLimit: s.qpsLimit });
            await new Promise((r) => setTimeout(r, 1100)); // a fresh one-second window
            // One read per listener, as in figure 3, so that the pacer has a stream of calls to pace (with the
            // operation's view the preview takes a few calls; figure 6).
            const m = await measure(world, () => withEnv(stack, { ...PER_LISTENER_READS }, () => stack.preview()));
            const admitted = (a: ReturnType<typeof analyse>) => ((a.total - a.throttled) / s.qpsLimit) * 1000;
            rows.push(row("no-op preview", s.previewN, 5, m, admitted));
            await world.quickly(() => stack.destroy());
        } finally {
            stack.close();
            await world.close();
        }
    }
    return rows;
}
