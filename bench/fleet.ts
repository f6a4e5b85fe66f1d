// Figure 6 of the benchmark: a fleet of 200 listeners on 4 load balancers through the REAL Pulumi engine (`pulumi`
// driven by the Automation API), in both of the engine's diff modes: its default (one Diff at a time) and
// PULUMI_PARALLEL_DIFF=true (every Diff in its own goroutine). What an operation's view of each load balancer
// (provider/api/listener-reads.ts) costs there: calls and wall time of a no-op preview, refresh, an `up` repairing one
// drifted listener, a preview under 20 calls/s, check()'s look at new listeners; and what listing a load balancer that
// holds 300 listeners we do not manage costs against reading ours one by one. Calls come from the emulator's request log.
import { performance } from "node:perf_hooks";
import { ENGINE_MODES, EngineMode, PARALLEL_DIFF_ENV, engineModeEnv, engineModeName } from "../scripts/engine-mode";
import { PulumiCli, describeCli } from "../scripts/pulumi-cli";
import { driftLines } from "../tests/cli/lab";
import { CliStack, RunResult } from "../tests/cli/stack";
import { slbClient } from "../tests/support/slb-client";
import { stackConfig, withEnv } from "./engine-rows";
import { Cell, median, sec, table } from "./table";
import { CallAnalysis, DESCRIBE, LISTING, PER_LISTENER_READS, REGION, World, WorldSettings, analyse, listenerProgram } from "./world";

export interface FleetSettings {
    cli: PulumiCli;
    latencyMs: number;
    /** The benchmark's emulator settings for a world of this many load balancers. */
    world: (loadBalancers: number) => WorldSettings;
    progress: (line: string) => void;
}

const FLEET = { n: 200, lbs: 4 };
/** The bounds. */
const MAX_FLEET_CALLS = 8;
const MAX_REPAIR_CALLS = 10;
const WALL_MARGIN_MS = 1000;
const SLOW_QPS = 20;
/** Runs of the engine-only and no-op previews, alternated so that a change in machine load hits both alike. */
const REPEATS = 3;
/** Listeners we do not manage on one load balancer, and how many of ours beside them. */
const FOREIGN = 300;
const MANAGED = [1, 2];
/** Foreign listeners on ports below ours: the listing shows ours last, past its first page (the worst case). */
const FOREIGN_PORT = 20000;
const OUR_PORT = 30000;

/** The figures before the operation's view (issue 18: default engine / PULUMI_PARALLEL_DIFF=true). */
const BEFORE = {
    previewCalls: "200 / 71",
    previewWall: "17.45 s / 4.75 s",
    refreshCalls: "106 (one read per listener: 400)",
    repairCalls: "401",
    slowPreview: "not measured",
    look: "no look (0 calls)",
};

interface Op {
    wallMs: number;
    a: CallAnalysis;
    r: RunResult;
}

export interface FleetRow {
    figure: string;
    target: string;
    before: string;
    serial: Cell;
    parallel: Cell;
    met: Record<EngineMode, boolean | undefined>;
}

export interface FleetFigures {
    cli: string;
    rows: FleetRow[];
    raw: Record<string, unknown>;
    problems: string[];
}

/** "+ 0.42 s" or "− 1.30 s": a wall time against the engine-only one. */
const plus = (ms: number) => `${ms < 0 ? "−" : "+"} ${sec(Math.abs(ms))} s`;

const byActionText = (a: CallAnalysis) =>
    Object.entries(a.byAction).map(([k, v]) => `${k.replace(/^DescribeLoadBalancer/, "").replace(/LoadBalancer/, "")} ${v}`).join(", ") || "none";

export async function fleetFigures(s: FleetSettings): Promise<FleetFigures> {
    const problems: string[] = [];
    const raw: Record<string, unknown> = {};
    const rows: FleetRow[] = [];

    const measure = async (world: World, stack: CliStack, what: string, env: Record<string, string>, op: () => Promise<RunResult>): Promise<Op> => {
        await world.emulator.clearRequests();
        const started = performance.now();
        const r = await withEnv(stack, env, op);
        const wallMs = performance.now() - started;
        if (!r.ok) {
            const errors = r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim());
            problems.push(`${what}: pulumi exited with ${r.exitCode}: ${(errors[0] ?? r.stderr).slice(0, 300)}`);
        }
        return { wallMs, a: analyse(await world.emulator.requests()), r };
    };
    const both = async <T>(f: (mode: EngineMode) => Promise<T>): Promise<Record<EngineMode, T>> => {
        const out = {} as Record<EngineMode, T>;
        for (const mode of ENGINE_MODES) out[mode] = await f(mode);
        return out;
    };

    // -- 200 listeners on 4 load balancers
    const world = await World.start({ ...s.world(FLEET.lbs), childProcess: false });
    const program = listenerProgram(world.specs(FLEET.n, FLEET.lbs));
    const config = stackConfig(world);
    const fleet = await CliStack.create({ cli: s.cli, project: "bench", stack: "fleet", program, config, label: "bench-fleet" });
    // The same program in an empty stack that cannot call the API: no credentials, so check()'s look fails before any
    // call (one warning) and the preview is the engine's part only: host start, program, Checks.
    const { "alicloud:accessKey": _k, "alicloud:secretKey": _s, ...noCredentials } = config;
    const engineOnly = await CliStack.create({ cli: s.cli, project: "bench", stack: "engine-only", program, config: noCredentials, label: "bench-engine-only" });
    const blankKeys = { ALICLOUD_ACCESS_KEY: "", ALIBABA_CLOUD_ACCESS_KEY_ID: "", ALICLOUD_SECRET_KEY: "", ALIBABA_CLOUD_ACCESS_KEY_SECRET: "" };
    try {
        s.progress(`figure 6: preview of ${FLEET.n} new listeners on ${FLEET.lbs} load balancers (check()'s look), both engine modes`);
        const look = await both((mode) => measure(world, fleet, `look ${mode}`, engineModeEnv(mode), () => fleet.preview()));
        rows.push({
            figure: `preview of the ${FLEET.n} as new listeners (empty stack): calls of check()'s look at their ports and load balancers`,
            target: `≤ ${MAX_FLEET_CALLS} (one look per LB, none per listener)`, before: BEFORE.look,
            serial: `${look.serial.a.total} (${byActionText(look.serial.a)})`, parallel: `${look.parallel.a.total} (${byActionText(look.parallel.a)})`,
            met: { serial: look.serial.a.total <= MAX_FLEET_CALLS, parallel: look.parallel.a.total <= MAX_FLEET_CALLS },
        });

        s.progress(`figure 6: creating ${FLEET.n} listeners through pulumi (instant timings)`);
        const created = await world.quickly(() => fleet.up());
        if (!created.ok) throw new Error(`creating the fleet through pulumi failed: ${created.stderr.slice(0, 500)}`);

        s.progress(`figure 6: engine-only and no-op previews of ${FLEET.n}, ${REPEATS} of each per engine mode, alternated`);
        const only: Record<EngineMode, Op[]> = { serial: [], parallel: [] };
        const noop: Record<EngineMode, Op[]> = { serial: [], parallel: [] };
        for (let i = 0; i < REPEATS; i++) {
            for (const mode of ENGINE_MODES) {
                only[mode].push(await measure(world, engineOnly, `engine-only ${mode}`, { ...engineModeEnv(mode), ...blankKeys }, () => engineOnly.preview()));
                noop[mode].push(await measure(world, fleet, `no-op preview ${mode}`, engineModeEnv(mode), () => fleet.preview()));
            }
        }
        const onlyMs = { serial: median(only.serial.map((o) => o.wallMs)), parallel: median(only.parallel.map((o) => o.wallMs)) };
        for (const mode of ENGINE_MODES) {
            const calls = only[mode].reduce((n, o) => n + o.a.total, 0);
            if (calls > 0) problems.push(`engine-only preview (${mode}) made ${calls} call(s): it is not engine-only`);
        }
        rows.push({
            figure: `engine-only: the same program previewed in an empty stack without credentials (no call can be made), median of ${REPEATS}`,
            target: "", before: "",
            serial: `${sec(onlyMs.serial)} s (${only.serial.map((o) => sec(o.wallMs)).join(", ")}), ${only.serial.reduce((n, o) => n + o.a.total, 0)} calls`,
            parallel: `${sec(onlyMs.parallel)} s (${only.parallel.map((o) => sec(o.wallMs)).join(", ")}), ${only.parallel.reduce((n, o) => n + o.a.total, 0)} calls`,
            met: { serial: undefined, parallel: undefined },
        });
        const callsText = (ops: Op[]) => ops.map((o) => `${o.a.total} (${byActionText(o.a)})`).join("; ");
        const maxCalls = (ops: Op[]) => Math.max(...ops.map((o) => o.a.total));
        rows.push({
            figure: `no-op preview of ${FLEET.n} listeners on ${FLEET.lbs} LBs: calls (each run)`, target: `≤ ${MAX_FLEET_CALLS}`, before: BEFORE.previewCalls,
            serial: callsText(noop.serial), parallel: callsText(noop.parallel),
            met: { serial: maxCalls(noop.serial) <= MAX_FLEET_CALLS, parallel: maxCalls(noop.parallel) <= MAX_FLEET_CALLS },
        });
        const wall = (mode: EngineMode) => median(noop[mode].map((o) => o.wallMs));
        const wallText = (mode: EngineMode) => `${sec(wall(mode))} s (engine-only ${plus(wall(mode) - onlyMs[mode])}; ` +
            `API span ${sec(median(noop[mode].map((o) => o.a.spanMs)))} s)`;
        rows.push({
            figure: `same: wall, median of ${REPEATS}`, target: "≤ engine-only + 1 s", before: BEFORE.previewWall,
            serial: wallText("serial"), parallel: wallText("parallel"),
            met: { serial: wall("serial") <= onlyMs.serial + WALL_MARGIN_MS, parallel: wall("parallel") <= onlyMs.parallel + WALL_MARGIN_MS },
        });

        s.progress(`figure 6: refresh of ${FLEET.n}, then a no-op up twice, both engine modes`);
        // Each refresh is followed by the same no-op up twice: the first after a refresh pays for whatever the refresh
        // recorded differently from the program (every resource's state written again), the second does not.
        const afterRefresh = await both(async (mode) => {
            const refreshed = await measure(world, fleet, `refresh ${mode}`, engineModeEnv(mode), () => fleet.refresh());
            const first = await measure(world, fleet, `up after refresh ${mode}`, engineModeEnv(mode), () => fleet.up());
            const again = await measure(world, fleet, `up again ${mode}`, engineModeEnv(mode), () => fleet.up());
            return { refreshed, first, again };
        });
        const refresh = mapModes(afterRefresh, (x) => x.refreshed);
        const refreshText = (o: Op) => `${o.a.total} (${byActionText(o.a)}); wall ${sec(o.wallMs)} s`;
        rows.push({
            figure: `refresh of ${FLEET.n} on ${FLEET.lbs} LBs: calls`, target: `≤ ${MAX_FLEET_CALLS}`, before: BEFORE.refreshCalls,
            serial: refreshText(refresh.serial), parallel: refreshText(refresh.parallel),
            met: { serial: refresh.serial.a.total <= MAX_FLEET_CALLS, parallel: refresh.parallel.a.total <= MAX_FLEET_CALLS },
        });
        const upsText = (x: typeof afterRefresh.serial) => `${sec(x.first.wallMs)} s / ${sec(x.again.wallMs)} s (${x.first.a.total} / ${x.again.a.total} calls)`;
        rows.push({
            figure: `no-op up of ${FLEET.n}: right after the refresh / once more: wall (calls)`, target: "", before: "",
            serial: upsText(afterRefresh.serial), parallel: upsText(afterRefresh.parallel), met: { serial: undefined, parallel: undefined },
        });

        s.progress(`figure 6: up repairing 1 drifted listener of ${FLEET.n}, both engine modes`);
        const setup = slbClient(world.emulator.endpoint);
        const drifted = world.specs(FLEET.n, FLEET.lbs)[FLEET.n - 1];
        const repair = await both(async (mode) => {
            await setup.call("SetLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: drifted.loadBalancerId, ListenerPort: drifted.listenerPort, EstablishedTimeout: 300 });
            const o = await measure(world, fleet, `up repairing ${mode}`, engineModeEnv(mode), () => fleet.up());
            const live = await setup.call("DescribeLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: drifted.loadBalancerId, ListenerPort: drifted.listenerPort });
            if (live.EstablishedTimeout !== 900) problems.push(`up repairing (${mode}) left EstablishedTimeout at ${String(live.EstablishedTimeout)}`);
            return { ...o, lines: driftLines(o.r).length, updates: o.r.steps.filter((x) => x.phase === "done" && x.op === "update").length };
        });
        const repairText = (o: typeof repair.serial) => `${o.a.total} (${byActionText(o.a)}); ${o.lines} drift line(s), ${o.updates} update(s); ` +
            `wall ${sec(o.wallMs)} s, API span ${sec(o.a.spanMs)} s`;
        rows.push({
            figure: `up repairing 1 drifted listener of ${FLEET.n}: calls`, target: `≤ ${MAX_REPAIR_CALLS}; 1 drift line, 1 update`, before: BEFORE.repairCalls,
            serial: repairText(repair.serial), parallel: repairText(repair.parallel),
            met: {
                serial: repair.serial.a.total <= MAX_REPAIR_CALLS && repair.serial.lines === 1 && repair.serial.updates === 1,
                parallel: repair.parallel.a.total <= MAX_REPAIR_CALLS && repair.parallel.lines === 1 && repair.parallel.updates === 1,
            },
        });

        s.progress(`figure 6: no-op preview of ${FLEET.n} at ${SLOW_QPS} calls/s, both engine modes`);
        const slow = await both(async (mode) => {
            await world.emulator.setFaults({ latencyMs: s.latencyMs, qpsLimit: SLOW_QPS });
            await new Promise((r) => setTimeout(r, 1100)); // a fresh one-second window
            try {
                return await measure(world, fleet, `slow preview ${mode}`, engineModeEnv(mode), () => fleet.preview());
            } finally {
                await world.emulator.setFaults(world.settings.faults);
            }
        });
        const slowText = (mode: EngineMode) => `${slow[mode].a.total} calls, ${slow[mode].a.throttled} throttled; ${sec(slow[mode].wallMs)} s ` +
            `(engine-only ${plus(slow[mode].wallMs - onlyMs[mode])})`;
        const slowMet = (mode: EngineMode) => slow[mode].a.throttled === 0 && slow[mode].wallMs <= onlyMs[mode] + WALL_MARGIN_MS;
        rows.push({
            figure: `no-op preview of ${FLEET.n} at ${SLOW_QPS} calls/s`, target: "0 throttled; wall ≤ engine-only + 1 s", before: BEFORE.slowPreview,
            serial: slowText("serial"), parallel: slowText("parallel"), met: { serial: slowMet("serial"), parallel: slowMet("parallel") },
        });
        raw.fleet = {
            look: summary(look), engineOnlyMs: mapModes(only, (ops) => ops.map((o) => o.wallMs)),
            noop: mapModes(noop, (ops) => ops.map((o) => ({ wallMs: o.wallMs, calls: o.a.total, byAction: o.a.byAction, spanMs: o.a.spanMs }))),
            refresh: summary(refresh), upAfterRefresh: mapModes(afterRefresh, (x) => ({ first: brief(x.first), again: brief(x.again) })), repair: mapModes(repair, (o) => ({ ...brief(o), driftLines: o.lines, updates: o.updates })), slow: summary(slow),
        };
    } finally {
        fleet.close();
        engineOnly.close();
        await world.close();
    }

    rows.push(...await foreignListeners(s, measure, raw, problems));
    return { cli: describeCli(s.cli), rows, raw, problems };
}

/**
 * One load balancer holding FOREIGN listeners we do not manage, and 1 (then 2) of ours listed after them: preview,
 * refresh and an `up` repairing one of ours, in both engine modes, against one read per listener (the same operations
 * with SLB_LISTENER_COALESCE_READS=off, default engine). The service's quota is 50 listeners per load balancer (an
 * account can have it raised); the emulator enforces 50, so the foreign listeners are written into its state directly.
 */
async function foreignListeners(s: FleetSettings, measure: (world: World, stack: CliStack, what: string, env: Record<string, string>, op: () => Promise<RunResult>) => Promise<Op>,
    raw: Record<string, unknown>, problems: string[]): Promise<FleetRow[]> {
    const rows: FleetRow[] = [];
    const world = await World.start({ ...s.world(MANAGED.length), childProcess: false });
    const stacks: CliStack[] = [];
    const results: Record<string, unknown> = {};
    try {
        for (const [i, k] of MANAGED.entries()) {
            const specs = Array.from({ length: k }, (_, j) => ({ ...world.specs(1, 1)[0], loadBalancerId: world.lbIds[i], listenerPort: OUR_PORT + j }));
            stacks.push(await CliStack.create({ cli: s.cli, project: "bench", stack: `foreign-${k}`, program: listenerProgram(specs), config: stackConfig(world), label: `bench-foreign-${k}` }));
        }
        s.progress(`figure 6: ${MANAGED.join(" and ")} of ours on load balancers holding ${FOREIGN} listeners we do not manage`);
        for (const stack of stacks) {
            const r = await world.quickly(() => stack.up());
            if (!r.ok) throw new Error(`creating our listeners beside the foreign ones failed: ${r.stderr.slice(0, 500)}`);
        }
        await addForeignListeners(world);
        const setup = slbClient(world.emulator.endpoint);
        const variants: Array<{ name: string; env: Record<string, string> }> = [
            ...ENGINE_MODES.map((mode) => ({ name: mode, env: engineModeEnv(mode) })),
            { name: "one read per listener", env: { ...engineModeEnv("serial"), ...PER_LISTENER_READS } },
        ];
        for (const [i, k] of MANAGED.entries()) {
            const stack = stacks[i];
            const calls: Record<string, number[]> = {};
            for (const v of variants) {
                const preview = await measure(world, stack, `preview beside ${FOREIGN} (${v.name})`, v.env, () => stack.preview());
                const refresh = await measure(world, stack, `refresh beside ${FOREIGN} (${v.name})`, v.env, () => stack.refresh());
                await setup.call("SetLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: world.lbIds[i], ListenerPort: OUR_PORT, EstablishedTimeout: 300 });
                const repair = await measure(world, stack, `up beside ${FOREIGN} (${v.name})`, v.env, () => stack.up());
                calls[v.name] = [preview.a.total, refresh.a.total, repair.a.total];
                results[`${k}/${v.name}`] = { preview: brief(preview), refresh: brief(refresh), repair: brief(repair) };
            }
            const perListener = calls["one read per listener"];
            const text = (mode: EngineMode) => calls[mode].join(" / ");
            const met = (mode: EngineMode) => calls[mode].every((n, j) => n <= perListener[j]);
            rows.push({
                figure: `${k} of ours on an LB with ${FOREIGN} TCP listeners we do not manage (ours listed last): calls of preview / refresh / up repairing one`,
                target: `≤ one read per listener: ${perListener.join(" / ")}`, before: "",
                serial: text("serial"), parallel: text("parallel"), met: { serial: met("serial"), parallel: met("parallel") },
            });
        }
    } catch (e) {
        problems.push(`foreign listeners: ${(e as Error).message}`);
    } finally {
        for (const stack of stacks) stack.close();
        await world.close();
    }
    raw.foreign = results;
    return rows;
}

/** Writes FOREIGN stopped TCP listeners (copies of one of ours, no tags) onto each load balancer, below our ports. */
async function addForeignListeners(world: World): Promise<void> {
    type Lb = { listeners: Record<string, Record<string, unknown>> };
    const state = await world.emulator.snapshot() as { accounts: Record<string, Record<string, { loadBalancers: Record<string, Lb> }>> };
    for (const account of Object.values(state.accounts)) {
        for (const lb of Object.values(account[REGION]?.loadBalancers ?? {})) {
            const ours = Object.values(lb.listeners)[0];
            if (!ours) continue;
            for (let i = 0; i < FOREIGN; i++) {
                const port = FOREIGN_PORT + i;
                lb.listeners[`${port}/tcp`] = { ...ours, port, status: "stopped", tags: [] };
            }
        }
    }
    await world.emulator.restore(state);
}

function brief(o: Op) {
    return { wallMs: o.wallMs, calls: o.a.total, byAction: o.a.byAction, throttled: o.a.throttled, spanMs: o.a.spanMs, ok: o.r.ok };
}

function summary(x: Record<EngineMode, Op>) {
    return mapModes(x, brief);
}

function mapModes<T, U>(x: Record<EngineMode, T>, f: (t: T) => U): Record<EngineMode, U> {
    return { serial: f(x.serial), parallel: f(x.parallel) };
}

const metText = (m: boolean | undefined) => (m === undefined ? "" : m ? "yes" : "NO");

export function printFleet(f: FleetFigures, say: (line?: string) => void): void {
    say(`### 6. A fleet through the real engine (${f.cli}), in both engine modes: default (one Diff at a time) and ${PARALLEL_DIFF_ENV}=true`);
    say();
    say(table(["figure", "target", "before (issue 18)", `${engineModeName("serial")} engine`, engineModeName("parallel"), "met: default", `met: ${PARALLEL_DIFF_ENV}`],
        f.rows.map((r) => [r.figure, r.target, r.before, r.serial, r.parallel, metText(r.met.serial), metText(r.met.parallel)])));
    say();
    say(`Calls are counted from the emulator's request log (${DESCRIBE} and ${LISTING} are the reads). A listing of a load balancer`);
    say("answers the later reads of its listeners in the same operation (slbListener:readSnapshotSeconds, default 60 s): in the default");
    say("engine a lone first read is one attribute call and the second read on the load balancer lists it; with parallel diffs the reads");
    say("come together and share listings (ten load balancers, 100 listeners a page). Engine-only: the same program in an empty stack whose");
    say("config has no AccessKey, so check()'s look at new listeners fails before any call (one warning); what is left is the host's start,");
    say("the program and the Checks. The engine-only and no-op previews alternate, so that a change in machine load hits both alike.");
    say(`The last rows write ${FOREIGN} stopped, untagged listeners onto each load balancer (over the service's default quota of 50, which an`);
    say("account can have raised) below our ports, so that a listing shows ours only on its last page.");
    if (f.problems.length) say(`\nProblems: ${f.problems.join("; ")}`);
    say();
}
