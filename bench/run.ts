// Benchmark (not a test): how many SLB API calls each operation costs, how close `up`, `preview` and `destroy`
// come to the lower bound the service itself sets, and what the provider costs in state and start-up time.
// Everything runs against the emulator THROUGH THE ENGINE HARNESS (tests/harness) and @pulumi/pulumi's real
// dynamic-provider host, exactly as `pulumi` would drive the provider; calls are counted from the emulator's
// request log. Figures are measured, not asserted; compare ratios measured in the same run.
//
//   npm run bench [-- options]    # options and defaults: bench/args.ts, or npm run bench -- --help
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { ProviderHost, PropertyMap } from "../tests/harness";
import { benchArgsOrExit } from "./args";
import { ReadsFigures, printReads, readsFigures } from "./reads";
import { Cell, median, pct, ratio, sec, table } from "./table";
import { EngineRow, engineRows } from "./engine-rows";
import { FleetFigures, fleetFigures, printFleet } from "./fleet";
import { describeEngineMode, engineModeOf } from "../scripts/engine-mode";
import { PulumiCli, describeCli, locateCli, skipRequested } from "../scripts/pulumi-cli";
import { BUSY_CODES, CallAnalysis, DESCRIBE, LISTING, MAX_LISTENERS_PER_LB, PER_LISTENER_READS, Measured, THROTTLING_CODE, World, WorldSettings, analyse, failuresOf, listenerProgram } from "./world";

const args = benchArgsOrExit(process.argv.slice(2));

const SETTINGS = {
    latencyMs: args.latencyMs,
    transitionMs: args.transitionMs,
    changeMs: args.changeMs,
    qpsLimit: args.qpsLimit,
    coldStarts: args.coldStarts,
    emulator: args.childEmulator ? "in a child process" : "in the benchmark process",
};
const FIGURES = args.only;
const SCALE_CASES: Array<{ n: number; lbs: number; full?: boolean }> = [
    { n: 10, lbs: 1 }, { n: 10, lbs: 5 }, { n: 50, lbs: 1 }, { n: 50, lbs: 5 }, { n: 100, lbs: 1, full: true }, { n: 100, lbs: 5 },
];
/** The N at which the scale and destroy ratios have a target. */
const TARGET_N = 50;
const TARGET_RATIO = 1.25;
const PREVIEW_N = 100;
const PREVIEW_TARGET_RATIO = 1.2;
const PREVIEW_TARGET_THROTTLED = 0.1;
/** Listeners in figure 1 (all on one load balancer); counts are reported per listener. */
const FIG1_LISTENERS = 3;

function worldSettings(loadBalancers: number, extraFaults: { qpsLimit?: number } = {}): WorldSettings {
    return {
        timings: { transitionMs: SETTINGS.transitionMs, changeMs: SETTINGS.changeMs },
        faults: { latencyMs: SETTINGS.latencyMs, ...extraFaults },
        loadBalancers,
        childProcess: args.childEmulator,
    };
}

function say(line = ""): void {
    if (!args.json) console.log(line);
}
function progress(line: string): void {
    process.stderr.write(`[bench] ${line}\n`);
}

/** Fails the run loudly when an operation itself failed: its figures would mean nothing. */
function expectOk(what: string, m: Measured): void {
    const failures = failuresOf(m.result);
    if (failures.length > 0) progress(`${what}: ${failures.length} failure(s): ${failures.slice(0, 3).join(" | ")}`);
}

// ---------------------------------------------------------------------------------------------------------
// Figure 1: API calls per operation, ours beside Terraform's (docs/terraform-comparison.md)

interface OperationRow {
    operation: string;
    /** Calls per listener. */
    calls: number;
    /** Calls per listener by action (short names). */
    breakdown: Record<string, number>;
    /** Status polls per listener (Describe calls made while waiting for a status), included in `calls`. */
    polls: number;
    terraform: number;
    terraformDetail: string;
    target: string;
    met: boolean;
}

const SHORT: Record<string, string> = {
    CreateLoadBalancerTCPListener: "Create", StartLoadBalancerListener: "Start", StopLoadBalancerListener: "Stop",
    SetLoadBalancerTCPListenerAttribute: "Set", DeleteLoadBalancerListener: "Delete", [DESCRIBE]: "Describe",
    TagResources: "Tag", UntagResources: "Untag", [LISTING]: "List",
};

function perListener(a: CallAnalysis, listeners: number): Record<string, number> {
    return Object.fromEntries(Object.entries(a.byAction).map(([k, v]) => [SHORT[k] ?? k, v / listeners]));
}

interface Figure1 {
    rows: OperationRow[];
    /** The state file right after the create, for figure 4. */
    stateText: string;
    failures: string[];
}

async function callsPerOperation(): Promise<Figure1> {
    progress(`figure 1: calls per operation (${FIG1_LISTENERS} listeners on one load balancer)`);
    const world = await World.start(worldSettings(1));
    const failures: string[] = [];
    try {
        const specs = world.specs(FIG1_LISTENERS, 1);
        const program = listenerProgram(specs);
        const L = FIG1_LISTENERS;
        const run = async (name: string, op: Parameters<World["measure"]>[0], expectedOp: string) => {
            const m = await world.measure(op);
            expectOk(name, m);
            failures.push(...failuresOf(m.result));
            const ops = [...new Set(m.result.steps.map((s) => s.op))];
            if (ops.length !== 1 || ops[0] !== expectedOp) failures.push(`${name}: expected only "${expectedOp}" steps, got ${ops.join(", ")}`);
            return analyse(m.calls);
        };
        const create = await run("create", (e) => e.up(program), "create");
        const stateText = fs.readFileSync(world.engine.statePath, "utf8");
        const preview = await run("no-op preview", (e) => e.preview(program), "same");
        const refresh = await run("refresh", (e) => e.refresh(), "read");
        const update = await run("single-field update", (e) => e.up(listenerProgram(world.specs(L, 1, { healthyThreshold: 5 }))), "update");
        const destroy = await run("delete", (e) => e.destroy(), "delete");

        const c = perListener(create, L);
        const rows: OperationRow[] = [
            {
                operation: "create", calls: create.total / L, breakdown: c, polls: create.reads / L,
                terraform: 7, terraformDetail: "Create 1, wait-stopped poll 1, Start 1, wait-running poll 1, Set 1, Read 2 (polls: 2)",
                target: "≤ 3 + polls; Create 1, Start 1",
                met: (create.total - create.reads) / L <= 3 && c.Create === 1 && c.Start === 1,
            },
            {
                operation: "no-op preview", calls: preview.total / L, breakdown: perListener(preview, L), polls: 0,
                terraform: 2, terraformDetail: "plan-time refresh: DescribeLoadBalancerAttribute 1, Describe 1",
                target: "≤ 1 read", met: preview.total === preview.reads && preview.reads <= L,
            },
            {
                operation: "refresh", calls: refresh.total / L, breakdown: perListener(refresh, L), polls: 0,
                terraform: 2, terraformDetail: "DescribeLoadBalancerAttribute 1, Describe 1",
                target: "≤ 1 read", met: refresh.total === refresh.reads && refresh.reads <= L,
            },
            {
                operation: "single-field update (up: diff + update)", calls: update.total / L, breakdown: perListener(update, L), polls: 0,
                terraform: 3, terraformDetail: "Set 1, Read 2 (plus the plan's refresh 2 = 5 per apply)",
                target: "≤ 2", met: update.total / L <= 2,
            },
            {
                operation: "delete", calls: destroy.total / L, breakdown: perListener(destroy, L), polls: destroy.reads / L,
                terraform: 3, terraformDetail: "DescribeLoadBalancerAttribute 1, Delete 1, wait-deleted poll 1",
                target: "≤ 2", met: destroy.total / L <= 2,
            },
        ];
        for (const [name, a] of [["create", create], ["preview", preview], ["refresh", refresh], ["update", update], ["delete", destroy]] as const) {
            if (a.busy + a.throttled + a.otherErrors > 0) failures.push(`${name}: ${a.busy} busy, ${a.throttled} throttled, ${a.otherErrors} other error answers`);
        }
        return { rows, stateText, failures };
    } finally {
        await world.close();
    }
}

function printFigure1(f: Figure1): void {
    const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
    say(`### 1. API calls per operation (per listener; ${FIG1_LISTENERS} listeners on one load balancer, counted from the emulator's request log)`);
    say();
    say(table(["operation", "ours", "ours: by action", "of which status polls", "Terraform", "Terraform: by action", "target", "met"],
        f.rows.map((r) => [r.operation, fmt(r.calls), Object.entries(r.breakdown).map(([k, v]) => `${k} ${fmt(v)}`).join(", "), fmt(r.polls),
            r.terraform, r.terraformDetail, r.target, r.met])));
    say();
    say("Ours: create sends every setting and the tags in the Create call, then Start, then polls until `running` (150 ms, then doubling);");
    say("no-op preview = the diffs' reads, refresh = the reads, shared: one DescribeLoadBalancerListeners for the three (a lone read is one");
    say("Describe); the update reuses the diff's read and sends one Set; delete = Delete + a shared read confirming the listener is gone.");
    say("Terraform's counts: docs/terraform-comparison.md.");
    if (f.failures.length) say(`\nProblems: ${f.failures.join("; ")}`);
    say();
}

// ---------------------------------------------------------------------------------------------------------
// Figures 2 and 5: wall time of up / destroy against the per-load-balancer chain of configuration changes

interface ChainRow {
    operation: string;
    n: number;
    lbs: number;
    wallMs: number;
    /** First call's arrival to the last answer. */
    apiSpanMs: number;
    /** Operation start to the first call's arrival: host start, program, Check (no API calls). */
    beforeFirstCallMs: number;
    chain: number;
    boundChangeMs: number;
    boundRoundTripMs: number;
    ratioChange: number;
    ratioRoundTrip: number;
    spanRatioRoundTrip: number;
    calls: number;
    /** Reads of listeners (Describe and listing calls). */
    describes: number;
    busy: number;
    throttled: number;
    failures: number;
    failureText: string[];
    /** Error answers other than busy/throttling/not-found, by code. */
    errorCodes: Record<string, number>;
    /** More listeners per load balancer than the service's quota allows: failures are expected. */
    overQuota: boolean;
}

function chainRow(operation: string, n: number, lbs: number, m: Measured): ChainRow {
    const a = analyse(m.calls);
    const first = m.calls.length ? Math.min(...m.calls.map((c) => Date.parse(c.time))) : m.startedAt;
    const boundChangeMs = a.chain * SETTINGS.changeMs;
    const boundRoundTripMs = a.chain * (SETTINGS.changeMs + SETTINGS.latencyMs);
    const failureText = failuresOf(m.result);
    return {
        operation, n, lbs, wallMs: m.wallMs, apiSpanMs: a.spanMs, beforeFirstCallMs: first - m.startedAt, chain: a.chain,
        boundChangeMs, boundRoundTripMs, ratioChange: m.wallMs / boundChangeMs, ratioRoundTrip: m.wallMs / boundRoundTripMs,
        spanRatioRoundTrip: a.spanMs / boundRoundTripMs, calls: a.total, describes: a.reads, busy: a.busy, throttled: a.throttled,
        failures: failureText.length, failureText, errorCodes: a.otherErrorCodes, overQuota: Math.ceil(n / lbs) > MAX_LISTENERS_PER_LB,
    };
}

function printChainTable(rows: ChainRow[]): void {
    say(table(["op", "N", "LBs", "wall s", "API span s", "before 1st call s", "chain", "chain×change s", "chain×(change+latency) s",
        "wall / chain×change", "wall / chain×(change+lat.)", "span / chain×(change+lat.)", "calls", "of which reads", "busy", "throttled", "failed resources", "error answers"],
    rows.map((r) => [r.operation, r.n, r.lbs, sec(r.wallMs), sec(r.apiSpanMs), sec(r.beforeFirstCallMs), r.chain, sec(r.boundChangeMs),
        sec(r.boundRoundTripMs), ratio(r.ratioChange), ratio(r.ratioRoundTrip), ratio(r.spanRatioRoundTrip), r.calls, r.describes, r.busy,
        r.throttled, r.failures, Object.entries(r.errorCodes).map(([c, k]) => `${c} ×${k}`).join(", ") || "none"] as Cell[])));
    for (const r of rows.filter((x) => x.overQuota)) {
        say();
        say(`N=${r.n} on ${r.lbs} load balancer(s) asks for more than the service's quota of ${MAX_LISTENERS_PER_LB} listeners per load balancer: ` +
            `${r.n - r.failures} were created and ${r.failures} failed as expected, each with one refused Create and no retry; for example:`);
        say(`> ${(r.failureText[0] ?? "").replace(/\s+/g, " ").slice(0, 300)}`);
    }
}

interface ScaleResult {
    up: ChainRow[];
    destroy: ChainRow[];
    preview?: PreviewRow;
}

/** Figure 2 (up at scale) and, on the same stacks, figure 5 (destroy of N=50) and figure 3 (preview of 100). */
async function scale(): Promise<ScaleResult> {
    const out: ScaleResult = { up: [], destroy: [] };
    for (const c of SCALE_CASES) {
        if (c.full && !args.full) continue;
        const wantUp = FIGURES.has(2);
        const wantDestroy = FIGURES.has(5) && c.n === TARGET_N;
        const wantPreview = FIGURES.has(3) && c.n === PREVIEW_N && c.lbs === 5;
        if (!wantUp && !wantDestroy && !wantPreview) continue;
        const world = await World.start(worldSettings(c.lbs));
        try {
            const program = listenerProgram(world.specs(c.n, c.lbs));
            if (wantUp) {
                progress(`figure 2: up of ${c.n} listeners on ${c.lbs} load balancer(s)`);
                const m = await world.measure((e) => e.up(program));
                expectOk(`up ${c.n}/${c.lbs}`, m);
                out.up.push(chainRow("up", c.n, c.lbs, m));
            } else {
                await world.quickly((e) => e.up(program));
            }
            if (wantPreview) out.preview = await previewUnderQps(world, program);
            if (wantDestroy) {
                progress(`figure 5: destroy of ${c.n} listeners on ${c.lbs} load balancer(s)`);
                const d = await world.measure((e) => e.destroy());
                expectOk(`destroy ${c.n}/${c.lbs}`, d);
                out.destroy.push(chainRow("destroy", c.n, c.lbs, d));
            }
        } finally {
            await world.close();
        }
    }
    return out;
}

function printScale(rows: ChainRow[]): void {
    say(`### 2. \`up\` at scale: N listeners on 1 load balancer and spread over 5`);
    say();
    printChainTable(rows);
    say();
    say("chain = the most successful configuration changes (Create/Start/Set/Stop/Delete/Tag calls) on one load balancer, from the request log.");
    say("The service takes one change per load balancer at a time and each change is one API round trip, so no client can finish faster than");
    say("chain × (change + latency) without colliding (busy rejections). \"before 1st call\" is the engine's part: provider host start, program,");
    say("Check of every resource. The API span is the first call's arrival to the last answer.");
    if (!args.full) say("N=100 on one load balancer is left out to keep the run short; run with --full to include it.");
    say();
}

function printDestroy(rows: ChainRow[]): void {
    say(`### 5. \`destroy\` of N=${TARGET_N}`);
    say();
    printChainTable(rows);
    say();
    say("The harness deletes independent resources in parallel, as the Pulumi engine does; each delete is one Delete round trip");
    say("plus a read confirming the listener is gone (shared by the deletes in flight together).");
    say();
}

// ---------------------------------------------------------------------------------------------------------
// Figure 3: no-op preview of 100 listeners under a QPS limit

interface PreviewRow {
    n: number;
    qpsLimit: number;
    wallMs: number;
    apiSpanMs: number;
    beforeFirstCallMs: number;
    /** Calls the service admitted (not throttled). */
    admitted: number;
    calls: number;
    throttled: number;
    throttledShare: number;
    boundMs: number;
    ratio: number;
    spanRatio: number;
    busy: number;
    failures: number;
    /** Admitted calls per one-second window counted from the first call's arrival. */
    perSecond: number[];
}

async function previewUnderQps(world: World, program: () => unknown): Promise<PreviewRow> {
    progress(`figure 3: preview of ${PREVIEW_N} listeners with a QPS limit of ${SETTINGS.qpsLimit}`);
    await world.emulator.setFaults({ latencyMs: SETTINGS.latencyMs, qpsLimit: SETTINGS.qpsLimit });
    // A fresh one-second window: nothing from the setup counts against the limit.
    await new Promise((r) => setTimeout(r, 1100));
    try {
        // One read per listener, so that the pacer has a stream to pace (coalesced reads need a few calls here; figures 6 and 7).
        const m = await world.measure((e) => e.preview(program, { env: { ...PER_LISTENER_READS } }));
        expectOk("preview", m);
        const a = analyse(m.calls);
        const admitted = a.total - a.throttled;
        const boundMs = (admitted / SETTINGS.qpsLimit) * 1000;
        const first = m.calls.length ? Math.min(...m.calls.map((c) => Date.parse(c.time))) : m.startedAt;
        const perSecond: number[] = [];
        for (const c of m.calls.filter((x) => x.code !== THROTTLING_CODE)) {
            const w = Math.floor((Date.parse(c.time) - first) / 1000);
            while (perSecond.length <= w) perSecond.push(0);
            perSecond[w]++;
        }
        return {
            perSecond,
            n: PREVIEW_N, qpsLimit: SETTINGS.qpsLimit, wallMs: m.wallMs, apiSpanMs: a.spanMs, beforeFirstCallMs: first - m.startedAt, admitted,
            calls: a.total, throttled: a.throttled, throttledShare: a.total ? a.throttled / a.total : 0, boundMs, ratio: m.wallMs / boundMs,
            spanRatio: a.spanMs / boundMs, busy: a.busy, failures: failuresOf(m.result).length + a.otherErrors,
        };
    } finally {
        await world.emulator.setFaults(world.settings.faults);
    }
}

function printPreview(r: PreviewRow): void {
    say(`### 3. No-op preview of ${r.n} listeners with a QPS limit of ${r.qpsLimit}, one read per listener (created first without the limit)`);
    say();
    say(table(["N", "QPS limit", "wall s", "API span s", "before 1st call s", "bound s (calls / QPS)", "wall / bound", "span / bound",
        "calls", "throttled", "throttled share", "admitted per second", "busy", "failures"],
    [[r.n, r.qpsLimit, sec(r.wallMs), sec(r.apiSpanMs), sec(r.beforeFirstCallMs), sec(r.boundMs), ratio(r.ratio), ratio(r.spanRatio),
        r.calls, r.throttled, pct(r.throttledShare), r.perSecond.join(" / "), r.busy, r.failures]]));
    say();
    say(`bound = calls the service admitted / QPS limit (the limit is a sliding one-second window per account, answered with ${THROTTLING_CODE}).`);
    say("The provider paces calls per account (at most 8 in flight; after the first throttle, a learned per-second limit).");
    say("\"Admitted per second\" counts the admitted calls in consecutive one-second windows from the first call: at 50 QPS, 100 calls need two.");
    say();
}

// ---------------------------------------------------------------------------------------------------------
// Figure 4: __provider bytes in state, provider host cold start

interface ProviderFigures {
    /** Engine-only cost: preview of N new listeners in an empty stack (host start, program, Check; no API call). */
    engineOnly: Array<{ n: number; ms: number[]; medianMs: number; calls: number }>;
    providerBytes: number;
    copiesPerResource: number;
    stateBytesPerResource: number;
    coldStart: { configureMs: number[]; checkMs: number[]; medianConfigureMs: number; medianCheckMs: number };
}

async function providerFigures(stateText: string): Promise<ProviderFigures> {
    progress(`figure 4: __provider size and ${SETTINGS.coldStarts} provider host cold starts`);
    const state = JSON.parse(stateText) as { resources: Array<{ urn: string; inputs: PropertyMap; outputs: PropertyMap }> };
    const texts = state.resources.flatMap((r) => [r.inputs.__provider, r.outputs.__provider]).filter((t): t is string => typeof t === "string");
    const first = state.resources[0];
    const configureMs: number[] = [];
    const checkMs: number[] = [];
    const cwd = projectDir();
    for (let i = 0; i < SETTINGS.coldStarts; i++) {
        const started = performance.now();
        const host = await ProviderHost.start({
            cwd,
            env: { PULUMI_NODEJS_PROJECT: "bench", PULUMI_NODEJS_STACK: "cold", PULUMI_PROJECT: "bench", PULUMI_CONFIG: "{}" },
        });
        try {
            await host.getPluginInfo();
            await host.configure({ "alicloud:region": "cn-hangzhou" });
            configureMs.push(performance.now() - started);
            const checked = await host.check(first.urn, {}, first.inputs);
            checkMs.push(performance.now() - started);
            if (checked.failures.length) progress(`cold start: check failed: ${JSON.stringify(checked.failures)}`);
        } finally {
            await host.stop();
        }
    }
    const engineOnly: ProviderFigures["engineOnly"] = [];
    const world = await World.start(worldSettings(5));
    try {
        for (const n of [TARGET_N, PREVIEW_N]) {
            progress(`figure 4: engine-only preview of ${n} new listeners`);
            const ms: number[] = [];
            let calls = 0;
            for (let i = 0; i < 3; i++) {
                world.engine = world.newEngine(); // an empty stack: every step is a planned create
                const m = await world.measure((e) => e.preview(listenerProgram(world.specs(n))));
                expectOk(`engine-only preview ${n}`, m);
                ms.push(m.wallMs);
                calls += m.calls.length;
            }
            engineOnly.push({ n, ms, medianMs: median(ms), calls });
        }
    } finally {
        await world.close();
    }
    return {
        engineOnly,
        providerBytes: Math.max(...texts.map((t) => Buffer.byteLength(t, "utf8"))),
        copiesPerResource: texts.length / state.resources.length,
        stateBytesPerResource: Buffer.byteLength(stateText, "utf8") / state.resources.length,
        coldStart: { configureMs, checkMs, medianConfigureMs: median(configureMs), medianCheckMs: median(checkMs) },
    };
}

/** The repository root (where package.json is): the provider host's cwd, from which it loads the package. */
function projectDir(): string {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    return dir;
}

function printProvider(p: ProviderFigures): void {
    const ms = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(", ");
    say("### 4. Provider footprint");
    say();
    say(table(["figure", "value"], [
        ["`__provider` text per copy", `${p.providerBytes} bytes`],
        ["copies per resource in state (inputs + outputs)", p.copiesPerResource],
        ["state file bytes per resource (everything)", `${p.stateBytesPerResource.toFixed(0)} bytes`],
        [`host cold start: spawn → first Configure answered (median of ${p.coldStart.configureMs.length})`, `${p.coldStart.medianConfigureMs.toFixed(0)} ms (${ms(p.coldStart.configureMs)})`],
        [`host cold start: spawn → first Check answered (median of ${p.coldStart.checkMs.length})`, `${p.coldStart.medianCheckMs.toFixed(0)} ms (${ms(p.coldStart.checkMs)})`],
        ...p.engineOnly.map((e) => [`engine-only: preview of ${e.n} new listeners, empty stack, ${e.calls} API calls (median of ${e.ms.length})`,
            `${e.medianMs.toFixed(0)} ms (${ms(e.ms)})`] as Cell[]),
    ]));
    say();
    say("The first Check deserializes `__provider` (a small loader) and loads the installed implementation; the Alibaba Cloud SDK is");
    say("loaded later, on the first API call (figure 7 compares it with loading the SDK with the client module).");
    say("\"Engine-only\" is the fixed cost of one operation without any API call: a fresh provider host, the program, and a Check per");
    say("resource. It is the \"before 1st call\" part of figures 2, 3 and 5.");
    say();
}

// ---------------------------------------------------------------------------------------------------------

interface Verdict {
    target: string;
    measured: string;
    met: boolean;
}

function verdicts(f1: Figure1 | undefined, s: ScaleResult): Verdict[] {
    const v: Verdict[] = [];
    const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
    if (f1) for (const r of f1.rows) v.push({ target: `${r.operation}: calls per listener ${r.target}`, measured: `${fmt(r.calls)} (${Object.entries(r.breakdown).map(([k, n]) => `${k} ${fmt(n)}`).join(", ")})`, met: r.met });
    for (const [label, rows] of [["up", s.up], ["destroy", s.destroy]] as const) {
        for (const r of rows.filter((x) => x.n === TARGET_N)) {
            const name = `${r.operation} N=${r.n} on ${r.lbs} LB`;
            v.push({ target: `${name}: wall / chain×(change+latency) ≤ ${TARGET_RATIO}`, measured: ratio(r.ratioRoundTrip), met: r.ratioRoundTrip <= TARGET_RATIO });
            const floor = (SETTINGS.changeMs + SETTINGS.latencyMs) / SETTINGS.changeMs;
            v.push({ target: `${name}: wall / chain×change ≤ ${TARGET_RATIO} (strict: one round trip per change puts the floor at ${ratio(floor)})`, measured: ratio(r.ratioChange), met: r.ratioChange <= TARGET_RATIO });
        }
        for (const r of rows) {
            const name = `${label === "up" ? "up" : r.operation} N=${r.n} on ${r.lbs} LB`;
            v.push({ target: `${name}: 0 busy rejections`, measured: String(r.busy), met: r.busy === 0 });
            v.push(r.overQuota
                ? { target: `${name}: 0 failures (n/a: over the ${MAX_LISTENERS_PER_LB}-listener quota per LB)`, measured: `${r.failures} refused by the quota`, met: r.failures === r.n - MAX_LISTENERS_PER_LB * r.lbs }
                : { target: `${name}: 0 failures`, measured: String(r.failures), met: r.failures === 0 });
        }
    }
    if (s.preview) {
        const p = s.preview;
        v.push({ target: `preview N=${p.n} at ${p.qpsLimit} QPS: wall / (calls / QPS) ≤ ${PREVIEW_TARGET_RATIO}`, measured: ratio(p.ratio), met: p.ratio <= PREVIEW_TARGET_RATIO });
        v.push({ target: `preview N=${p.n} at ${p.qpsLimit} QPS: throttled ≤ ${pct(PREVIEW_TARGET_THROTTLED)} of calls`, measured: `${p.throttled} of ${p.calls} (${pct(p.throttledShare)})`, met: p.throttledShare <= PREVIEW_TARGET_THROTTLED });
    }
    return v;
}

// ---------------------------------------------------------------------------------------------------------
// The headline rows again through the real Pulumi engine (bench/engine-rows.ts), beside the harness's

async function realEngine(s: ScaleResult, cli: PulumiCli | undefined): Promise<{ cli: string; rows: EngineRow[] } | undefined> {
    if (!cli) {
        say("### Real engine");
        say();
        say("No Pulumi CLI here (`node dist/scripts/pulumi-cli.js` builds the pinned one, or put `pulumi` on PATH): the rows above are the harness's only.");
        say();
        return undefined;
    }
    const rows = await engineRows(cli, {
        world: (lbs) => worldSettings(lbs), changeMs: SETTINGS.changeMs, latencyMs: SETTINGS.latencyMs, qpsLimit: SETTINGS.qpsLimit,
        scaleN: TARGET_N, previewN: PREVIEW_N, progress,
    });
    const harness = (op: string): { wallMs: number; boundMs: number } | undefined => {
        if (op === "no-op preview") return s.preview && { wallMs: s.preview.wallMs, boundMs: s.preview.boundMs };
        const r = (op === "up" ? s.up : s.destroy).find((x) => x.n === TARGET_N && x.lbs === 1);
        return r && { wallMs: r.wallMs, boundMs: r.boundRoundTripMs };
    };
    say(`### Real engine: the headline rows through \`pulumi\` (${describeCli(cli)}; ${describeEngineMode(engineModeOf())})`);
    say();
    say(table(["op", "N", "LBs", "harness wall s", "harness / bound", "pulumi wall s", "pulumi / bound", "pulumi API span s", "pulumi before 1st call s",
        "bound s", "calls", "pulumi calls in flight (max)", "busy", "throttled", "failed"],
    rows.map((r) => {
        const h = harness(r.operation);
        return [r.operation, r.n, r.lbs, h ? sec(h.wallMs) : "-", h ? ratio(h.wallMs / h.boundMs) : "-", sec(r.wallMs), ratio(r.wallMs / r.boundMs),
            sec(r.apiSpanMs), sec(r.beforeFirstCallMs), sec(r.boundMs), r.calls, r.maxInFlight, r.busy, r.throttled, r.failed ? `yes: ${r.detail}` : "no"] as Cell[];
    })));
    say();
    say("Bounds as above: chain × (change + latency) for up and destroy, admitted calls / QPS for the preview. The harness columns are this");
    say("run's rows of figures 2, 3 and 5 (empty when those figures were not run). \"pulumi wall\" is the whole Automation API call: the");
    say("`pulumi` process (its start, the program served from this process, the provider host's start, checkpoints) and, after up, its");
    say("reads of the stack's outputs and history. The preview reads one listener per call (SLB_LISTENER_COALESCE_READS=off), as in");
    say("figure 3; by default the engine diffs one resource at a time, so those reads come one after the other (100 × one round trip),");
    say("where the harness diffs every resource at once.");
    say();
    return { cli: describeCli(cli), rows };
}

async function main(): Promise<void> {
    const started = performance.now();
    const machine = { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? "?", loadAverage: os.loadavg().map((x) => Number(x.toFixed(2))) };
    say("## Performance benchmark: TcpListener through the engine harness against the SLB emulator");
    say();
    say(`Settings: API latency ${SETTINGS.latencyMs} ms per call, listener transitions (starting/configuring/stopping) ${SETTINGS.transitionMs} ms, ` +
        `one configuration change occupies its load balancer ${SETTINGS.changeMs} ms, QPS limit ${SETTINGS.qpsLimit}/s in figure 3 only ` +
        `(none elsewhere), emulator ${SETTINGS.emulator}.`);
    say(`Machine: node ${machine.node}, ${machine.cpus} CPU(s) (${machine.cpuModel}), load average at start ${machine.loadAverage.join(" / ")}.`);
    say("Figures 1-5 go through tests/harness (the engine's part) and @pulumi/pulumi's real dynamic-provider host; one host per operation.");
    say("Figure 6 goes through the real Pulumi engine (the `pulumi` CLI) in both of its diff modes. The last table repeats the headline rows");
    say(`through \`pulumi\` when one is available, as do figure 7's real-engine rows, in this environment's engine mode: ${describeEngineMode(engineModeOf())}.`);
    say();

    const f1 = FIGURES.has(1) || FIGURES.has(4) ? await callsPerOperation() : undefined;
    if (f1 && FIGURES.has(1)) printFigure1(f1);
    const s = await scale();
    if (FIGURES.has(2)) printScale(s.up);
    if (s.preview) printPreview(s.preview);
    const p = f1 && FIGURES.has(4) ? await providerFigures(f1.stateText) : undefined;
    if (p) printProvider(p);
    if (FIGURES.has(5)) printDestroy(s.destroy);
    // Located once: each look runs `pulumi version` for every candidate on PATH and hashes the build inputs.
    const cli = skipRequested() ? undefined : locateCli();
    let fleet: FleetFigures | undefined;
    if (FIGURES.has(6)) {
        if (cli) fleet = await fleetFigures({ cli, latencyMs: SETTINGS.latencyMs, world: (lbs) => worldSettings(lbs), progress });
        else say("### 6. A fleet through the real engine\n\nNo Pulumi CLI here: figure 6 needs one (`node dist/scripts/pulumi-cli.js` builds the pinned one).\n");
    }
    if (fleet) printFleet(fleet, say);
    const reads: ReadsFigures | undefined = FIGURES.has(7)
        ? await readsFigures({ latencyMs: SETTINGS.latencyMs, changeMs: SETTINGS.changeMs, world: (lbs) => worldSettings(lbs), cli })
        : undefined;
    if (reads) printReads(reads, say);

    const real = FIGURES.has(2) || FIGURES.has(3) || FIGURES.has(5) ? await realEngine(s, cli) : undefined;

    const v = [...verdicts(f1 && FIGURES.has(1) ? f1 : undefined, s),
        ...(fleet?.rows ?? []).filter((r) => r.met.serial !== undefined).flatMap((r) => ([["default engine", r.serial, r.met.serial], ["PULUMI_PARALLEL_DIFF=true", r.parallel, r.met.parallel]] as const)
            .map(([mode, measured, met]) => ({ target: `fleet, ${mode}: ${r.figure}: ${r.target}`, measured: String(measured), met: met === true }))),
        ...(reads?.rows ?? []).map((r) => ({ target: `${r.figure}: ${r.target}`, measured: String(r.coalesced), met: r.met })),
        ...(reads?.engine?.rows ?? []).map((r) => ({ target: `real engine: ${r.figure}: ${r.target}`, measured: String(r.coalesced), met: r.met }))];
    const totalMs = performance.now() - started;
    say("### Targets");
    say();
    say(table(["target", "measured", "met"], v.map((x) => [x.target, x.measured, x.met])));
    say();
    const loadAtEnd = os.loadavg().map((x) => Number(x.toFixed(2)));
    say(`Total benchmark time: ${sec(totalMs)} s. Load average at the end: ${loadAtEnd.join(" / ")}.`);
    if (args.json) {
        console.log(JSON.stringify({
            settings: SETTINGS, machine: { ...machine, loadAverageAtEnd: loadAtEnd }, full: args.full, busyCodes: [...BUSY_CODES],
            callsPerOperation: f1 && FIGURES.has(1) ? { listeners: FIG1_LISTENERS, rows: f1.rows, problems: f1.failures } : undefined,
            scale: FIGURES.has(2) ? s.up : undefined,
            preview: s.preview,
            provider: p,
            destroy: FIGURES.has(5) ? s.destroy : undefined,
            fleet,
            reads: reads ? { rows: reads.rows, engine: reads.engine, raw: reads.raw, problems: reads.problems } : undefined,
            realEngine: real,
            targets: v,
            totalSeconds: Number(sec(totalMs)),
        }, null, 2));
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
