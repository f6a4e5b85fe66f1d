// The call-count guard of tests/perf/call-counts.test.ts for UdpListener: through the engine harness and the real
// provider host against the emulator, calls per listener for create, no-op preview, refresh, single-field update and
// delete, counted from the emulator's request log by action (bench/world's analysis counts TCP's actions).
import { expect } from "chai";
import { LISTING, PER_LISTENER_READS, World, failuresOf } from "../../bench/world";
import { RequestLogEntry } from "../../emulator";
import { UdpListener, UdpListenerArgs } from "../../provider";
import { OperationResult } from "../harness";

const LISTENERS = 3;
const TIMINGS = { transitionMs: 30, changeMs: 20 };
const CREATE = "CreateLoadBalancerUDPListener";
const SET = "SetLoadBalancerUDPListenerAttribute";
const DESCRIBE = "DescribeLoadBalancerUDPListenerAttribute";
const MUTATING = new Set([CREATE, SET, "StartLoadBalancerListener", "StopLoadBalancerListener", "DeleteLoadBalancerListener", "TagResources", "UntagResources"]);

function byAction(calls: readonly RequestLogEntry[]): Record<string, number> {
    const out: Record<string, number> = {};
    for (const c of calls) out[c.action] = (out[c.action] ?? 0) + 1;
    return out;
}

describe(`API calls per operation for UdpListener (engine harness + emulator), ${LISTENERS} listeners on one load balancer`, function () {
    this.timeout(30_000);
    let world: World;
    const program = (extra: Partial<UdpListenerArgs> = {}) => () => Object.fromEntries(Array.from({ length: LISTENERS }, (_, i) => {
        const port = 10000 + i;
        return [`u${port}`, new UdpListener(`u${port}`, {
            loadBalancerId: world.lbIds[0], listenerPort: port, backendServerPort: 5353, bandwidth: -1, healthCheckReq: "ping", healthCheckExp: "pong",
            tags: { app: "bench" }, ...extra,
        }).id];
    }));
    /** Runs an operation; it must succeed with only `step` steps, and no call may be answered with an error other than not-found. */
    async function calls(op: (e: World["engine"]) => Promise<OperationResult>, step: string): Promise<RequestLogEntry[]> {
        const m = await world.measure(op);
        expect(failuresOf(m.result), JSON.stringify(m.result.diagnostics.slice(-10))).to.deep.equal([]);
        expect([...new Set(m.result.steps.map((s) => s.op))]).to.deep.equal([step]);
        const errors = m.calls.filter((c) => c.code !== null && !(c.action === DESCRIBE && c.code === "InvalidParameter"));
        expect(errors.map((c) => `${c.action} ${c.code}`), "error answers").to.deep.equal([]);
        expect(m.calls.filter((c) => c.params.ListenerProtocol !== undefined && c.params.ListenerProtocol !== "udp"), "every call names UDP").to.deep.equal([]);
        return m.calls;
    }

    before(async () => {
        world = await World.start({ timings: TIMINGS, faults: {}, loadBalancers: 1, retryTimeoutSeconds: 20 });
    });
    after(() => world?.close());

    it("create: Create 1 + Start 1 per listener, no follow-up Set or Tag; check()'s look is one listing and one read", async () => {
        const log = await calls((e) => e.up(program()), "create");
        const counts = byAction(log);
        expect(counts[CREATE]).to.equal(LISTENERS);
        expect(counts.StartLoadBalancerListener).to.equal(LISTENERS);
        expect(log.filter((c) => MUTATING.has(c.action)), "no follow-up Set or Tag").to.have.length(2 * LISTENERS);
        const looks = log.slice(0, log.findIndex((c) => c.action === CREATE)).map((c) => c.action);
        expect(looks).to.deep.equal([LISTING, DESCRIBE]);
        expect(log.filter((c) => c.action === LISTING).map((c) => c.params.ListenerProtocol)).to.deep.include("udp");
        expect((counts[DESCRIBE] ?? 0) + (counts[LISTING] ?? 0) - looks.length, "status polls").to.be.within(1, LISTENERS);
    });

    it("no-op preview and refresh: one UDP listing for the load balancer (one UDP Describe each with coalescing off)", async () => {
        expect(byAction(await calls((e) => e.preview(program()), "same"))).to.deep.equal({ [LISTING]: 1 });
        expect(byAction(await calls((e) => e.refresh(), "read"))).to.deep.equal({ [LISTING]: 1 });
        expect(byAction(await calls((e) => e.refresh({ env: { ...PER_LISTENER_READS } }), "read"))).to.deep.equal({ [DESCRIBE]: LISTENERS });
    });

    it("single-field update: at most 2 calls per listener (the diff's read + one UDP Set)", async () => {
        const log = await calls((e) => e.up(program({ healthCheckExp: "pong2" })), "update");
        expect(byAction(log)[SET]).to.equal(LISTENERS);
        expect(log.length).to.be.at.most(2 * LISTENERS);
    });

    it("delete: at most 2 calls per listener (Delete with ListenerProtocol=udp + a poll that confirms it is gone)", async () => {
        await new Promise((r) => setTimeout(r, 2 * TIMINGS.transitionMs));
        const log = await calls((e) => e.destroy(), "delete");
        expect(log.filter((c) => c.action === "DeleteLoadBalancerListener").map((c) => c.params.ListenerProtocol)).to.deep.equal(Array(LISTENERS).fill("udp"));
        expect(log.length).to.be.at.most(2 * LISTENERS);
    });
});
