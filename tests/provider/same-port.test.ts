// A TCP and a UDP listener on the same port of one load balancer, each managed by its own provider against the
// emulator: created side by side (neither's check() takes the other for a listener holding its port), each with its own
// id and tag resource id, and changed, retagged, stopped and deleted without touching the other: the other's live
// listener stays as it was and its next diff has nothing to do.
import { expect } from "chai";
import { ListenerProvider } from "../../provider";
import { Protocol } from "../../provider/core/protocol";
import { TCP, UDP } from "../../provider/protocols";
import { ListenerFixture, listenerFixture } from "../support/listener-fixture";
import { REGION } from "../support/provider-fixture";
import { Recorded, previewDiff, up } from "../support/provider-steps";
import { asResource } from "../support/resource-facts";

type Props = Record<string, unknown>;
const PORT = 53;
const settle = () => new Promise((r) => setTimeout(r, 80));

describe("a TCP and a UDP listener on the same port", function () {
    this.timeout(30000);
    let fx: ListenerFixture;
    const side: Record<"tcp" | "udp", { provider: ListenerProvider; program: Props; recorded: Recorded; protocol: Protocol }> = {} as never;

    /** The live listener of one protocol on the port, as its attribute call answers (RequestId left out). */
    const live = async (protocol: Protocol) => {
        const { RequestId: _r, ...body } = await fx.slb.call(protocol.spec.actions.describe, { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: PORT });
        return body as Record<string, unknown>;
    };
    /** Asserts that the other listener is exactly as it was and that its provider has nothing to do. */
    async function untouched(name: "tcp" | "udp", before: Record<string, unknown>): Promise<void> {
        const { provider, program, recorded, protocol } = side[name];
        expect(await live(protocol), `the ${name} listener`).to.deep.equal(before);
        expect(await previewDiff(provider, recorded, program), `the ${name} listener's diff`).to.deep.include({ changes: false });
    }
    const calledActions = () => fx.emulator.requests().filter((r) => !r.action.startsWith("Describe")).map((r) => `${r.action} ${r.params.ListenerProtocol ?? r.params["ResourceId.1"] ?? ""}`.trim());

    beforeEach(async () => {
        fx = await listenerFixture(UDP);
        const programOf = (protocol: Protocol, name: string): Props => ({
            loadBalancerId: fx.lbId, listenerPort: PORT, bandwidth: -1, backendServerPort: protocol === TCP ? 8053 : 5353, tags: { app: name },
            ...asResource("proj", "dev", name, {}, protocol),
        });
        for (const [name, protocol] of [["tcp", TCP], ["udp", UDP]] as const) {
            const provider = fx.providerOf(protocol);
            const program = programOf(protocol, `${name}-53`);
            side[name] = { provider, program, protocol, recorded: await up(provider, undefined, program) };
        }
        await settle();
        fx.resetCalls();
    });
    afterEach(() => fx.close());

    it("are created side by side, each with its own id, tag resource id and ownership tag", async () => {
        expect([side.tcp.recorded.id, side.udp.recorded.id]).to.deep.equal([`${fx.lbId}:tcp:${PORT}`, `${fx.lbId}:udp:${PORT}`]);
        for (const name of ["tcp", "udp"] as const) {
            const body = await live(side[name].protocol);
            expect(body.Status).to.equal("running");
            const tags = (body.Tags as { Tag: Array<{ TagKey: string; TagValue: string }> }).Tag.map((t) => `${t.TagKey}=${t.TagValue}`).sort();
            expect(tags).to.deep.equal([`app=${name}-53`, `pulumi-owner=proj/dev/${name}-53`]);
            const listed = await fx.slb.call("ListTagResources", { RegionId: REGION, ResourceType: "listener", ResourceId: [`${fx.lbId}_${name}_${PORT}`] });
            expect(listed.TagResources.TagResource.map((t: { TagKey: string }) => t.TagKey).sort()).to.deep.equal(["app", "pulumi-owner"]);
        }
        const listing = await fx.slb.call("DescribeLoadBalancerListeners", { RegionId: REGION, LoadBalancerId: [fx.lbId] });
        expect(listing.Listeners.map((l: { ListenerPort: number; ListenerProtocol: string }) => `${l.ListenerProtocol}/${l.ListenerPort}`)).to.deep.equal(["tcp/53", "udp/53"]);
    });

    it("a change of one, in settings or in tags, touches only that one", async () => {
        for (const [name, other, change] of [["udp", "tcp", { healthyThreshold: 5, healthCheckReq: "ping" }], ["tcp", "udp", { healthyThreshold: 6, establishedTimeout: 300 }]] as const) {
            const before = await live(side[other].protocol);
            fx.resetCalls();
            const s = side[name];
            s.program = { ...s.program, ...change, tags: { app: "changed" } };
            const updated = await up(s.provider, s.recorded, s.program);
            expect(updated.op).to.equal("update");
            s.recorded = updated;
            // A new value for the tag: TagResources overwrites it, nothing to remove.
            expect(calledActions()).to.deep.equal([`${s.protocol.spec.actions.set}`, `TagResources ${fx.lbId}_${name}_${PORT}`]);
            expect(await live(s.protocol)).to.include({ HealthyThreshold: change.healthyThreshold });
            await settle();
            await untouched(other, before);
        }
    });

    it("stopping and starting one leaves the other running", async () => {
        const before = await live(TCP);
        side.udp.recorded = await up(side.udp.provider, side.udp.recorded, { ...side.udp.program, status: "stopped" });
        expect(calledActions()).to.deep.equal(["StopLoadBalancerListener udp"]);
        expect((await live(UDP)).Status).to.equal("stopped");
        await untouched("tcp", before);
        side.udp.recorded = await up(side.udp.provider, side.udp.recorded, side.udp.program);
        expect((await live(UDP)).Status).to.equal("running");
        await untouched("tcp", before);
    });

    it("drift of one is reported and repaired on that one only", async () => {
        await fx.slb.call(TCP.spec.actions.set, { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: PORT, HealthyThreshold: 9 });
        await settle();
        await fx.slb.call("StopLoadBalancerListener", { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: PORT, ListenerProtocol: "tcp" });
        await settle();
        const udpBefore = await live(UDP);
        const { result: udpDiff, lines: udpLines } = await fx.stderrOf(() => previewDiff(side.udp.provider, side.udp.recorded, side.udp.program));
        expect(udpDiff.changes).to.equal(false);
        expect(udpLines).to.deep.equal([]);
        const { lines } = await fx.stderrOf(() => up(side.tcp.provider, side.tcp.recorded, side.tcp.program));
        expect(lines).to.deep.equal([`${fx.lbId}:tcp:${PORT}: healthyThreshold is 9, want 3`, `${fx.lbId}:tcp:${PORT}: status is "stopped", want "running"`]);
        expect(await live(TCP)).to.include({ HealthyThreshold: 3, Status: "running" });
        await untouched("udp", udpBefore);
    });

    it("deleting one leaves the other, which is still read as present", async () => {
        for (const [gone, stays] of [["udp", "tcp"], ["tcp", "udp"]] as const) {
            const before = await live(side[stays].protocol);
            fx.resetCalls();
            await side[gone].provider.delete(side[gone].recorded.id, side[gone].recorded.outs);
            expect(calledActions()).to.deep.equal([`DeleteLoadBalancerListener ${gone}`]);
            expect((await side[gone].provider.read!(side[gone].recorded.id, side[gone].recorded.outs)).id).to.equal(undefined);
            await untouched(stays, before);
            // Created again under the same id; the other stays as it was.
            side[gone].recorded = await up(side[gone].provider, undefined, side[gone].program);
            await settle();
            await untouched(stays, before);
        }
    });

    it("check() does not take the other protocol's listener for one holding the port; one of its own protocol fails the preview", async () => {
        const newcomer = (name: string, protocol: Protocol) => ({
            loadBalancerId: fx.lbId, listenerPort: PORT, bandwidth: -1, backendServerPort: 9000, ...asResource("proj", "dev", name, {}, protocol),
        });
        // Both ports are taken by the other resources: each newcomer's preview names the listener of its own protocol.
        for (const [name, protocol] of [["tcp", TCP], ["udp", UDP]] as const) {
            const checked = await fx.providerOf(protocol).check({}, newcomer(`other-${name}`, protocol));
            expect(checked.failures?.map((f) => f.reason), name).to.have.length(1);
            expect(checked.failures?.[0].reason).to.contain(`${protocol.spec.title} port ${PORT}`).and.contain(`proj/dev/${name}-53`);
        }
        await side.udp.provider.delete(side.udp.recorded.id, side.udp.recorded.outs);
        const udpNewcomer = await fx.providerOf(UDP).check({}, newcomer("other-udp", UDP));
        expect(udpNewcomer.failures, "the TCP listener does not hold the UDP port").to.deep.equal([]);
    });
});
