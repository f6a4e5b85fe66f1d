// Regression guard for the provider's API economy, through the engine harness and the real provider host
// against the emulator (short timings, no latency): calls per listener for create, no-op preview, refresh,
// single-field update and delete, counted from the emulator's request log; and no busy rejections when the
// engine creates many listeners on one load balancer at once. The full figures live in bench/run.ts.
import { expect } from "chai";
import { CallAnalysis, DESCRIBE, LISTING, PER_LISTENER_READS, World, analyse, failuresOf, listenerProgram } from "../../bench/world";
import { OperationResult } from "../harness";

const LISTENERS = 3;
/** Short timings; a change that holds its load balancer for 20 ms makes collisions likely if the lock broke. */
const TIMINGS = { transitionMs: 30, changeMs: 20 };

describe("API calls per operation (engine harness + emulator)", function () {
    this.timeout(30_000);
    let world: World;

    function ok(r: OperationResult): void {
        expect(failuresOf(r), JSON.stringify(r.diagnostics.slice(-10))).to.deep.equal([]);
    }
    function ops(r: OperationResult): string[] {
        return [...new Set(r.steps.map((s) => s.op))];
    }
    /** Every call except the listed actions, for messages that say what else was called. */
    function summary(a: CallAnalysis): string {
        return JSON.stringify(a.byAction);
    }

    describe(`lifecycle of ${LISTENERS} listeners on one load balancer`, () => {
        const program = () => listenerProgram(world.specs(LISTENERS, 1));
        let lastCalls: Array<{ action: string; params: Record<string, string>; code: string | null }> = [];
        const calls = async (op: Parameters<World["measure"]>[0], step: string) => {
            const m = await world.measure(op);
            lastCalls = m.calls;
            ok(m.result);
            expect(ops(m.result)).to.deep.equal([step]);
            const a = analyse(m.calls);
            expect(a.busy + a.throttled + a.otherErrors, `error answers: ${summary(a)}`).to.equal(0);
            return a;
        };

        before(async () => {
            world = await World.start({ timings: TIMINGS, faults: {}, loadBalancers: 1, retryTimeoutSeconds: 20 });
        });
        after(async () => {
            await world?.close();
        });

        // The steps build on each other (create, then preview/refresh/update of what exists, then delete).
        it("create: Create 1 + Start 1 per listener, no follow-up Set or Tag; at most one status poll", async () => {
            const a = await calls((e) => e.up(program()), "create");
            expect(a.byAction.CreateLoadBalancerTCPListener, summary(a)).to.equal(LISTENERS);
            expect(a.byAction.StartLoadBalancerListener, summary(a)).to.equal(LISTENERS);
            expect(a.total - a.reads, `calls other than reads: ${summary(a)}`).to.be.at.most(3 * LISTENERS);
            expect(a.mutating, `no follow-up Set or Tag: ${summary(a)}`).to.equal(2 * LISTENERS);
            // check() looks at the new listeners' ports first: one listing of the (empty) load balancer and one read that
            // shows the service knows it. The first poll comes 150 ms after Start answered; the transition is over by then.
            const firstCreate = lastCalls.findIndex((c) => c.action === "CreateLoadBalancerTCPListener");
            const looks = lastCalls.slice(0, firstCreate).map((c) => c.action);
            expect(looks, "check's look at the load balancer").to.deep.equal([LISTING, "DescribeLoadBalancerTCPListenerAttribute"]);
            expect(a.reads - looks.length, `status polls: ${summary(a)}`).to.be.within(1, LISTENERS);
        });

        it("no-op preview: one listing for the listeners of one load balancer (one Describe each with coalescing off)", async () => {
            const a = await calls((e) => e.preview(program()), "same");
            expect(a.byAction, summary(a)).to.deep.equal({ [LISTING]: 1 });
            const off = await calls((e) => e.preview(program(), { env: { ...PER_LISTENER_READS } }), "same");
            expect(off.byAction, summary(off)).to.deep.equal({ [DESCRIBE]: LISTENERS });
        });

        it("refresh: one listing for the listeners of one load balancer (one Describe each with coalescing off)", async () => {
            const a = await calls((e) => e.refresh(), "read");
            expect(a.byAction, summary(a)).to.deep.equal({ [LISTING]: 1 });
            const off = await calls((e) => e.refresh({ env: { ...PER_LISTENER_READS } }), "read");
            expect(off.byAction, summary(off)).to.deep.equal({ [DESCRIBE]: LISTENERS });
        });

        it("single-field update: at most 2 calls per listener (the diff's Describe + one Set)", async () => {
            const a = await calls((e) => e.up(listenerProgram(world.specs(LISTENERS, 1, { healthyThreshold: 5 }))), "update");
            expect(a.byAction.SetLoadBalancerTCPListenerAttribute, summary(a)).to.equal(LISTENERS);
            expect(a.total, summary(a)).to.be.at.most(2 * LISTENERS);
        });

        it("delete: at most 2 calls per listener (Delete + a poll that confirms it is gone)", async () => {
            // The update left the listeners `configuring` for 30 ms; deleting then would be refused as busy.
            await new Promise((r) => setTimeout(r, 2 * TIMINGS.transitionMs));
            const a = await calls((e) => e.destroy(), "delete");
            expect(a.byAction.DeleteLoadBalancerListener, summary(a)).to.equal(LISTENERS);
            expect(a.total, summary(a)).to.be.at.most(2 * LISTENERS);
        });
    });

    describe("contention", () => {
        after(async () => {
            await world?.close();
        });

        it("an up of 20 listeners on one load balancer gets no busy rejection (mutating calls are serialized per LB)", async () => {
            world = await World.start({ timings: TIMINGS, faults: {}, loadBalancers: 1, retryTimeoutSeconds: 20 });
            const m = await world.measure((e) => e.up(listenerProgram(world.specs(20, 1))));
            ok(m.result);
            const a = analyse(m.calls);
            expect(a.busy, `busy answers: ${JSON.stringify(m.calls.filter((c) => c.code).map((c) => `${c.action} ${c.code}`))}`).to.equal(0);
            expect(a.mutating, summary(a)).to.equal(40);
            expect(a.chain, summary(a)).to.equal(40);
        });
    });
});
