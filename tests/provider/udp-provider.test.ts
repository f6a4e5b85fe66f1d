// UdpListenerProvider against the emulator, through the real SDK: the lifecycle guarantees TcpListener has (one Create
// with every setting, one call for a no-op diff, drift lines and repair, status, in-place updates sending only what
// changed, the replacement rules, tags, the ownership tag and crash recovery, adoptExisting, reads for get,
// ignoreChanges and replaceOnChanges), with UDP's own spellings (healthCheckReq/healthCheckExp lower case on Create and
// Set, HealthCheckInterval capitalised on Set), qch, the `<lb>:udp:<port>` id and the `<lb>_udp_<port>` tag id.
import { expect } from "chai";
import { UDP } from "../../provider/protocols";
import { ListenerFixture, listenerFixture } from "../support/listener-fixture";
import { REGION } from "../support/provider-fixture";
import { Recorded, previewDiff, up } from "../support/provider-steps";
import { asResource } from "../support/resource-facts";

type Props = Record<string, unknown>;
const CREATE = "CreateLoadBalancerUDPListener";
const SET = "SetLoadBalancerUDPListenerAttribute";
const DESCRIBE = "DescribeLoadBalancerUDPListenerAttribute";
const PORT = 53;
const settle = () => new Promise((r) => setTimeout(r, 80));
const tagList = (live: { Tags?: { Tag: Array<{ TagKey: string; TagValue: string }> } }) =>
    (live.Tags?.Tag ?? []).map((t) => `${t.TagKey}=${t.TagValue}`).sort();

describe("UdpListenerProvider against the emulator", function () {
    this.timeout(30000);
    let fx: ListenerFixture;
    let base: Props;
    let id: string;

    beforeEach(async () => {
        // Performance-guaranteed, so that qch, sch and tch are allowed.
        fx = await listenerFixture(UDP, { spec: "slb.s2.small" });
        base = { loadBalancerId: fx.lbId, listenerPort: PORT, bandwidth: -1, backendServerPort: 5353, ...asResource("proj", "dev", "dns", {}, UDP), tags: { team: "dns" } };
        id = `${fx.lbId}:udp:${PORT}`;
    });
    afterEach(() => fx.close());

    const create = (inputs: Props = base) => up(fx.provider, undefined, inputs);
    /** Runs `work`, keeping what the provider says (drift lines the test already looked at) off the terminal. */
    const quietly = <T>(work: () => Promise<T>) => fx.stderrOf(work).then((r) => r.result);
    const setCalls = () => fx.emulator.requests().filter((r) => r.action === SET);
    /** The parameter names of the one Set that was sent. */
    const setParamNames = () => {
        expect(setCalls()).to.have.length(1);
        return Object.keys(setCalls()[0].params).sort();
    };

    it("creates and starts with one Create carrying every setting (lower-case probe strings and interval) and the tags", async () => {
        const acl = (await fx.slb.call("CreateAccessControlList", { RegionId: REGION, AclName: "dns" })).AclId as string;
        const group = (await fx.slb.call("CreateMasterSlaveServerGroup", {
            RegionId: REGION, LoadBalancerId: fx.lbId, MasterSlaveServerGroupName: "ms",
            MasterSlaveBackendServers: JSON.stringify([{ ServerId: "i-m", Port: 53, ServerType: "Master" }, { ServerId: "i-s", Port: 53, ServerType: "Slave" }]),
        })).MasterSlaveServerGroupId as string;
        const every = {
            ...base, bandwidth: 20, scheduler: "qch", persistenceTimeout: 30, healthyThreshold: 4, unhealthyThreshold: 5, healthCheckSwitch: "on",
            healthCheckConnectPort: 5354, healthCheckConnectTimeout: 8, healthCheckInterval: 3, healthCheckReq: "ping", healthCheckExp: "pong",
            aclStatus: "on", aclType: "white", aclId: acl, description: "dns-53", proxyProtocolV2Enabled: true, masterSlaveServerGroupId: group,
        };
        fx.resetCalls();
        const created = await create(every);
        expect(created.id).to.equal(id);
        expect(fx.calls(CREATE)).to.equal(1);
        expect(fx.calls("StartLoadBalancerListener")).to.equal(1);
        expect(fx.calls(SET) + fx.calls("TagResources")).to.equal(0);
        // Every row the Create carries (all but the other kind of server group), in the Create's own spelling.
        const sent = Object.keys(fx.emulator.requests().find((r) => r.action === CREATE)!.params);
        const rows = UDP.fields.filter((f) => f.api?.create && f.input in every).map((f) => f.api!.create!);
        expect(rows).to.include.members(["healthCheckReq", "healthCheckExp", "healthCheckInterval", "Scheduler", "PersistenceTimeout"]);
        expect(sent).to.include.members([...rows, "Tag.1.Key", "Tag.2.Key"]);
        const start = fx.emulator.requests().find((r) => r.action === "StartLoadBalancerListener")!;
        expect(start.params.ListenerProtocol).to.equal("udp");
        expect(created.outs).to.include({ status: "running", scheduler: "qch", healthCheckReq: "ping", healthCheckExp: "pong", persistenceTimeout: 30, regionId: REGION });
        expect(created.outs).not.to.have.any.keys("owner", "__program", "establishedTimeout", "healthCheckType");
        const live = await fx.live(PORT);
        expect(live).to.include({
            Status: "running", Scheduler: "qch", PersistenceTimeout: 30, HealthyThreshold: 4, UnhealthyThreshold: 5, HealthCheckConnectPort: 5354,
            HealthCheckConnectTimeout: 8, HealthCheckInterval: 3, HealthCheckReq: "ping", HealthCheckExp: "pong", AclStatus: "on", AclType: "white",
            Description: "dns-53", ProxyProtocolV2Enabled: true, MasterSlaveServerGroupId: group, Bandwidth: 20,
        });
        expect(tagList(live)).to.deep.equal(["pulumi-owner=proj/dev/dns", "team=dns"]);
        expect(await previewDiff(fx.provider, created, every)).to.deep.include({ changes: false });
    });

    it("a no-op diff costs exactly one call, the UDP attribute read", async () => {
        const created = await create();
        fx.resetCalls();
        expect(await previewDiff(fx.provider, created, base)).to.deep.include({ changes: false });
        expect(fx.emulator.requests().map((r) => r.action)).to.deep.equal([DESCRIBE]);
    });

    it("reports drift of UDP's own fields in its own lines and repairs it with one Set of only those fields", async () => {
        const program = { ...base, healthyThreshold: 4, healthCheckReq: "ping", healthCheckExp: "pong" };
        const created = await create(program);
        await fx.slb.call(SET, { ...fx.key(PORT), ListenerProtocol: undefined, healthCheckReq: "other", HealthyThreshold: 7 });
        await settle();
        const { result: diff, lines } = await fx.stderrOf(() => previewDiff(fx.provider, created, program));
        expect(diff).to.deep.include({ changes: true, replaces: [] });
        expect(lines).to.deep.equal([`${id}: healthyThreshold is 7, want 4`, `${id}: healthCheckReq is "other", want "ping"`]);
        fx.resetCalls();
        await quietly(() => up(fx.provider, created, program));
        expect(setParamNames()).to.deep.equal(["HealthyThreshold", "ListenerPort", "LoadBalancerId", "RegionId", "healthCheckReq"]);
        await settle();
        expect(await fx.live(PORT)).to.include({ HealthyThreshold: 4, HealthCheckReq: "ping", HealthCheckExp: "pong" });
    });

    it("starts again a listener stopped out of band (ListenerProtocol=udp on Stop and Start)", async () => {
        const created = await create();
        await fx.slb.call("StopLoadBalancerListener", fx.key(PORT));
        await settle();
        const { result: diff, lines } = await fx.stderrOf(() => previewDiff(fx.provider, created, base));
        expect(diff.changes).to.equal(true);
        expect(lines).to.deep.equal([`${id}: status is "stopped", want "running"`]);
        fx.resetCalls();
        const repaired = await quietly(() => up(fx.provider, created, base));
        expect(repaired.outs).to.include({ status: "running" });
        expect(fx.emulator.requests().filter((r) => r.action === "StartLoadBalancerListener").map((r) => r.params.ListenerProtocol)).to.deep.equal(["udp"]);
        expect((await fx.live(PORT)).Status).to.equal("running");
        const stopped = await up(fx.provider, repaired, { ...base, status: "stopped" });
        expect(stopped.outs).to.include({ status: "stopped" });
        expect((await fx.live(PORT)).Status).to.equal("stopped");
    });

    it("updates in place with one Set of only the changed fields: probe strings lower case, HealthCheckInterval capitalised", async () => {
        const created = await create({ ...base, healthCheckReq: "ping", healthCheckExp: "pong" });
        fx.resetCalls();
        const changed = await up(fx.provider, created, { ...base, healthCheckReq: "ping2", healthCheckExp: "pong2", healthCheckInterval: 4, healthCheckConnectTimeout: 6 });
        expect(changed.op).to.equal("update");
        expect(setParamNames()).to.deep.equal(["HealthCheckConnectTimeout", "HealthCheckInterval", "ListenerPort", "LoadBalancerId", "RegionId", "healthCheckExp", "healthCheckReq"]);
        expect(fx.calls()).to.equal(2);
        expect(await fx.live(PORT)).to.include({ HealthCheckReq: "ping2", HealthCheckExp: "pong2", HealthCheckInterval: 4, HealthCheckConnectTimeout: 6 });
        expect(changed.outs).to.include({ healthCheckReq: "ping2", healthCheckExp: "pong2", healthCheckInterval: 4 });
    });

    it("clears the probe strings when the program no longer sets them (\"\" on Set), and then has nothing to do", async () => {
        const created = await create({ ...base, healthCheckReq: "ping", healthCheckExp: "pong", persistenceTimeout: 120, description: "dns" });
        fx.resetCalls();
        const cleared = await up(fx.provider, created, base);
        const set = setCalls()[0].params;
        expect(set).to.include({ healthCheckReq: "", healthCheckExp: "", PersistenceTimeout: "0", Description: "" });
        const live = await fx.live(PORT);
        expect(live).not.to.have.any.keys("HealthCheckReq", "HealthCheckExp");
        expect(live).to.include({ PersistenceTimeout: 0, Description: "" });
        expect(cleared.outs).not.to.have.any.keys("healthCheckReq", "healthCheckExp");
        await settle();
        expect(await previewDiff(fx.provider, cleared, base)).to.deep.include({ changes: false });
    });

    it("replaces the listener, deleting first on the same port, for a scheduler change to, from or between hashing ones (qch included)", async () => {
        let recorded: Recorded = await create();
        for (const [scheduler, replaced] of [["qch", true], ["sch", true], ["wrr", true], ["rr", false], ["tch", true]] as const) {
            await settle();
            const next = await up(fx.provider, recorded, { ...base, scheduler });
            expect(next.op, `to ${scheduler}`).to.equal(replaced ? "replace" : "update");
            if (replaced) expect(next.diff, `to ${scheduler}`).to.deep.include({ replaces: ["scheduler"], deleteBeforeReplace: true });
            expect(next.id).to.equal(id);
            expect((await fx.live(PORT)).Scheduler).to.equal(scheduler);
            recorded = next;
        }
        expect(await fx.stderrOf(() => previewDiff(fx.provider, recorded, { ...base, scheduler: "tch" }))).to.deep.include({ lines: [] });
    });

    it("replaces the listener, deleting first, when backendServerPort changes; listenerPort replaces create-first", async () => {
        const created = await create();
        const rebacked = await up(fx.provider, created, { ...base, backendServerPort: 5454 });
        expect(rebacked.diff).to.deep.include({ replaces: ["backendServerPort"], deleteBeforeReplace: true });
        expect(await fx.live(PORT)).to.include({ BackendServerPort: 5454, Status: "running" });
        expect(await fx.provider.diff(rebacked.id, rebacked.outs, { ...base, backendServerPort: 5454, listenerPort: 54 }))
            .to.deep.include({ replaces: ["listenerPort"], deleteBeforeReplace: false });
    });

    it("changes tags on the `<lb>_udp_<port>` resource with UntagResources then TagResources, and restores tags changed out of band", async () => {
        const created = await create();
        fx.resetCalls();
        const retagged = await up(fx.provider, created, { ...base, tags: { env: "prod" } });
        const calls = fx.emulator.requests();
        expect(calls.map((r) => r.action)).to.deep.equal([DESCRIBE, "UntagResources", "TagResources"]);
        expect(calls.slice(1).map((r) => r.params["ResourceId.1"])).to.deep.equal([`${fx.lbId}_udp_${PORT}`, `${fx.lbId}_udp_${PORT}`]);
        await fx.slb.call("TagResources", { ...fx.tagTarget(PORT), Tag: [{ Key: "env", Value: "dev" }, { Key: "extra", Value: "x" }] });
        const program = { ...base, tags: { env: "prod" } };
        const { lines } = await fx.stderrOf(() => previewDiff(fx.provider, retagged, program));
        expect(lines).to.deep.equal([`${id}: tags.env is "dev", want "prod"`, `${id}: tags.extra is "x", want unset`]);
        await quietly(() => up(fx.provider, retagged, program));
        expect(tagList(await fx.live(PORT))).to.deep.equal(["env=prod", "pulumi-owner=proj/dev/dns"]);
    });

    describe("ownership and crash recovery", () => {
        it("records a partial failure when Start fails after Create, and the next update finishes the listener", async () => {
            fx.emulator.setFaults({ rules: [{ action: "StartLoadBalancerListener", status: 403, code: "Forbidden.RAM", message: "User not authorized to operate on the specified resource." }] });
            const error = await fx.provider.create({ ...base, __provider: "code" }).then(() => undefined, (e: Error & { id?: string; properties?: Props }) => e);
            expect(error?.id).to.equal(id);
            expect(error?.properties).to.include({ __provider: "code", loadBalancerId: fx.lbId, listenerPort: PORT, status: "stopped" });
            expect(error?.message).to.match(/^UdpListener /).and.contain("Forbidden.RAM").and.contain("recorded");
            expect(tagList(await fx.live(PORT))).to.include("pulumi-owner=proj/dev/dns");
            fx.emulator.setFaults({});
            const recorded: Recorded = { id: error!.id!, outs: error!.properties!, inputs: base };
            const finished = await up(fx.provider, recorded, base);
            expect(finished.op).to.equal("update");
            expect(finished.outs).to.include({ status: "running" });
            expect((await fx.live(PORT)).Status).to.equal("running");
        });

        it("finishes a listener made by an earlier run (its ownership tag) instead of failing on the taken port", async () => {
            await fx.slb.call(CREATE, {
                RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: PORT, BackendServerPort: 5353, Bandwidth: -1, HealthyThreshold: 7,
                Tag: [{ Key: "pulumi-owner", Value: "proj/dev/dns" }],
            });
            fx.resetCalls();
            const { result: created, lines } = await fx.stderrOf(() => create());
            expect(created.outs).to.include({ status: "running", healthyThreshold: 3 });
            expect(lines.join("\n")).to.contain("created by an earlier run of this resource");
            expect(fx.emulator.requests().filter((r) => r.action === CREATE).map((r) => r.code)).to.deep.equal(["ListenerAlreadyExists"]);
            expect(await fx.live(PORT)).to.include({ Status: "running", HealthyThreshold: 3 });
        });

        it("recognises its own listener when a Create's answer was lost", async () => {
            fx.emulator.setFaults({ rules: [{ action: CREATE, status: 503, afterApply: true, count: 1 }] });
            const created = await quietly(() => create());
            expect(created.id).to.equal(id);
            expect(fx.calls(CREATE)).to.equal(2);
            expect((await fx.live(PORT)).Status).to.equal("running");
        });

        it("fails on a UDP listener made by hand, naming the port and adoptExisting; adoptExisting takes it over", async () => {
            await fx.slb.call(CREATE, { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: PORT, BackendServerPort: 5353, Bandwidth: -1, healthCheckReq: "hand" });
            const error = await fx.provider.create(base).then(() => undefined, (e: Error) => e);
            expect(error?.message).to.contain(`UDP port ${PORT} on load balancer ${fx.lbId}`).and.contain("adoptExisting");
            const refused = await fx.provider.create({ ...base, backendServerPort: 5454, adoptExisting: true }).then(() => undefined, (e: Error) => e);
            expect(refused?.message).to.contain("backendServerPort");
            const adopted = await quietly(() => create({ ...base, adoptExisting: true }));
            expect(adopted.outs).to.include({ status: "running" });
            expect(adopted.outs).not.to.have.property("healthCheckReq");
            const live = await fx.live(PORT);
            expect(live).not.to.have.property("HealthCheckReq");
            expect(tagList(live)).to.deep.equal(["pulumi-owner=proj/dev/dns", "team=dns"]);
        });
    });

    it("reads a listener by its id alone, as UdpListener.get asks, and an absent one as gone", async () => {
        await create({ ...base, healthCheckReq: "ping" });
        const read = await fx.provider.read!(id, {}) as { id: string; props: Props };
        expect(read.id).to.equal(id);
        expect(read.props).to.include({ loadBalancerId: fx.lbId, listenerPort: PORT, backendServerPort: 5353, healthCheckReq: "ping", status: "running" });
        expect(read.props.tags).to.deep.equal({ team: "dns" });
        expect((await fx.provider.read!(`${fx.lbId}:udp:54`, {})).id).to.equal(undefined);
        const wrong = await fx.provider.read!(`${fx.lbId}:tcp:${PORT}`, {}).then(() => undefined, (e: Error) => e);
        expect(wrong?.message).to.contain(`<loadBalancerId>:udp:<port>`);
    });

    it("honours ignoreChanges and replaceOnChanges handed over in __program", async () => {
        const ignoring = { ...base, healthCheckReq: "ping", ...asResource("proj", "dev", "dns", { ignoreChanges: ["healthCheckReq"], replaceOnChanges: ["healthyThreshold"] }, UDP) };
        const created = await create(ignoring);
        await fx.slb.call(SET, { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: PORT, healthCheckReq: "byhand" });
        await settle();
        const { result: diff, lines } = await fx.stderrOf(() => previewDiff(fx.provider, created, ignoring));
        expect(diff).to.deep.include({ changes: false });
        expect(lines).to.deep.equal([`${id}: healthCheckReq is "byhand", want "ping" (left as it is: ignoreChanges)`]);
        const replaced = await quietly(() => fx.provider.diff(created.id, created.outs, { ...ignoring, healthyThreshold: 5 }));
        expect(replaced).to.deep.include({ replaces: ["healthyThreshold"], deleteBeforeReplace: true });
    });

    it("refuses TCP's settings and UDP's reserved ports during check(), naming the input", async () => {
        const checked = await fx.provider.check({}, { ...base, listenerPort: 4789, healthCheckType: "tcp" });
        expect(checked.failures?.map((f) => f.property)).to.deep.equal(["healthCheckType", "listenerPort"]);
        expect(checked.failures?.[0].reason).to.contain("not a property of UdpListener");
    });
});
