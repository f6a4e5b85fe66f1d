// Issue 18, item 4: listing a load balancer that holds many listeners we do not manage must not cost more than reading
// ours one by one would, beyond the one page that tells how big it is (a load balancer's size is not known before it is
// listed). Measured on a load balancer with 300 TCP listeners that are not ours, ours after them (past the first page).
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator";
import { TcpListenerProvider } from "../../provider";
import { configured } from "../support/provider-fixture";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, slbClient } from "../support/slb-client";

const REGION = "cn-hangzhou";
const FOREIGN = 300;

describe("the cost of listing a load balancer full of listeners that are not ours", function () {
    this.timeout(30_000);
    let emulator: Emulator;
    let lbId: string;
    const ours = [30000, 30001];

    beforeEach(async () => {
        emulator = await startEmulator({ timings: { transitionMs: 0, changeMs: 0 } });
        const slb = slbClient(emulator.endpoint);
        lbId = String((await slb.call("CreateLoadBalancer", { RegionId: REGION })).LoadBalancerId);
        for (const port of ours) {
            await slb.call("CreateLoadBalancerTCPListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: port, BackendServerPort: 8080, Bandwidth: -1 });
        }
        // Over the service's default quota of 50 (an account can have it raised): written into the emulator's state.
        type State = { accounts: Record<string, Record<string, { loadBalancers: Record<string, { listeners: Record<string, Record<string, unknown>> }> }>> };
        const state = emulator.snapshot() as State;
        const listeners = state.accounts[DEFAULT_ACCESS_KEY_ID][REGION].loadBalancers[lbId].listeners;
        const model = listeners[`${ours[0]}/tcp`];
        for (let i = 0; i < FOREIGN; i++) listeners[`${20000 + i}/tcp`] = { ...model, port: 20000 + i, tags: [] };
        emulator.restore(state);
        emulator.clearRequests();
    });
    afterEach(() => emulator.close());

    const provider = (): TcpListenerProvider => configured({
        "alicloud:region": REGION, "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID, "alicloud:secretKey": DEFAULT_ACCESS_KEY_SECRET,
        "alicloud:endpoints": JSON.stringify([{ slb: emulator.endpoint }]), "slbListener:retryTimeoutSeconds": "20",
    });
    const read = (p: TcpListenerProvider, port: number) =>
        p.read(`${lbId}:tcp:${port}`, { loadBalancerId: lbId, listenerPort: port, regionId: REGION, backendServerPort: 8080, bandwidth: -1 });
    const calls = () => emulator.requests().map((r) => `${r.action}${r.params.NextToken ? " (next page)" : ""}${r.params.ListenerPort ? ` ${r.params.ListenerPort}` : ""}`);

    it("reads one after the other: at most one page more than one call each", async () => {
        const p = provider();
        for (const port of ours) expect((await read(p, port)).id).to.equal(`${lbId}:tcp:${port}`);
        expect(calls().length, calls().join(", ")).to.be.at.most(ours.length + 1);
    });

    it("reads that come together (a refresh, parallel diffs): at most one page more than one call each", async () => {
        const p = provider();
        const found = await Promise.all(ours.map((port) => read(p, port)));
        expect(found.map((f) => f.id)).to.deep.equal(ours.map((port) => `${lbId}:tcp:${port}`));
        // Today: the first page (100 of 302 rows, none ours), then, as neither was on it and a listing of several pages
        // does not prove absence, all four pages again: 5 calls where reading each costs 2.
        expect(calls().length, calls().join(", ")).to.be.at.most(ours.length + 1);
    });
});
