// UDP listeners' reads: the operation's view of a load balancer and coalesced listings work per protocol (one
// ListenerReads per protocol in the client; listings ask for ListenerProtocol=udp and read UDPListenerConfig). A no-op
// preview of many UDP listeners costs an attribute read, then a listing, per load balancer, and finds the same drift
// with the same lines as one attribute read per listener; TCP listeners on the same ports never answer a UDP read.
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator";
import { ListenerProvider } from "../../provider";
import { parsePage } from "../../provider/api/listing";
import { fromDescribe } from "../../provider/core/mapping";
import { TCP, UDP } from "../../provider/protocols";
import { configuredFor } from "../support/listener-fixture";
import { stderrOf } from "../support/provider-fixture";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, slbClient } from "../support/slb-client";

type Props = Record<string, unknown>;
const REGION = "cn-hangzhou";
const LISTING = "DescribeLoadBalancerListeners";
const UDP_ATTRIBUTE = "DescribeLoadBalancerUDPListenerAttribute";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("UDP listener reads: the operation's view and coalesced listings, per protocol", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    const slb = () => slbClient(emulator.endpoint);
    /** A fresh provider, as a new `pulumi` operation starts one (its view of the load balancers starts empty). */
    const providerOf = (protocol = UDP): ListenerProvider => configuredFor(protocol, {
        "alicloud:region": REGION, "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID, "alicloud:secretKey": DEFAULT_ACCESS_KEY_SECRET,
        "alicloud:endpoints": JSON.stringify([{ slb: emulator.endpoint }]),
    });
    const at = (lb: string, port: number) => ({ RegionId: REGION, LoadBalancerId: lb, ListenerPort: port });

    beforeEach(async () => {
        emulator = await startEmulator({ timings: { transitionMs: 30, changeMs: 2 } });
    });
    afterEach(() => emulator.close());

    it("a no-op preview of 30 UDP listeners on 2 load balancers: an attribute read then a UDP listing per load balancer, the same drift lines as per-listener reads", async () => {
        const lbs = [0, 1].map(async () => (await slb().call("CreateLoadBalancer", { RegionId: REGION })).LoadBalancerId as string);
        const [a, b] = await Promise.all(lbs);
        // TCP listeners on the same ports with other settings: a TCP row answering a UDP read would show as a replacement.
        for (let port = 100; port < 115; port++) {
            await slb().call("CreateLoadBalancerTCPListener", { ...at(a, port), BackendServerPort: 9999, Bandwidth: 7, Description: "tcp" });
        }
        const provider = providerOf();
        const specs: Props[] = [a, b].flatMap((lb) => Array.from({ length: 15 }, (_, i) => ({
            loadBalancerId: lb, listenerPort: 100 + i, backendServerPort: 5353, bandwidth: -1, description: `dns-${i}`, persistenceTimeout: 60,
            healthCheckReq: "ping", healthCheckExp: "pong", healthCheckConnectPort: 5354, tags: { n: String(i) },
        })));
        const checked = await Promise.all(specs.map(async (s) => (await provider.check({}, s)).inputs as Props));
        const created = await Promise.all(checked.map((inputs) => provider.create(inputs)));
        const ids = created.map((c) => c.id);

        // Out of band: a UDP-only field, a probe string cleared, a listener stopped, one deleted.
        await slb().call("SetLoadBalancerUDPListenerAttribute", { ...at(a, 103), healthCheckExp: "other" });
        await slb().call("SetLoadBalancerUDPListenerAttribute", { ...at(b, 104), healthCheckReq: "" });
        await slb().call("StopLoadBalancerListener", { ...at(b, 110), ListenerProtocol: "udp" });
        await slb().call("DeleteLoadBalancerListener", { ...at(a, 112), ListenerProtocol: "udp" });
        await sleep(100);

        /** What the engine does in a preview: one Diff after another. */
        const previewAll = async (p: ListenerProvider) => {
            const results = [];
            for (let i = 0; i < ids.length; i++) results.push(await p.diff(ids[i], created[i].outs as Props, checked[i]));
            return results;
        };
        emulator.clearRequests();
        const viewed = await stderrOf(() => previewAll(providerOf()));
        const calls = emulator.requests();
        emulator.clearRequests();
        process.env.SLB_LISTENER_COALESCE_READS = "off";
        const each = await stderrOf(() => previewAll(providerOf())).finally(() => delete process.env.SLB_LISTENER_COALESCE_READS);

        expect(calls.map((r) => `${r.action} ${r.params.LoadBalancerId ?? r.params["LoadBalancerId.1"]}`)).to.deep.equal([
            `${UDP_ATTRIBUTE} ${a}`, `${LISTING} ${a}`, `${UDP_ATTRIBUTE} ${b}`, `${LISTING} ${b}`,
        ]);
        expect(calls.filter((r) => r.action === LISTING).map((r) => r.params.ListenerProtocol)).to.deep.equal(["udp", "udp"]);
        expect(emulator.requests().map((r) => r.action)).to.deep.equal(Array(30).fill(UDP_ATTRIBUTE));
        expect(viewed.result).to.deep.equal(each.result);
        expect(viewed.lines).to.deep.equal(each.lines);
        expect(viewed.result.map((r, i) => (r.changes ? ids[i] : "")).filter(Boolean)).to.deep.equal([ids[3], ids[12], ids[19], ids[25]]);
        expect(viewed.result.every((r) => (r.replaces ?? []).length === 0), "no TCP row was taken for a UDP listener").to.equal(true);
        expect(viewed.lines).to.deep.equal([
            `${ids[3]}: healthCheckExp is "other", want "pong"`,
            `${ids[12]}: the listener no longer exists (deleted outside Pulumi); up creates it again under the same id`,
            `${ids[19]}: healthCheckReq is unset, want "ping"`,
            `${ids[25]}: status is "stopped", want "running"`,
        ]);
    });

    it("reads that come together share one UDP listing; TCP listeners on the same ports never answer them", async () => {
        const lb = (await slb().call("CreateLoadBalancer", { RegionId: REGION })).LoadBalancerId as string;
        for (let port = 100; port < 110; port++) {
            await slb().call("CreateLoadBalancerTCPListener", { ...at(lb, port), BackendServerPort: 8080, Bandwidth: -1 });
            if (port < 105) await slb().call("CreateLoadBalancerUDPListener", { ...at(lb, port), BackendServerPort: 5353, Bandwidth: -1, healthCheckReq: `q${port}` });
        }
        emulator.clearRequests();
        const udp = providerOf();
        const ports = Array.from({ length: 10 }, (_, i) => 100 + i);
        const read = await Promise.all(ports.map((port) => udp.read(`${lb}:udp:${port}`, { loadBalancerId: lb, listenerPort: port, regionId: REGION })));
        expect(read.map((r) => (r.props as Props | undefined)?.healthCheckReq ?? "absent")).to.deep.equal([
            "q100", "q101", "q102", "q103", "q104", "absent", "absent", "absent", "absent", "absent",
        ]);
        expect(read.slice(0, 5).map((r) => (r.props as Props).backendServerPort)).to.deep.equal([5353, 5353, 5353, 5353, 5353]);
        expect(emulator.requests().map((r) => `${r.action} ${r.params.ListenerProtocol}`)).to.deep.equal([`${LISTING} udp`]);
        // And the other way round: the TCP provider reads every TCP listener, none of the UDP ones.
        emulator.clearRequests();
        const tcpRead = await Promise.all(ports.map((port) => providerOf(TCP).read(`${lb}:tcp:${port}`, { loadBalancerId: lb, listenerPort: port, regionId: REGION })));
        expect(tcpRead.map((r) => (r.props as Props).backendServerPort)).to.deep.equal(Array(10).fill(8080));
    });

    it("a listing row of another protocol never stands in for a UDP listener, even if the service ignored the filter", async () => {
        const lb = (await slb().call("CreateLoadBalancer", { RegionId: REGION })).LoadBalancerId as string;
        await slb().call("CreateLoadBalancerTCPListener", { ...at(lb, 53), BackendServerPort: 8053, Bandwidth: -1 });
        await slb().call("CreateLoadBalancerUDPListener", { ...at(lb, 53), BackendServerPort: 5353, Bandwidth: 10, healthCheckReq: "ping", PersistenceTimeout: 60 });
        await slb().call("CreateLoadBalancerTCPListener", { ...at(lb, 54), BackendServerPort: 8054, Bandwidth: -1 });
        // Both protocols in one answer: what a listing without the filter gives.
        const mixed = await slb().call(LISTING, { RegionId: REGION, LoadBalancerId: [lb] });
        expect(mixed.Listeners).to.have.length(3);
        const page = parsePage(UDP, mixed);
        expect([...page.listeners.keys()]).to.deep.equal([`${lb}:53`]);
        // The row, in the attribute call's shape, reads exactly as the attribute call does.
        const { RequestId: _r, ...attribute } = await slb().call(UDP_ATTRIBUTE, at(lb, 53));
        expect(fromDescribe(UDP, page.listeners.get(`${lb}:53`)!)).to.deep.equal(fromDescribe(UDP, attribute));
        expect(fromDescribe(UDP, attribute).values).to.include({ backendServerPort: 5353, healthCheckReq: "ping", persistenceTimeout: 60, bandwidth: 10 });
        expect([...parsePage(TCP, mixed).listeners.keys()]).to.deep.equal([`${lb}:53`, `${lb}:54`]);
    });
});
