// Scenario 7, concurrency: 20 listeners on ONE load balancer in one up with unbounded parallelism (the engine's
// default): the load balancer takes one configuration change at a time, and the provider must queue its own
// calls so that none of them is refused as busy (OperationBusy, ServiceIsConfiguring,
// OperationFailed.ListenerStatusNotSupport, SystemBusy, ServiceIsStopping). No faults are injected, so every busy
// answer in the request log would be caused by the provider's own calls. Then all 20 change at once, then destroy.
import { expect } from "chai";
import { ListenerSpec, Rig, callStats, expectOk, fmt, idOf, listenerProgram, mismatches, stateIds, useRigs } from "./rig";

describe("reliability: 20 listeners on one load balancer at once", function () {
    this.timeout(60_000);
    const rigs = useRigs();

    it("create, change and destroy all succeed with zero busy rejections caused by our own calls", async () => {
        // Status transitions of 300 ms (the emulator's default), not the rig's 30 ms: more overlap.
        const rig = rigs.add(await Rig.start({ timings: { transitionMs: 300, changeMs: 20 } }));
        const lb = rig.lbIds[0];
        const engine = rig.engine(); // parallel: unbounded
        const owner = (name: string) => `${engine.project}/${engine.stack}/${name}`;
        const specs: ListenerSpec[] = Array.from({ length: 20 }, (_x, i) => ({ name: `c${i}`, loadBalancerId: lb, listenerPort: 3000 + i, tags: { i: String(i) } }));
        const changed: ListenerSpec[] = specs.map((s, i) => ({ ...s, bandwidth: 20 + i, description: `changed-${i}`, healthyThreshold: 5 }));
        const timings: string[] = [];
        const phases: string[] = [];
        async function phase(label: string, op: "up" | "destroy", program?: ListenerSpec[]) {
            const before = (await rig.log()).length;
            const started = Date.now();
            const result = await rig.run(label, engine, op, program && listenerProgram(program));
            timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
            expectOk(result, label);
            const stats = callStats((await rig.log()).slice(before));
            phases.push(`${label}: ${stats.calls} calls, max ${stats.maxInFlight} in flight, busy ${fmt(stats.busy)}`);
            return { result, stats };
        }

        const up = await phase("create", "up", specs);
        expect(up.result.steps.map((s) => s.op)).to.deep.equal(specs.map(() => "create"));
        for (const s of specs) expect(mismatches(await rig.settled(lb, s.listenerPort), s, owner(s.name))).to.deep.equal([]);
        const change = await phase("change", "up", changed);
        expect(change.result.steps.map((s) => s.op)).to.deep.equal(specs.map(() => "update"));
        for (const s of changed) expect(mismatches(await rig.settled(lb, s.listenerPort), s, owner(s.name))).to.deep.equal([]);
        expect(stateIds(engine)).to.deep.equal(specs.map((s) => idOf(lb, s.listenerPort)).sort());
        const destroy = await phase("destroy", "destroy");
        expect(await rig.liveIds()).to.deep.equal([]);

        const all = callStats(await rig.log());
        expect(all.busy, "busy answers to the provider's own calls").to.deep.equal({});
        expect(all.faultsTotal).to.equal(0);
        expect(Object.keys(all.otherErrors).filter((k) => k !== "DescribeLoadBalancerTCPListenerAttribute:InvalidParameter")).to.deep.equal([]);
        expect(destroy.stats.busy).to.deep.equal({});
        console.log(`      [concurrency] 20 listeners on 1 LB, unbounded parallelism; busy rejections 0; ${phases.join("; ")}; ${timings.join(", ")}`);
    });

    // A change of settings puts a running listener into "configuring" for a while (the emulator's default 300 ms
    // here; seconds on the real service); stopping it in the same update must wait for that instead of being
    // refused (ServiceIsConfiguring) and retried.
    it("changing settings and stopping 3 running listeners at once: zero busy rejections", async () => {
        const rig = rigs.add(await Rig.start({ timings: { transitionMs: 300, changeMs: 5 } }));
        const lb = rig.lbIds[0];
        const engine = rig.engine();
        const owner = (name: string) => `${engine.project}/${engine.stack}/${name}`;
        const specs: ListenerSpec[] = Array.from({ length: 3 }, (_x, i) => ({ name: `s${i}`, loadBalancerId: lb, listenerPort: 4000 + i }));
        expectOk(await rig.run("create", engine, "up", listenerProgram(specs)), "create");
        const before = (await rig.log()).length;
        const stopped = specs.map((s) => ({ ...s, description: "stopped-for-maintenance", status: "stopped" as const }));
        const started = Date.now();
        expectOk(await rig.run("change and stop", engine, "up", listenerProgram(stopped)), "change and stop");
        const ms = Date.now() - started;
        for (const s of stopped) expect(mismatches(await rig.settled(lb, s.listenerPort), s, owner(s.name))).to.deep.equal([]);
        const stats = callStats((await rig.log()).slice(before));
        console.log(`      [concurrency] settings change + stop of 3 running listeners: ${stats.calls} calls in ${ms} ms, busy rejections: ${fmt(stats.busy)}`);
        expect(stats.busy, "busy answers to the provider's own calls").to.deep.equal({});
    });
});
