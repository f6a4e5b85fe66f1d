// The SLB model driven directly: dispatch, regions/accounts, load balancers, snapshot/restore/reset,
// timings and onChange. Listener, group, ACL, tag and status-machine rules have their own model-*.test.ts.
import { expect } from "chai";
import { ApiError } from "../../emulator/errors";
import { ACTIONS, createSlbModel } from "../../emulator/model";
import { ACCOUNT, Harness, REGION, expectApiError, harness } from "./model-harness";

const REQUIRED_ACTIONS = [
    "CreateLoadBalancer", "DescribeLoadBalancerAttribute", "DescribeLoadBalancers", "DeleteLoadBalancer",
    "CreateLoadBalancerTCPListener", "DescribeLoadBalancerTCPListenerAttribute", "SetLoadBalancerTCPListenerAttribute",
    "StartLoadBalancerListener", "StopLoadBalancerListener", "DeleteLoadBalancerListener", "DescribeLoadBalancerListeners",
    "CreateVServerGroup", "DeleteVServerGroup", "DescribeVServerGroups", "CreateMasterSlaveServerGroup", "DeleteMasterSlaveServerGroup",
    "CreateAccessControlList", "DeleteAccessControlList", "AddAccessControlListEntry", "DescribeAccessControlLists",
    "TagResources", "UntagResources", "ListTagResources",
];

describe("model: dispatch", () => {
    let h: Harness;
    beforeEach(() => (h = harness()));

    it("implements every required action and lists them in ACTIONS", () => {
        for (const a of REQUIRED_ACTIONS) {
            expect(ACTIONS).to.include(a);
            expect(h.model.hasAction(a), a).to.equal(true);
        }
        expect(h.model.hasAction("toString")).to.equal(false);
        expect(h.model.hasAction("CreateLoadBalancerHTTPListener")).to.equal(false);
    });

    it("answers unknown actions with 404 InvalidAction.NotFound", async () => {
        expectApiError(await h.fail("NoSuchAction"), 404, "InvalidAction.NotFound");
        expectApiError(await h.fail("__proto__"), 404, "InvalidAction.NotFound");
    });

    it("answers every action without RegionId with MissingRegionId", async () => {
        for (const a of ACTIONS) expectApiError(await h.fail(a, {}, { region: "" }), 400, "MissingRegionId");
    });

    it("answers an unknown region with 404 InvalidRegionId.NotFound", async () => {
        expectApiError(await h.fail("DescribeLoadBalancers", {}, { region: "mars-north-1" }), 404, "InvalidRegionId.NotFound");
        expectApiError(await h.fail("DescribeLoadBalancers", {}, { region: "__proto__" }), 404, "InvalidRegionId.NotFound");
    });

    it("accepts params objects of any shape without throwing non-ApiErrors", async () => {
        const m = createSlbModel({ timings: { changeMs: 0 } });
        const base = { action: "DescribeLoadBalancers", accountId: "a", regionId: REGION, now: 0, requestId: "r" };
        for (const params of [null, undefined, 42, "x", [], { LoadBalancerId: 5 }, { PageSize: { a: 1 } }, JSON.parse('{"__proto__": {"x": 1}}')]) {
            try {
                await m.handle({ ...base, params: params as never });
            } catch (e) {
                expect(e).to.be.instanceOf(ApiError);
                expect((e as ApiError).status).to.be.within(400, 499);
            }
        }
    });
});

describe("model: accounts and regions", () => {
    let h: Harness;
    beforeEach(() => (h = harness()));

    it("keeps state per region: an LB made in cn-hangzhou does not exist in cn-beijing", async () => {
        const id = await h.lb();
        await h.call("DescribeLoadBalancerAttribute", { LoadBalancerId: id });
        expectApiError(await h.fail("DescribeLoadBalancerAttribute", { LoadBalancerId: id }, { region: "cn-beijing" }),
            404, "InvalidLoadBalancerId.NotFound", "The specified LoadBalancerId does not exist.");
        expectApiError(await h.fail("CreateLoadBalancerTCPListener",
            { LoadBalancerId: id, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1 }, { region: "cn-beijing" }), 404, "InvalidLoadBalancerId.NotFound");
        expect((await h.call("DescribeLoadBalancers", {}, { region: "cn-beijing" })).TotalCount).to.equal(0);
    });

    it("keeps state per account", async () => {
        const id = await h.lb();
        expectApiError(await h.fail("DeleteLoadBalancer", { LoadBalancerId: id }, { account: "other" }), 404, "InvalidLoadBalancerId.NotFound");
        expect((await h.call("DescribeLoadBalancers", {}, { account: "other" })).TotalCount).to.equal(0);
    });

    it("does not materialise empty regions on reads", async () => {
        await h.call("DescribeLoadBalancers", {}, { region: "cn-shanghai" });
        expect(h.model.snapshot()).to.deep.equal({ version: 1, accounts: {} });
    });
});

describe("model: load balancers", () => {
    let h: Harness;
    beforeEach(() => (h = harness()));

    it("creates an LB with a real-looking id and documented defaults", async () => {
        const r = await h.call("CreateLoadBalancer", { LoadBalancerName: "web-lb" });
        expect(r.LoadBalancerId).to.match(/^lb-[a-z0-9]{20}$/);
        expect(r).to.include({ LoadBalancerName: "web-lb", AddressIPVersion: "ipv4", NetworkType: "classic" });
        expect(r.Address).to.match(/^\d+\.\d+\.\d+\.\d+$/);
        const d = await h.call("DescribeLoadBalancerAttribute", { LoadBalancerId: r.LoadBalancerId });
        expect(d).to.include({
            LoadBalancerId: r.LoadBalancerId, LoadBalancerName: "web-lb", LoadBalancerStatus: "active", RegionId: REGION,
            AddressType: "internet", PayType: "PayOnDemand", InternetChargeType: "paybytraffic", InstanceChargeType: "PayBySpec",
            DeleteProtection: "off", CreateTimeStamp: h.clock.now,
        });
        expect(d.LoadBalancerSpec).to.equal(undefined);
        expect(d.Tags).to.deep.equal({ Tag: [] });
        expect(d.ListenerPorts).to.deep.equal({ ListenerPort: [] });
        expect(d.CreateTime).to.match(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    });

    it("auto-names, derives intranet/vpc from VSwitchId and records the spec", async () => {
        const r = await h.call("CreateLoadBalancer", { VSwitchId: "vsw-abc123", LoadBalancerSpec: "slb.s2.small" });
        expect(r).to.include({ LoadBalancerName: "auto_named_slb", NetworkType: "vpc", VSwitchId: "vsw-abc123" });
        expect(r.VpcId).to.match(/^vpc-/);
        const d = await h.call("DescribeLoadBalancerAttribute", { LoadBalancerId: r.LoadBalancerId });
        expect(d).to.include({ AddressType: "intranet", LoadBalancerSpec: "slb.s2.small" });
    });

    it("lists listener ports and protocols in DescribeLoadBalancerAttribute", async () => {
        const id = await h.lb();
        await h.tcp(id, 443, { Description: "tls" });
        await h.tcp(id, 80);
        h.seedListener(id, "udp", 80);
        const d = await h.call("DescribeLoadBalancerAttribute", { LoadBalancerId: id });
        expect(d.ListenerPorts).to.deep.equal({ ListenerPort: [80, 443] });
        expect(d.ListenerPortsAndProtocal.ListenerPortAndProtocal).to.deep.equal([
            { ListenerPort: 80, ListenerProtocal: "tcp" }, { ListenerPort: 80, ListenerProtocal: "udp" }, { ListenerPort: 443, ListenerProtocal: "tcp" },
        ]);
        expect(d.ListenerPortsAndProtocol.ListenerPortAndProtocol[2]).to.deep.equal({ ListenerPort: 443, ListenerProtocol: "tcp", Description: "tls" });
        expect(d.BackendServers).to.deep.equal({ BackendServer: [] });
    });

    it("validates CreateLoadBalancer parameters", async () => {
        const bad: [Record<string, string>, string][] = [
            [{ LoadBalancerName: "1starts-with-digit" }, "LoadBalancerName"],
            [{ LoadBalancerName: "x".repeat(81) }, "LoadBalancerName"],
            [{ LoadBalancerName: "" }, "LoadBalancerName"],
            [{ AddressType: "public" }, "AddressType"],
            [{ AddressIPVersion: "ipv5" }, "AddressIPVersion"],
            [{ LoadBalancerSpec: "slb.s9.huge" }, "LoadBalancerSpec"],
            [{ InternetChargeType: "free" }, "InternetChargeType"],
            [{ Bandwidth: "0" }, "Bandwidth"],
            [{ Bandwidth: "ten" }, "Bandwidth"],
            [{ PayType: "PrePay" }, "PayType"],
            [{ DeleteProtection: "yes" }, "DeleteProtection"],
            [{ VSwitchId: "subnet-1" }, "VSwitchId"],
            [{ Address: "10.0.0.1" }, "Address"],
            [{ AddressType: "intranet", VSwitchId: "vsw-a", Address: "10.0.0.300" }, "Address"],
        ];
        for (const [params, name] of bad) {
            expectApiError(await h.fail("CreateLoadBalancer", params), 400, "InvalidParameter", `"${name}"`);
        }
        expectApiError(await h.fail("CreateLoadBalancer", { InternetChargeType: "paybybandwidth" }), 400, "MissingParameter", "Bandwidth");
        expectApiError(await h.fail("CreateLoadBalancer", { VpcId: "vpc-a" }), 400, "MissingParameter", "VSwitchId");
    });

    it("honours ClientToken idempotency", async () => {
        const a = await h.call("CreateLoadBalancer", { ClientToken: "tok-1" });
        const b = await h.call("CreateLoadBalancer", { ClientToken: "tok-1" });
        const c = await h.call("CreateLoadBalancer", { ClientToken: "tok-2" });
        expect(b.LoadBalancerId).to.equal(a.LoadBalancerId);
        expect(c.LoadBalancerId).to.not.equal(a.LoadBalancerId);
        expect((await h.call("DescribeLoadBalancers")).TotalCount).to.equal(2);
    });

    it("filters and pages DescribeLoadBalancers", async () => {
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) ids.push(await h.lb({ LoadBalancerName: `lb${i}`, "Tag.1.Key": "n", "Tag.1.Value": String(i % 2) }));
        const all = await h.call("DescribeLoadBalancers");
        expect(all).to.include({ TotalCount: 5, PageNumber: 1, PageSize: 10 });
        expect(all.LoadBalancers.LoadBalancer.map((l: { LoadBalancerId: string }) => l.LoadBalancerId)).to.deep.equal(ids);
        const some = await h.call("DescribeLoadBalancers", { LoadBalancerId: `${ids[1]},${ids[3]},lb-missing` });
        expect(some.TotalCount).to.equal(2);
        const p2 = await h.call("DescribeLoadBalancers", { PageSize: 2, PageNumber: 2 });
        expect(p2.LoadBalancers.LoadBalancer.map((l: { LoadBalancerId: string }) => l.LoadBalancerId)).to.deep.equal(ids.slice(2, 4));
        expect((await h.call("DescribeLoadBalancers", { LoadBalancerName: "lb3" })).TotalCount).to.equal(1);
        expect((await h.call("DescribeLoadBalancers", { "Tag.1.Key": "n", "Tag.1.Value": "1" })).TotalCount).to.equal(2);
        const row = all.LoadBalancers.LoadBalancer[0];
        expect(row).to.include({ LoadBalancerName: "lb0", LoadBalancerStatus: "active", RegionId: REGION });
        expect(row.Tags).to.deep.equal({ Tag: [{ TagKey: "n", TagValue: "0" }] });
        expectApiError(await h.fail("DescribeLoadBalancers", { PageSize: 101 }), 400, "InvalidParameter", "PageSize");
        expectApiError(await h.fail("DescribeLoadBalancers", { PageNumber: 0 }), 400, "InvalidParameter", "PageNumber");
        expectApiError(await h.fail("DescribeLoadBalancers", { LoadBalancerId: "a,,b" }), 400, "InvalidParameter", "LoadBalancerId");
    });

    it("DeleteLoadBalancer removes its listeners, groups and tags", async () => {
        const id = await h.lb({ "Tag.1.Key": "k" });
        await h.tcp(id, 80, { "Tag.1.Key": "lk" });
        await h.call("CreateVServerGroup", { LoadBalancerId: id });
        await h.call("DeleteLoadBalancer", { LoadBalancerId: id });
        expectApiError(await h.fail("DescribeLoadBalancerAttribute", { LoadBalancerId: id }), 404, "InvalidLoadBalancerId.NotFound");
        expectApiError(await h.fail("DescribeVServerGroups", { LoadBalancerId: id }), 404, "InvalidLoadBalancerId.NotFound");
        const tags = await h.call("ListTagResources", { ResourceType: "listener", "ResourceId.1": `${id}_tcp_80` });
        expect(tags.TagResources.TagResource).to.deep.equal([]);
        expect((await h.call("ListTagResources", { ResourceType: "instance", "Tag.1.Key": "k" })).TagResources.TagResource).to.deep.equal([]);
        expectApiError(await h.fail("DeleteLoadBalancer", { LoadBalancerId: id }), 404, "InvalidLoadBalancerId.NotFound");
        expectApiError(await h.fail("DeleteLoadBalancer", {}), 400, "MissingParameter", "LoadBalancerId");
    });

    it("refuses to delete an LB with delete protection until it is turned off", async () => {
        const id = await h.lb({ DeleteProtection: "on" });
        expectApiError(await h.fail("DeleteLoadBalancer", { LoadBalancerId: id }), 400, "OperationDenied.DeleteProtection");
        await h.call("SetLoadBalancerDeleteProtection", { LoadBalancerId: id, DeleteProtection: "off" });
        await h.call("DeleteLoadBalancer", { LoadBalancerId: id });
    });
});

describe("model: snapshot, restore, reset, timings, onChange", () => {
    it("snapshots are JSON-safe and restore into a fresh model, mid-transition included", async () => {
        const h = harness({ transitionMs: 1000, changeMs: 0 });
        const id = await h.lb();
        await h.tcp(id, 80, { "Tag.1.Key": "a", "Tag.1.Value": "b" });
        await h.call("StartLoadBalancerListener", { LoadBalancerId: id, ListenerPort: 80 });
        const snap = h.model.snapshot();
        expect(JSON.parse(JSON.stringify(snap))).to.deep.equal(snap);

        const h2 = harness({ transitionMs: 1000, changeMs: 0 });
        h2.clock.now = h.clock.now;
        h2.model.restore(JSON.parse(JSON.stringify(snap)));
        expect(await h2.describe(id, 80)).to.deep.equal(await h.describe(id, 80));
        expect((await h2.describe(id, 80)).Status).to.equal("starting");
        h2.advance(1000);
        expect((await h2.describe(id, 80)).Status).to.equal("running");
    });

    it("the snapshot is a copy: mutating it does not change the model", async () => {
        const h = harness();
        const id = await h.lb();
        const snap = h.model.snapshot() as { accounts: Record<string, unknown> };
        snap.accounts = {};
        await h.call("DescribeLoadBalancerAttribute", { LoadBalancerId: id });
    });

    it("rejects malformed snapshots with an ApiError and keeps the old state", async () => {
        const h = harness();
        const id = await h.lb();
        for (const bad of [null, 1, "x", {}, { version: 2, accounts: {} }, { version: 1, accounts: { a: { [REGION]: { loadBalancers: { x: {} }, acls: {} } } } },
            { version: 1, accounts: { a: 5 } }, { version: 1, accounts: {}, big: BigInt(1) }]) {
            expect(() => h.model.restore(bad)).to.throw(ApiError);
        }
        await h.call("DescribeLoadBalancerAttribute", { LoadBalancerId: id });
        // Listener records are checked too, so a hand-edited state file cannot cause 500s later.
        await h.tcp(id, 80);
        const good = JSON.stringify(h.model.snapshot());
        const edits: ((l: Record<string, unknown>) => void)[] = [
            (l) => (l.tags = [null]), (l) => (l.bandwidth = "-1"), (l) => (l.status = "starting"), (l) => (l.aclIds = [1]),
            (l) => (l.transition = { status: "running", until: 1 }), (l) => (l.description = null),
        ];
        for (const edit of edits) {
            const snap = JSON.parse(good);
            edit(snap.accounts[ACCOUNT][REGION].loadBalancers[id].listeners["80/tcp"]);
            expect(() => h.model.restore(snap)).to.throw(ApiError, "malformed");
        }
        h.model.restore(JSON.parse(good));
        await h.describe(id, 80);
    });

    it("reset() clears all state", async () => {
        const h = harness();
        const id = await h.lb();
        h.model.reset();
        expectApiError(await h.fail("DescribeLoadBalancerAttribute", { LoadBalancerId: id }), 404, "InvalidLoadBalancerId.NotFound");
        expect(h.model.snapshot()).to.deep.equal({ version: 1, accounts: {} });
    });

    it("setTimings() validates and applies new timings", async () => {
        const h = harness({ transitionMs: 1000, changeMs: 0 });
        expect(() => h.model.setTimings({ changeMs: -1 })).to.throw(ApiError);
        expect(() => h.model.setTimings({ transitionMs: Number.NaN })).to.throw(ApiError);
        expect(() => h.model.setTimings({ transitionMs: "5" as unknown as number })).to.throw(ApiError);
        h.model.setTimings({ transitionMs: 10 });
        const id = await h.lb();
        await h.tcp(id, 80);
        await h.call("StartLoadBalancerListener", { LoadBalancerId: id, ListenerPort: 80 });
        h.advance(10);
        expect((await h.describe(id, 80)).Status).to.equal("running");
    });

    it("calls onChange after every mutation and not after reads or failures", async () => {
        const h = harness();
        let n = 0;
        h.model.onChange = () => void n++;
        const id = await h.lb();
        expect(n).to.equal(1);
        await h.tcp(id, 80);
        await h.call("TagResources", { ResourceType: "instance", "ResourceId.1": id, "Tag.1.Key": "k" });
        expect(n).to.equal(3);
        await h.call("DescribeLoadBalancerAttribute", { LoadBalancerId: id });
        await h.call("DescribeLoadBalancerListeners");
        await h.fail("CreateLoadBalancerTCPListener", { LoadBalancerId: id, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1 });
        await h.call("StopLoadBalancerListener", { LoadBalancerId: id, ListenerPort: 80 }); // no-op on a stopped listener
        expect(n).to.equal(3);
        h.model.onChange = () => {
            throw new Error("disk full");
        };
        await h.call("DeleteLoadBalancerListener", { LoadBalancerId: id, ListenerPort: 80 });
    });

    it("keeps the account map safe from prototype keys", async () => {
        const h = harness();
        await h.lb({}, { account: "__proto__" });
        expect(({} as Record<string, unknown>).loadBalancers).to.equal(undefined);
        expect((await h.call("DescribeLoadBalancers", {}, { account: "__proto__" })).TotalCount).to.equal(1);
        expect((await h.call("DescribeLoadBalancers", {}, { account: ACCOUNT })).TotalCount).to.equal(0);
    });
});
