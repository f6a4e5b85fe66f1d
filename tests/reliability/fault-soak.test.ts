// Scenario 1, fault soak: 30 listeners over 3 load balancers while the emulator fails 20% of all calls (5xx,
// throttling, busy, dropped connections) with jittered latency. up, change half, destroy: every operation must
// succeed, the service must match the program after each step, and nothing may be left over or made twice.
import { expect } from "chai";
import { FaultSettings } from "../../emulator";
import { ListenerSpec, Rig, callStats, expectOk, fmt, idOf, listenerProgram, mismatches, stateIds, useRigs } from "./rig";

const FAULTS: FaultSettings = {
    errorRate: 0.2,
    errorKinds: { ServiceUnavailable: 1, InternalError: 1, "Throttling.User": 1, SystemBusy: 1, drop: 1 },
    latencyMs: 2,
    jitterMs: 25,
    seed: 20260601,
};

/** The soak takes about 15 s when throttling is handled well; three times that is a regression. */
const SOAK_BUDGET_MS = 45_000;

describe("reliability: fault soak (20% transient failures)", function () {
    // Generous, so that a slow run fails on its budget below instead of running on in the background.
    this.timeout(240_000);
    const rigs = useRigs();

    it("up, change half, destroy: 30 listeners on 3 load balancers converge with zero failures, orphans or duplicates, within budget", async () => {
        const soakStarted = Date.now();
        const rig = rigs.add(await Rig.start({ loadBalancers: 3 }));
        const engine = rig.engine();
        const owner = (name: string) => `${engine.project}/${engine.stack}/${name}`;

        const initial: ListenerSpec[] = [];
        rig.lbIds.forEach((lbId, l) => {
            for (let i = 0; i < 10; i++) {
                const n = l * 10 + i;
                initial.push({
                    name: `l${n}`, loadBalancerId: lbId, listenerPort: 1000 + i, backendServerPort: 8000 + n,
                    bandwidth: n % 3 === 0 ? -1 : 10 + n, scheduler: n % 2 ? "rr" : "wrr", description: `listener-${n}`,
                    ...(n % 4 === 0 ? { healthCheckType: "http" as const, healthCheckUri: `/health/${n}` } : {}),
                    tags: { app: `app-${l}`, n: String(n) },
                });
            }
        });
        // Half of them change: bandwidth, description, scheduler, tags and health check in place; some stop.
        const changed: ListenerSpec[] = initial.map((s, n) => n % 2 ? s : {
            ...s, bandwidth: 100 + n, description: `changed-${n}`, scheduler: s.scheduler === "rr" ? "wrr" : "rr",
            persistenceTimeout: 60, tags: { app: `app-${Math.floor(n / 10)}`, changed: "yes" },
            ...(n % 4 === 0 ? { healthCheckType: "tcp" as const, healthCheckUri: undefined } : { healthCheckType: "http" as const, healthCheckUri: "/ready" }),
            ...(n % 10 === 4 ? { status: "stopped" as const } : {}),
        });

        /** Runs one phase with faults on; checks the service (faults off) against `specs` afterwards. */
        const timings: string[] = [];
        async function phase(label: string, op: "up" | "preview" | "refresh" | "destroy", specs: ListenerSpec[], seed: number, env?: Record<string, string>) {
            await rig.emulator.setFaults({ ...FAULTS, seed });
            const started = Date.now();
            const result = await rig.run(label, engine, op, op === "destroy" || op === "refresh" ? undefined : listenerProgram(specs), env);
            timings.push(`${label} ${((Date.now() - started) / 1000).toFixed(1)} s`);
            await rig.emulator.setFaults({});
            expectOk(result, label);
            return result;
        }
        async function expectConverged(specs: ListenerSpec[]) {
            const problems: string[] = [];
            for (const s of specs) problems.push(...mismatches(await rig.settled(s.loadBalancerId, s.listenerPort), s, owner(s.name)));
            expect(problems, "live listeners differ from the program").to.deep.equal([]);
            const ids = specs.map((s) => idOf(s.loadBalancerId, s.listenerPort)).sort();
            expect(stateIds(engine), "state holds each listener once").to.deep.equal(ids);
            expect(await rig.liveIds(), "the service holds exactly the listeners in state (no orphans)").to.deep.equal(ids);
        }

        const up = await phase("up", "up", initial, FAULTS.seed!);
        expect(up.steps.map((s) => s.op)).to.deep.equal(initial.map(() => "create"));
        await expectConverged(initial);
        const createdOk = (await rig.log()).filter((e) => e.action === "CreateLoadBalancerTCPListener" && e.status === 200).length;
        expect(createdOk, "each listener created exactly once (no duplicates)").to.equal(30);

        const change = await phase("change", "up", changed, FAULTS.seed! + 1);
        expect(change.steps.filter((s) => s.op === "update").map((s) => s.name).sort()).to.deep.equal(changed.filter((_s, n) => n % 2 === 0).map((s) => s.name).sort());
        expect(change.steps.filter((s) => s.op !== "update" && s.op !== "same")).to.deep.equal([]);
        await expectConverged(changed);

        const again = await phase("preview", "preview", changed, FAULTS.seed! + 2);
        expect(again.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`), "nothing left to do after the change").to.deep.equal([]);
        // Reads are coalesced into listings; the same preview with one read per listener (as without the
        // listing's RAM action), and a refresh, under the same faults.
        const perListener = await phase("preview, per-listener reads", "preview", changed, FAULTS.seed! + 4, { SLB_LISTENER_COALESCE_READS: "off" });
        expect(perListener.steps.filter((s) => s.op !== "same").map((s) => `${s.op} ${s.name}`), "per-listener reads agree").to.deep.equal([]);
        const refreshed = await phase("refresh", "refresh", changed, FAULTS.seed! + 5);
        // (Refresh writes back inputs without values equal to the service defaults; outputs must not change.)
        const outputChanges = (d?: string) => (d ?? "").replace(/^changed: /, "").split(", ").filter((k) => k && !k.startsWith("inputs."));
        expect(refreshed.steps.filter((s) => s.op !== "read" || outputChanges(s.detail).length > 0).map((s) => `${s.op} ${s.name} ${s.detail}`),
            "refresh finds no output changed").to.deep.equal([]);

        await phase("destroy", "destroy", [], FAULTS.seed! + 3);
        expect(stateIds(engine)).to.deep.equal([]);
        expect(await rig.liveIds(), "nothing left on the service").to.deep.equal([]);

        const log = await rig.log();
        const stats = callStats(log);
        expect(stats.faultsTotal, "faults were injected").to.be.greaterThan(50);
        expect(stats.retried, "every injected fault was retried").to.equal(stats.faultsTotal);
        expect(stats.busy, "busy answers caused by the provider's own calls").to.deep.equal({});
        // The only uninjected errors allowed: "does not exist" while confirming deletes.
        const unexpected = Object.keys(stats.otherErrors).filter((k) => k !== "DescribeLoadBalancerTCPListenerAttribute:InvalidParameter");
        expect(unexpected, fmt(stats.otherErrors)).to.deep.equal([]);
        console.log(`      [fault soak] 30 listeners / 3 LBs, seed ${FAULTS.seed}; ${stats.calls} provider calls; faults injected ${stats.faultsTotal} ` +
            `(${fmt(stats.faults)}), retries made ${stats.retried}; failed operations 0, orphans 0, duplicates 0; ` +
            `uninjected errors: ${fmt(stats.otherErrors)}; ${timings.join(", ")}`);
        const soakMs = Date.now() - soakStarted;
        expect(soakMs, `the soak took ${(soakMs / 1000).toFixed(1)} s (${timings.join(", ")}); see the throttle test below`).to.be.at.most(SOAK_BUDGET_MS);
    });

    // One throttled answer must slow the provider down briefly, not for the rest of the run. The pacer learns a
    // rate limit from a throttle; learned from the few calls finished in the first milliseconds of an up, it
    // would cap the provider at a handful of calls per second (see docs/reliability.md, "Findings").
    it("a single Throttling.User early in an up does not cap the provider's throughput", async () => {
        const rig = rigs.add(await Rig.start({ loadBalancers: 2 }));
        const elapsed: number[] = [];
        for (const [i, faults] of [{}, { rules: [{ action: "CreateLoadBalancerTCPListener", code: "Throttling.User", count: 1 }] }].entries()) {
            const engine = rig.engine();
            const specs = Array.from({ length: 10 }, (_x, p) => ({ name: `t${p}`, loadBalancerId: rig.lbIds[i], listenerPort: 2000 + p }));
            await rig.emulator.setFaults(faults);
            const started = Date.now();
            expectOk(await rig.run(`throttle ${i}`, engine, "up", listenerProgram(specs)), `up ${i}`);
            elapsed.push(Date.now() - started);
        }
        const [baseline, throttled] = elapsed;
        console.log(`      [throttle pacing] 10 listeners: ${(baseline / 1000).toFixed(1)} s without faults, ${(throttled / 1000).toFixed(1)} s ` +
            `with one Throttling.User on the first create (${(throttled / baseline).toFixed(1)}x)`);
        expect(throttled, `one throttle took the up from ${baseline} ms to ${throttled} ms`).to.be.at.most(2 * baseline + 1000);
    });
});
