// Figure 7 of the benchmark: coalesced reads (DescribeLoadBalancerListeners shared by the reads in flight together)
// against per-listener reads (SLB_LISTENER_COALESCE_READS=off, one DescribeLoadBalancerTCPListenerAttribute per
// read), side by side in one run, through the engine harness; and the provider host's start to its first Check with
// the Alibaba SDK loaded up front (as before it was loaded lazily) and as it is now.
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { COALESCE_ENV } from "../provider/api/listener-reads";
import { PulumiCli, describeCli } from "../scripts/pulumi-cli";
import { CliStack, RunResult } from "../tests/cli/stack";
import { ProviderHost, PropertyMap } from "../tests/harness";
import { stackConfig } from "./engine-rows";
import { Cell, median, ratio, sec, table } from "./table";
import { PER_LISTENER_READS, World, WorldSettings, analyse, failuresOf, listenerProgram, Measured } from "./world";

export interface ReadsSettings {
    latencyMs: number;
    changeMs: number;
    /** The benchmark's emulator settings for a world of this many load balancers (the run's flags included). */
    world: (loadBalancers: number) => WorldSettings;
    /** The CLI for the real-engine rows, located once by the run (undefined: none, or skipped). */
    cli: PulumiCli | undefined;
}

type Mode = "coalesced" | "per-listener";
const MODES: readonly Mode[] = ["coalesced", "per-listener"];
const envOf = (mode: Mode) => (mode === "per-listener" ? { ...PER_LISTENER_READS } : {});

const FLEET = { n: 200, lbs: 4 };
const SLOW_QPS = 20;
const UPS = [{ n: 50, lbs: 1 }, { n: 50, lbs: 5 }];
/** Host starts per variant: their spread under load is large next to the ~100 ms the SDK costs. */
const COLD_STARTS = 10;

export interface ReadsRow {
    figure: string;
    target: string;
    coalesced: Cell;
    perListener: Cell;
    met: boolean;
}

export interface ReadsFigures {
    rows: ReadsRow[];
    /** The same cases through the real Pulumi engine, when a CLI is found. */
    engine?: { cli: string; rows: ReadsRow[] };
    /** Raw measurements, for --json. */
    raw: Record<string, unknown>;
    problems: string[];
}

function progress(line: string): void {
    process.stderr.write(`[bench] ${line}\n`);
}

export async function readsFigures(s: ReadsSettings): Promise<ReadsFigures> {
    const problems: string[] = [];
    const check = (what: string, m: Measured) => {
        const f = failuresOf(m.result);
        if (f.length) problems.push(`${what}: ${f.length} failure(s): ${f[0]}`);
        return m;
    };
    const raw: Record<string, unknown> = {};
    const rows: ReadsRow[] = [];
    /** Both modes, one after the other, on the same world. */
    const per = async <T>(f: (mode: Mode) => Promise<T>) => {
        const [coalesced, perListener] = [await f(MODES[0]), await f(MODES[1])];
        return { coalesced, perListener };
    };

    // -- 200 listeners on 4 load balancers: preview, refresh, preview under 20 calls/s, destroy
    const world = await World.start(s.world(FLEET.lbs));
    let firstResource: { urn: string; inputs: PropertyMap } | undefined;
    try {
        const program = listenerProgram(world.specs(FLEET.n, FLEET.lbs));
        progress(`figure 7: creating ${FLEET.n} listeners on ${FLEET.lbs} load balancers (instant timings)`);
        await world.quickly((e) => e.up(program));
        firstResource = world.engine.readState().resources[0];

        progress("figure 7: no-op preview and refresh, coalesced and per-listener");
        const preview = await per(async (mode) => analyse(check(`preview ${mode}`, await world.measure((e) => e.preview(program, { env: envOf(mode) }))).calls));
        const refresh = await per(async (mode) => analyse(check(`refresh ${mode}`, await world.measure((e) => e.refresh({ env: envOf(mode) }))).calls));
        rows.push({
            figure: `no-op preview of ${FLEET.n} listeners on ${FLEET.lbs} LBs: API calls`, target: "≤ 4 (Terraform 400)",
            coalesced: callText(preview.coalesced), perListener: callText(preview.perListener), met: preview.coalesced.total <= 4,
        });
        rows.push({
            figure: "refresh of the same: API calls", target: "≤ 4",
            coalesced: callText(refresh.coalesced), perListener: callText(refresh.perListener), met: refresh.coalesced.total <= 4,
        });

        progress(`figure 7: engine-only preview of ${FLEET.n} new listeners (empty stack), median of 3`);
        const engineOnlyMs: number[] = [];
        const fleetEngine = world.engine;
        for (let i = 0; i < 3; i++) {
            world.engine = world.newEngine();
            engineOnlyMs.push(check("engine-only preview", await world.measure((e) => e.preview(program))).wallMs);
        }
        world.engine = fleetEngine;
        const engineOnly = median(engineOnlyMs);
        // The same preview with every listenerPort changed: a Diff per resource (it answers "replace" without reading)
        // and no API call, so the engine's own part of a no-op preview, Diff RPCs included.
        const moved = listenerProgram(world.specs(FLEET.n, FLEET.lbs).map((spec) => ({ ...spec, listenerPort: spec.listenerPort + 1000 })));
        const diffsOnlyMs: number[] = [];
        for (let i = 0; i < 3; i++) diffsOnlyMs.push(check("diffs-only preview", await world.measure((e) => e.preview(moved))).wallMs);
        const diffsOnly = median(diffsOnlyMs);

        progress(`figure 7: no-op preview of ${FLEET.n} at ${SLOW_QPS} calls/s, coalesced and per-listener`);
        const slow = await per(async (mode) => {
            await world.emulator.setFaults({ latencyMs: s.latencyMs, qpsLimit: SLOW_QPS });
            await new Promise((r) => setTimeout(r, 1100)); // a fresh one-second window
            try {
                const m = check(`slow preview ${mode}`, await world.measure((e) => e.preview(program, { env: envOf(mode) })));
                return { wallMs: m.wallMs, a: analyse(m.calls) };
            } finally {
                await world.emulator.setFaults(world.settings.faults);
            }
        });
        const slowText = (x: typeof slow.coalesced) =>
            `${sec(x.wallMs)} s (engine-only + ${sec(x.wallMs - engineOnly)} s, engine with diffs + ${sec(x.wallMs - diffsOnly)} s; ` +
            `API span ${sec(x.a.spanMs)} s), ${x.a.total} calls, ${x.a.throttled} throttled`;
        rows.push({
            figure: `no-op preview of ${FLEET.n} at ${SLOW_QPS} calls/s: wall (engine-only ${sec(engineOnly)} s; engine with diffs, no call, ${sec(diffsOnly)} s)`,
            target: "≤ engine-only + 0.5 s, 0 throttled",
            coalesced: slowText(slow.coalesced), perListener: slowText(slow.perListener),
            met: slow.coalesced.wallMs <= engineOnly + 500 && slow.coalesced.a.throttled === 0,
        });

        progress(`figure 7: destroy of ${FLEET.n} (coalesced), then re-create and destroy per-listener`);
        const destroy = await per(async (mode) => {
            if (mode === "per-listener") await world.quickly((e) => e.up(program));
            return analyse(check(`destroy ${mode}`, await world.measure((e) => e.destroy({ env: envOf(mode) }))).calls);
        });
        const perDelete = (a: typeof destroy.coalesced) => `${ratio(a.total / FLEET.n)} (Delete ${a.byAction.DeleteLoadBalancerListener ?? 0}, reads ${a.reads})`;
        rows.push({
            figure: `delete: calls per listener (destroy of ${FLEET.n} on ${FLEET.lbs} LBs)`, target: "1",
            coalesced: perDelete(destroy.coalesced), perListener: perDelete(destroy.perListener), met: destroy.coalesced.total / FLEET.n <= 1.05,
        });
        raw.fleet = { preview, refresh, engineOnlyMs, diffsOnlyMs, slow, destroy };
    } finally {
        await world.close();
    }

    // -- up of 50 new listeners on one load balancer (and over five)
    const ups: Record<string, unknown> = {};
    for (const UP of UPS) {
        progress(`figure 7: up of ${UP.n} listeners on ${UP.lbs} load balancer(s), coalesced and per-listener`);
        const up = await per(async (mode) => {
            const w = await World.start(s.world(UP.lbs));
            try {
                const m = check(`up ${mode}`, await w.measure((e) => e.up(listenerProgram(w.specs(UP.n, UP.lbs)), { env: envOf(mode) })));
                const a = analyse(m.calls);
                return { wallMs: m.wallMs, a, boundMs: a.chain * (s.changeMs + s.latencyMs) };
            } finally {
                await w.close();
            }
        });
        const upText = (x: typeof up.coalesced) =>
            `${x.a.reads} reads; wall ${sec(x.wallMs)} s, API span ${sec(x.a.spanMs)} s, bound ${sec(x.boundMs)} s (wall ${ratio(x.wallMs / x.boundMs)}, span ${ratio(x.a.spanMs / x.boundMs)})`;
        // The engine's start-up varies with machine load; the API span is what reads can change.
        const spanRatio = (x: typeof up.coalesced) => x.a.spanMs / x.boundMs;
        rows.push({
            figure: `up of ${UP.n} new listeners on ${UP.lbs === 1 ? "one LB" : `${UP.lbs} LBs`}: read calls, wall / bound`,
            target: UP.lbs === 1 ? "≤ 10 reads, ratio unchanged or better" : "ratio unchanged or better",
            coalesced: upText(up.coalesced), perListener: upText(up.perListener),
            met: (UP.lbs > 1 || up.coalesced.a.reads <= 10) && spanRatio(up.coalesced) <= spanRatio(up.perListener) * 1.02,
        });
        ups[`${UP.n}/${UP.lbs}`] = up;
    }
    raw.up = ups;

    // -- provider host start to first Check: SDK loaded at start (as before) vs on the first network call (now)
    if (firstResource) {
        progress(`figure 7: provider host start to first Check, ${COLD_STARTS} × 2`);
        const cold = await coldStarts(firstResource, COLD_STARTS);
        rows.push({
            figure: `host start → first Check answered (median of ${COLD_STARTS}; the Check itself)`, target: "≤ 60 % of before",
            coalesced: `now: ${cold.lazy.toFixed(0)} ms (${ratio(cold.lazy / cold.eager)} of before); the Check ${cold.lazyCheck.toFixed(0)} ms`,
            perListener: `before (SDK with the client): ${cold.eager.toFixed(0)} ms; the Check ${cold.eagerCheck.toFixed(0)} ms`,
            met: cold.lazy <= 0.6 * cold.eager,
        });
        raw.coldStart = cold;
    }
    const engine = s.cli ? { cli: describeCli(s.cli), rows: await realEngineReads(s.cli, s, problems) } : undefined;
    return { rows, engine, raw, problems };
}

/** Runs `work` with the provider's reads in `mode` (the switch reaches the provider host through the CLI's environment). */
async function inMode<T>(mode: Mode, work: () => Promise<T>): Promise<T> {
    const before = process.env[COALESCE_ENV];
    if (mode === "per-listener") process.env[COALESCE_ENV] = PER_LISTENER_READS[COALESCE_ENV];
    else delete process.env[COALESCE_ENV];
    try {
        return await work();
    } finally {
        if (before === undefined) delete process.env[COALESCE_ENV];
        else process.env[COALESCE_ENV] = before;
    }
}

/** Destroy of 200 on 4 LBs and up of 50 on one, through `pulumi`, both read modes (preview and refresh: figure 6). */
export async function realEngineReads(cli: PulumiCli, s: ReadsSettings, problems: string[]): Promise<ReadsRow[]> {
    const rows: ReadsRow[] = [];
    const run = async (world: World, what: string, op: () => Promise<RunResult>) => {
        await world.emulator.clearRequests();
        const started = performance.now();
        const r = await op();
        const wallMs = performance.now() - started;
        if (!r.ok) problems.push(`real engine, ${what}: ${(r.stderr || r.stdout).split("\n").filter((l) => /error/i.test(l)).slice(0, 2).join(" ")}`);
        return { wallMs, a: analyse(await world.emulator.requests()) };
    };
    const text = (x: { wallMs: number; a: ReturnType<typeof analyse> }) => `${x.a.total} calls (${x.a.reads} reads), wall ${sec(x.wallMs)} s, API span ${sec(x.a.spanMs)} s`;
    {
        const world = await World.start(s.world(FLEET.lbs));
        const stack = await CliStack.create({ cli, project: "bench", stack: "reads", program: listenerProgram(world.specs(FLEET.n, FLEET.lbs)), config: stackConfig(world), label: "bench-reads" });
        try {
            progress(`figure 7, real engine: creating ${FLEET.n} listeners on ${FLEET.lbs} load balancers through pulumi`);
            await world.quickly(() => stack.up());
            progress(`figure 7, real engine: destroy of ${FLEET.n}, coalesced and per-listener`);
            const c = await inMode("coalesced", () => run(world, "destroy", () => stack.destroy()));
            await world.quickly(() => stack.up());
            const p = await inMode("per-listener", () => run(world, "destroy", () => stack.destroy()));
            rows.push({ figure: `destroy of ${FLEET.n} on ${FLEET.lbs} LBs: calls per listener`, target: "1",
                coalesced: `${ratio(c.a.total / FLEET.n)}; ${text(c)}`, perListener: `${ratio(p.a.total / FLEET.n)}; ${text(p)}`, met: c.a.total <= FLEET.n });
        } finally {
            stack.close();
            await world.close();
        }
    }
    const UP = UPS[0];
    const results: Record<Mode, { wallMs: number; a: ReturnType<typeof analyse> }> = {} as never;
    for (const mode of MODES) {
        progress(`figure 7, real engine: up of ${UP.n} on ${UP.lbs} load balancer, ${mode}`);
        const world = await World.start(s.world(UP.lbs));
        const stack = await CliStack.create({ cli, project: "bench", stack: `up-${mode}`, program: listenerProgram(world.specs(UP.n, UP.lbs)), config: stackConfig(world), label: `bench-reads-up-${mode}` });
        try {
            results[mode] = await inMode(mode, () => run(world, `up ${mode}`, () => stack.up()));
            await world.quickly(() => stack.destroy());
        } finally {
            stack.close();
            await world.close();
        }
    }
    const bound = (x: { a: ReturnType<typeof analyse> }) => x.a.chain * (s.changeMs + s.latencyMs);
    const upText = (x: { wallMs: number; a: ReturnType<typeof analyse> }) => `${x.a.reads} reads; ${text(x)}; span / bound ${ratio(x.a.spanMs / bound(x))}`;
    rows.push({ figure: `up of ${UP.n} new listeners on one LB`, target: "≤ 10 reads, ratio unchanged or better",
        coalesced: upText(results.coalesced), perListener: upText(results["per-listener"]),
        met: results.coalesced.a.reads <= 10 && results.coalesced.a.spanMs <= results["per-listener"].a.spanMs * 1.02 });
    return rows;
}

function callText(a: ReturnType<typeof analyse>): string {
    return `${a.total} (${Object.entries(a.byAction).map(([k, v]) => `${k.replace(/^DescribeLoadBalancer/, "")} ${v}`).join(", ")})`;
}

/**
 * Spawn → first Check answered, and Configure answered → first Check answered (the Check's own cost), alternating
 * "before" (eager-sdk.js preloaded: the SDK is loaded with the client module, as its top-level imports did) and now.
 */
async function coldStarts(resource: { urn: string; inputs: PropertyMap }, n: number) {
    const cwd = path.resolve(__dirname, "..", "..");
    const eager = path.join(__dirname, "eager-sdk.js");
    const times = { eager: [] as number[], lazy: [] as number[], eagerCheck: [] as number[], lazyCheck: [] as number[] };
    for (let i = 0; i < n; i++) {
        for (const kind of ["eager", "lazy"] as const) {
            const started = performance.now();
            const host = await ProviderHost.start({
                cwd,
                env: {
                    PULUMI_NODEJS_PROJECT: "bench", PULUMI_NODEJS_STACK: "cold", PULUMI_PROJECT: "bench", PULUMI_CONFIG: "{}",
                    ...(kind === "eager" ? { NODE_OPTIONS: `--require ${eager}` } : {}),
                },
            });
            try {
                await host.getPluginInfo();
                await host.configure({ "alicloud:region": "cn-hangzhou" });
                const configured = performance.now();
                await host.check(resource.urn, {}, resource.inputs);
                times[kind].push(performance.now() - started);
                times[kind === "eager" ? "eagerCheck" : "lazyCheck"].push(performance.now() - configured);
            } finally {
                await host.stop();
            }
        }
    }
    return {
        eager: median(times.eager), lazy: median(times.lazy), eagerCheck: median(times.eagerCheck), lazyCheck: median(times.lazyCheck),
        samplesMs: times,
    };
}

export function printReads(f: ReadsFigures, say: (line?: string) => void): void {
    say("### 7. Coalesced reads vs one read per listener (same run)");
    say();
    say(table(["figure", "target", "coalesced (default)", `per-listener (${Object.entries(PER_LISTENER_READS).map(([k, v]) => `${k}=${v}`).join("")})`, "met"],
        f.rows.map((r) => [r.figure, r.target, r.coalesced, r.perListener, r.met])));
    say();
    say("Coalesced: reads in flight together share one DescribeLoadBalancerListeners per ten load balancers (100 listeners a page); a lone");
    say("read is one attribute call. Status polls are not held back to share a listing (see docs/performance.md), so each poll of a chain");
    say("of creates or deletes on one load balancer is mostly its own call.");
    say("Engine-only = a preview of the same program in an empty stack (no API call): the fixed cost of host start, program and Checks.");
    say("Engine with diffs = a preview of the same stack with every listenerPort changed: one Diff per resource that answers \"replace\"");
    say("without reading, so no API call; a no-op preview pays that too. The API span is what the reads themselves take.");
    say("Host start: \"before\" makes the provider host load the Alibaba SDK with the client module (bench/eager-sdk.ts, preloaded), as the");
    say("client's top-level imports did; now the SDK is loaded on the first network call, so Check never pays for it. \"The Check\" is");
    say("Configure answered → first Check answered: loading our implementation (and, before, the SDK) is in it; the rest is the host's own start.");
    if (f.engine) {
        say(`Through the real engine (${f.engine.cli}; the Automation API drives \`pulumi\`, same emulator settings):`);
        say();
        say(table(["figure", "target", "coalesced (default)", "per-listener", "met"], f.engine.rows.map((r) => [r.figure, r.target, r.coalesced, r.perListener, r.met])));
        say();
        say("The status polls of parallel deletes on different load balancers overlap and are shared; those of a chain of changes on one");
        say("load balancer come one by one. The fleet's preview and refresh through `pulumi`, in both engine modes, are figure 6.");
        say();
    } else {
        say("No Pulumi CLI here: the real-engine rows of this figure were left out (`node dist/scripts/pulumi-cli.js` builds the pinned one).");
        say();
    }
    if (f.problems.length) say(`\nProblems: ${f.problems.join("; ")}`);
    say();
}
