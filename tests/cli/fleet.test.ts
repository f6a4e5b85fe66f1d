// A fleet through the real engine, in both of its diff modes (default: one Diff at a time; PULUMI_PARALLEL_DIFF=true:
// every Diff at once), so that an engine that changes either path is caught. An operation's view of each load
// balancer (provider/api/listener-reads.ts) makes a preview, a refresh and an `up` cost a few calls per load balancer,
// never one per listener; drift is still exact: a field changed, a listener stopped and one deleted out of band are
// each shown once and repaired, and every change of ours is followed by a read made after it ended (never an answer
// from a listing sent before it). Counts, not times.
import { expect } from "chai";
import type { RequestLogEntry } from "../../emulator";
import { TcpListener } from "../../provider";
import { ENGINE_MODES, EngineMode, engineModeEnv, engineModeName } from "../../scripts/engine-mode";
import { CliLab, concurrentScenarios, REGION, describeWithCli, driftLines, expectOk, idOf, useCliLab } from "./lab";
import { RunResult, stepList } from "./stack";

/**
 * Issue 18's fleet is 200 listeners on 4 load balancers (the benchmark's figure 6 runs it). 104 keep every path it takes
 * (a listing of one load balancer per second read in the default engine; one listing of all four, two pages of 100, with
 * parallel diffs, where a listener missing from it is not proven gone) at about half the engine's time per operation.
 */
const N = 104;
const LBS = 4;
/** The bound of issue 18 for a preview or refresh: two reads per load balancer (a lone attribute read, then one listing). */
const MAX_READS = 2 * LBS;
const READS = new Set(["DescribeLoadBalancerTCPListenerAttribute", "DescribeLoadBalancerListeners"]);
const WAITED = new Set(["CreateLoadBalancerTCPListener", "StartLoadBalancerListener", "DeleteLoadBalancerListener"]);
const TYPE = "pulumi-nodejs:dynamic/slb:TcpListener";

interface Spec {
    name: string;
    lb: string;
    port: number;
}

function program(specs: readonly Spec[]): () => Record<string, unknown> {
    return () => Object.fromEntries(specs.map((s) => [s.name,
        new TcpListener(s.name, { loadBalancerId: s.lb, listenerPort: s.port, backendServerPort: 8080, bandwidth: -1 }).id]));
}

/** Whether a call reads the listener: its attribute call, or a listing that names its load balancer. */
function reads(c: RequestLogEntry, lb: string, port: number): boolean {
    if (c.action === "DescribeLoadBalancerTCPListenerAttribute") return c.params.LoadBalancerId === lb && c.params.ListenerPort === String(port);
    return c.action === "DescribeLoadBalancerListeners" && Object.entries(c.params).some(([k, v]) => k.startsWith("LoadBalancerId") && v === lb);
}

const ended = (c: RequestLogEntry) => Date.parse(c.time) + c.durationMs;

describeWithCli("a fleet of listeners through the real engine, in both engine modes", (cli) => {
    const lab = useCliLab(cli);
    const scenarios = concurrentScenarios(2, 600_000);

    for (const mode of ENGINE_MODES) {
        scenarios.scenario(`${engineModeName(mode)}: ${N} listeners on ${LBS} load balancers: preview, refresh and up in a few calls per load balancer; drift exact and repaired`,
            () => fleet(lab(), mode));
    }

    async function fleet(l: CliLab, mode: EngineMode): Promise<void> {
        const lbs: string[] = [];
        for (let i = 0; i < LBS; i++) lbs.push(await l.loadBalancer(`fleet-${mode}-${i}`));
        const specs: Spec[] = Array.from({ length: N }, (_, i) => ({ name: `l${i}`, lb: lbs[i % LBS], port: 10000 + Math.floor(i / LBS) }));
        const stack = await l.stack(program(specs), { stack: `fleet-${mode}`, label: `fleet-${mode}` });
        Object.assign(stack.stack.workspace.envVars, engineModeEnv(mode));
        const ours = (c: RequestLogEntry) => lbs.some((lb) => Object.values(c.params).includes(lb));
        /** Runs one operation; returns it with the calls it made on this scenario's load balancers. */
        const run = async (op: () => Promise<RunResult>) => {
            const mark = l.mark();
            const r = await op();
            return { r, calls: l.emulator.requests().filter((c) => c.seq > mark && ours(c)) };
        };
        const summary = (calls: RequestLogEntry[]) => calls.map((c) => `${c.action} ${c.params.ListenerPort ?? ""}`.trim()).join(", ");
        const expectReadsOnly = (calls: RequestLogEntry[], what: string, max = MAX_READS) => {
            expect(calls.filter((c) => !READS.has(c.action)).map((c) => c.action), `${what}: reads only`).to.deep.equal([]);
            expect(calls.length, `${what}: at most ${max} reads, got: ${summary(calls)}`).to.be.at.most(max);
        };

        // New listeners: check() looks at their ports and load balancers, once per load balancer.
        const look = await run(() => stack.preview());
        expectOk(look.r);
        expect(stepList(look.r).filter((s) => s.startsWith("create "))).to.have.length(N);
        expectReadsOnly(look.calls, "the preview of new listeners");

        expectOk(await stack.up());

        const noop = await run(() => stack.preview({ expectNoChanges: true }));
        expectOk(noop.r);
        expect(driftLines(noop.r)).to.deep.equal([]);
        expectReadsOnly(noop.calls, "the no-op preview");

        const refresh = await run(() => stack.refresh());
        expectOk(refresh.r);
        expectReadsOnly(refresh.calls, "the refresh");

        // Out of band: a field changed, a listener stopped, one deleted; and one removed from the program. Each is read late
        // in the operation, after its load balancer was listed; each on its own load balancer.
        const [changed, stopped, deleted, removed] = specs.slice(N - 4);
        await l.slb.call("SetLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: changed.lb, ListenerPort: changed.port, EstablishedTimeout: 300 });
        await l.slb.call("StopLoadBalancerListener", { RegionId: REGION, LoadBalancerId: stopped.lb, ListenerPort: stopped.port });
        await l.slb.call("DeleteLoadBalancerListener", { RegionId: REGION, LoadBalancerId: deleted.lb, ListenerPort: deleted.port });
        stack.setProgram(program(specs.filter((s) => s !== removed)));

        const plan = await run(() => stack.preview());
        expectOk(plan.r);
        expect(driftLines(plan.r).sort(), "one drift line per drifted listener").to.deep.equal([
            `${idOf(changed.lb, changed.port)}: establishedTimeout is 300, want 900`,
            `${idOf(stopped.lb, stopped.port)}: status is "stopped", want "running"`,
        ].sort());
        const gone = plan.r.diagnostics.filter((d) => d.message.includes("deleted outside Pulumi"));
        expect(gone.map((d) => d.urn)).to.deep.equal([stack.urn(TYPE, deleted.name)]);
        const steps = stepList(plan.r);
        const changes = [`update ${changed.name}`, `update ${stopped.name}`, `update ${deleted.name}`, `delete ${removed.name}`].sort();
        expect(steps.filter((s) => !s.startsWith("same ")).sort()).to.deep.equal(changes);
        expect(steps.filter((s) => s.startsWith("same "))).to.have.length(N - 4);
        // The deleted listener's absence may need one more read when a listing of several pages did not prove it.
        expectReadsOnly(plan.calls, "the preview of the drift", MAX_READS + 1);

        const up = await run(() => stack.up());
        expectOk(up.r);
        expect(stepList(up.r).filter((s) => !s.startsWith("same ")).sort()).to.deep.equal(changes);
        const writes = up.calls.filter((c) => !READS.has(c.action));
        expect(writes.map((c) => `${c.action} ${c.params.ListenerPort}`).sort()).to.deep.equal([
            `SetLoadBalancerTCPListenerAttribute ${changed.port}`,
            `StartLoadBalancerListener ${stopped.port}`,
            `CreateLoadBalancerTCPListener ${deleted.port}`, `StartLoadBalancerListener ${deleted.port}`,
            `DeleteLoadBalancerListener ${removed.port}`,
        ].sort());
        // Every change the provider waits on is followed by a read of its listener sent after the change ended.
        for (const w of writes.filter((c) => WAITED.has(c.action))) {
            const lb = w.params.LoadBalancerId;
            const after = up.calls.filter((c) => READS.has(c.action) && reads(c, lb, Number(w.params.ListenerPort)) && Date.parse(c.time) >= ended(w));
            expect(after.length, `a read of ${lb}:${w.params.ListenerPort} after its ${w.action} ended`).to.be.at.least(1);
        }
        // The diffs' reads, and one read per status wait (its own change's).
        const waits = writes.filter((c) => WAITED.has(c.action) && c.action !== "CreateLoadBalancerTCPListener").length;
        expect(up.calls.length - writes.length, `reads of the up: ${summary(up.calls)}`).to.be.at.most(MAX_READS + 1 + waits);
        for (const s of [changed, stopped, deleted]) {
            expect(await l.listener(s.lb, s.port), `${s.name}`).to.include({ Status: "running", EstablishedTimeout: 900 });
        }
        expect(await l.listener(removed.lb, removed.port)).to.equal(undefined);
    }
});
