// Server groups, ACLs, tags and DescribeLoadBalancerListeners in the model (reference §2.5, §2.9–§2.12).
import { expect } from "chai";
import { Harness, Params, expectApiError, harness } from "./model-harness";

const servers = (list: unknown) => JSON.stringify(list);
const MS_OK = [
    { ServerId: "i-m", Port: 80, Weight: 100, ServerType: "Master" },
    { ServerId: "i-s", Port: "80", Weight: "50", ServerType: "Slave", Description: "standby" },
];

describe("model: vServer groups", () => {
    let h: Harness;
    let lbId: string;
    beforeEach(async () => {
        h = harness();
        lbId = await h.lb();
    });

    it("creates a group from the BackendServers JSON string, with defaults and a real-looking id", async () => {
        const r = await h.call("CreateVServerGroup", {
            LoadBalancerId: lbId, VServerGroupName: "web",
            BackendServers: servers([{ ServerId: "i-a1", Port: 80 }, { ServerId: "eni-b2", Port: "8080", Weight: "0", Type: "eni", ServerIp: "10.0.0.5", Description: "b" }]),
        });
        expect(r.VServerGroupId).to.match(/^rsp-[a-z0-9]{13}$/);
        expect(r.BackendServers).to.deep.equal({
            BackendServer: [
                { ServerId: "i-a1", Port: 80, Weight: 100, Type: "ecs", Description: "" },
                { ServerId: "eni-b2", Port: 8080, Weight: 0, Type: "eni", Description: "b", ServerIp: "10.0.0.5" },
            ],
        });
        const d = await h.call("DescribeVServerGroups", { LoadBalancerId: lbId });
        expect(d.VServerGroups.VServerGroup).to.have.length(1);
        expect(d.VServerGroups.VServerGroup[0]).to.include({ VServerGroupId: r.VServerGroupId, VServerGroupName: "web", ServerCount: 2 });
        const attr = await h.call("DescribeVServerGroupAttribute", { VServerGroupId: r.VServerGroupId });
        expect(attr.BackendServers).to.deep.equal(r.BackendServers);
        expect(attr.LoadBalancerId).to.equal(lbId);
    });

    it("rejects malformed BackendServers with InvalidParameter", async () => {
        const bad = [
            "not json", "{}", '"str"', servers([1]), servers([{ Port: 80 }]), servers([{ ServerId: "i-a" }]),
            servers([{ ServerId: "i-a", Port: 0 }]), servers([{ ServerId: "i-a", Port: "x" }]), servers([{ ServerId: "i-a", Port: 80, Weight: 101 }]),
            servers([{ ServerId: "i-a", Port: 80, Weight: -1 }]), servers([{ ServerId: "i-a", Port: 80, Type: "vm" }]),
            servers([{ ServerId: "i-a", Port: 80, Type: "eni" }]), servers([{ ServerId: "eni-a", Port: 80, Type: "eni", ServerIp: "999.1.1.1" }]),
            servers([{ ServerId: "vm-1", Port: 80 }]), servers([{ ServerId: 5, Port: 80 }]),
            servers([{ ServerId: "i-a", Port: 80 }, { ServerId: "i-a", Port: 80 }]), servers([{ ServerId: "i-a", Port: 80, Description: "d".repeat(81) }]),
            servers(Array.from({ length: 21 }, (_, i) => ({ ServerId: `i-${i}`, Port: 80 }))), "",
        ];
        for (const b of bad) {
            expectApiError(await h.fail("CreateVServerGroup", { LoadBalancerId: lbId, BackendServers: b }), 400, "InvalidParameter", "BackendServers");
        }
        expectApiError(await h.fail("CreateVServerGroup", { LoadBalancerId: "lb-none" }), 404, "InvalidLoadBalancerId.NotFound");
        expectApiError(await h.fail("CreateVServerGroup", {}), 400, "MissingParameter", "LoadBalancerId");
        expect((await h.call("DescribeVServerGroups", { LoadBalancerId: lbId })).VServerGroups.VServerGroup).to.deep.equal([]);
    });

    it("refuses to delete a group in use (RspoolVipExist) and deletes it once detached", async () => {
        const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        await h.call("CreateLoadBalancerTCPListener", { LoadBalancerId: lbId, ListenerPort: 80, Bandwidth: -1, BackendServerPort: 80, VServerGroupId: rsp });
        const withListeners = await h.call("DescribeVServerGroups", { LoadBalancerId: lbId, IncludeListener: true });
        expect(withListeners.VServerGroups.VServerGroup[0].AssociatedObjects.Listeners).to.deep.equal({ Listener: [{ Protocol: "tcp", Port: 80 }] });
        expectApiError(await h.fail("DeleteVServerGroup", { VServerGroupId: rsp }), 400, "RspoolVipExist");
        await h.call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, VServerGroup: "off" });
        await h.call("DeleteVServerGroup", { VServerGroupId: rsp });
        expectApiError(await h.fail("DeleteVServerGroup", { VServerGroupId: rsp }), 404, "InvalidParameter", "The specified VServerGroupId does not exist.");
        expectApiError(await h.fail("DeleteVServerGroup", {}), 400, "MissingParameter", "VServerGroupId");
    });

    it("keeps groups per region", async () => {
        const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        expectApiError(await h.fail("DeleteVServerGroup", { VServerGroupId: rsp }, { region: "cn-beijing" }), 404, "InvalidParameter");
    });
});

describe("model: master-slave server groups", () => {
    let h: Harness;
    let lbId: string;
    beforeEach(async () => {
        h = harness();
        lbId = await h.lb();
    });

    it("creates a group of one Master and one Slave", async () => {
        const r = await h.call("CreateMasterSlaveServerGroup", { LoadBalancerId: lbId, MasterSlaveServerGroupName: "ms", MasterSlaveBackendServers: servers(MS_OK) });
        expect(r.MasterSlaveServerGroupId).to.match(/^rsp-[a-z0-9]{13}$/);
        expect(r.MasterSlaveBackendServers).to.deep.equal({
            MasterSlaveBackendServer: [
                { ServerId: "i-m", Port: 80, Weight: 100, Type: "ecs", Description: "", ServerType: "Master" },
                { ServerId: "i-s", Port: 80, Weight: 50, Type: "ecs", Description: "standby", ServerType: "Slave" },
            ],
        });
    });

    it("answers the documented codes for bad server lists", async () => {
        const cases: [string | undefined, string][] = [
            [undefined, "BACKEND_SERVERS_NUM_MUST_BE_TWO"],
            [servers([MS_OK[0]]), "BACKEND_SERVERS_NUM_MUST_BE_TWO"],
            [servers([...MS_OK, { ServerId: "i-x", Port: 80, ServerType: "Slave" }]), "BACKEND_SERVERS_NUM_MUST_BE_TWO"],
            [servers([MS_OK[0], { ...MS_OK[1], ServerType: "Master" }]), "BACKEND_SERVERS_CAN_ONLY_CONTAIN_ONE_MASTER_AND_ONE_SLAVE"],
            [servers([MS_OK[0], { ...MS_OK[1], ServerId: "i-m" }]), "BACKEND_SERVERS_HAVE_SAME_PORT_AND_SERVERID"],
            [servers([MS_OK[0], { Port: 80, ServerType: "Slave" }]), "BACKEND_SERVER_ID_CAN_NOT_EMPTY"],
            [servers([MS_OK[0], { ServerId: "i-s", ServerType: "Slave" }]), "BACKEND_SERVER_PORT_CAN_NOT_EMPTY"],
            [servers([MS_OK[0], { ServerId: "i-s", Port: 80, ServerType: "Backup" }]), "INVALID_SERVER_TYPE"],
            [servers([MS_OK[0], { ServerId: "i-s", Port: 80 }]), "INVALID_SERVER_TYPE"],
            ["[[", "InvalidParameter"],
            [servers({ a: 1 }), "InvalidParameter"],
        ];
        for (const [list, code] of cases) {
            expectApiError(await h.fail("CreateMasterSlaveServerGroup", { LoadBalancerId: lbId, MasterSlaveBackendServers: list }), 400, code);
        }
    });

    it("deletes unused groups and refuses groups in use", async () => {
        const ms = (await h.call("CreateMasterSlaveServerGroup", { LoadBalancerId: lbId, MasterSlaveBackendServers: servers(MS_OK) })).MasterSlaveServerGroupId;
        await h.call("CreateLoadBalancerTCPListener", { LoadBalancerId: lbId, ListenerPort: 80, Bandwidth: -1, BackendServerPort: 80, MasterSlaveServerGroupId: ms });
        expectApiError(await h.fail("DeleteMasterSlaveServerGroup", { MasterSlaveServerGroupId: ms }), 400, "RspoolVipExist");
        await h.call("DeleteLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80 });
        await h.call("DeleteMasterSlaveServerGroup", { MasterSlaveServerGroupId: ms });
        expectApiError(await h.fail("DeleteMasterSlaveServerGroup", { MasterSlaveServerGroupId: ms }), 400, "InvalidParameter",
            "The specified MasterSlaveGroupId does not exist");
    });
});

describe("model: access control lists", () => {
    let h: Harness;
    beforeEach(() => (h = harness()));

    it("creates, lists, fills and deletes ACLs", async () => {
        const id = (await h.call("CreateAccessControlList", { AclName: "office-ips", "Tag.1.Key": "k", "Tag.1.Value": "v" })).AclId;
        expect(id).to.match(/^acl-[a-z0-9]{20}$/);
        const v6 = (await h.call("CreateAccessControlList", { AclName: "v6", AddressIPVersion: "ipv6" })).AclId;
        const list = await h.call("DescribeAccessControlLists");
        expect(list).to.include({ TotalCount: 2, Count: 2, PageNumber: 1, PageSize: 50 });
        expect(list.Acls.Acl[0]).to.include({ AclId: id, AclName: "office-ips", AddressIPVersion: "ipv4" });
        expect(list.Acls.Acl[0].Tags).to.deep.equal({ Tag: [{ TagKey: "k", TagValue: "v" }] });
        expect((await h.call("DescribeAccessControlLists", { AclName: "office" })).TotalCount).to.equal(1);
        expect((await h.call("DescribeAccessControlLists", { AddressIPVersion: "ipv6" })).Acls.Acl[0].AclId).to.equal(v6);
        expect((await h.call("DescribeAccessControlLists", { "Tag.1.Key": "k" })).TotalCount).to.equal(1);
        expect((await h.call("DescribeAccessControlLists", {}, { region: "cn-beijing" })).TotalCount).to.equal(0);

        await h.call("AddAccessControlListEntry", { AclId: id, AclEntrys: JSON.stringify([{ entry: "10.0.0.0/8", comment: "lan" }, { entry: "192.168.1.1" }]) });
        await h.call("AddAccessControlListEntry", { AclId: id, AclEntrys: JSON.stringify([{ entry: "10.0.0.0/8", comment: "dup skipped" }, { entry: "1.2.3.0/24" }, { entry: "1.2.3.0/24" }]) });
        await h.call("AddAccessControlListEntry", { AclId: v6, AclEntrys: JSON.stringify([{ entry: "2001:db8::/32" }]) });
        const attr = await h.call("DescribeAccessControlListAttribute", { AclId: id });
        expect(attr.AclEntrys.AclEntry).to.deep.equal([
            { AclEntryIP: "10.0.0.0/8", AclEntryComment: "lan" }, { AclEntryIP: "192.168.1.1", AclEntryComment: "" },
            { AclEntryIP: "1.2.3.0/24", AclEntryComment: "" },
        ]);

        await h.call("DeleteAccessControlList", { AclId: id });
        expectApiError(await h.fail("DeleteAccessControlList", { AclId: id }), 400, "AclNotExist");
        expectApiError(await h.fail("AddAccessControlListEntry", { AclId: id, AclEntrys: "[]" }), 400, "InvalidParameter", "AclEntrys");
        expectApiError(await h.fail("AddAccessControlListEntry", { AclId: id, AclEntrys: JSON.stringify([{ entry: "1.1.1.1" }]) }), 400, "AclNotExist");
    });

    it("validates names and entries", async () => {
        expectApiError(await h.fail("CreateAccessControlList", {}), 400, "MissingParameter", "AclName");
        expectApiError(await h.fail("CreateAccessControlList", { AclName: "x".repeat(81) }), 400, "InvalidParameter", "AclName");
        expectApiError(await h.fail("CreateAccessControlList", { AclName: "bad name!" }), 400, "InvalidParameter", "AclName");
        expectApiError(await h.fail("CreateAccessControlList", { AclName: "a", AddressIPVersion: "v4" }), 400, "InvalidParameter", "AddressIPVersion");
        const id = (await h.call("CreateAccessControlList", { AclName: "a" })).AclId;
        expectApiError(await h.fail("CreateAccessControlList", { AclName: "a" }), 400, "AclNameExist");
        const bad = ["", "nope", "{}", JSON.stringify([{ entry: "10.0.0.0/33" }]), JSON.stringify([{ entry: "300.0.0.1" }]),
            JSON.stringify([{ entry: "2001:db8::/32" }]), JSON.stringify([{ comment: "no entry" }]), JSON.stringify(["10.0.0.1"]),
            JSON.stringify([{ entry: "10.0.0.1", comment: "c".repeat(101) }]), JSON.stringify([{ entry: "10.0.0.1/8/8" }]),
            JSON.stringify(Array.from({ length: 51 }, (_, i) => ({ entry: `10.0.${i}.0/24` })))];
        for (const b of bad) {
            const e = await h.fail("AddAccessControlListEntry", { AclId: id, AclEntrys: b });
            expect(e.code).to.be.oneOf(["InvalidParameter", "MissingParameter"]);
            expect(e.message).to.include("AclEntrys");
        }
        expectApiError(await h.fail("AddAccessControlListEntry", { AclEntrys: "[]" }), 400, "MissingParameter", "AclId");
    });

    it("limits ACLs per region and entries per ACL", async () => {
        for (let i = 0; i < 50; i++) await h.call("CreateAccessControlList", { AclName: `acl${i}` });
        expectApiError(await h.fail("CreateAccessControlList", { AclName: "one-too-many" }), 400, "QuotaExceeded.AclNumber");
        await h.call("CreateAccessControlList", { AclName: "one-too-many" }, { region: "cn-beijing" });
        const id = (await h.call("DescribeAccessControlLists", { AclName: "acl0" })).Acls.Acl[0].AclId;
        for (let b = 0; b < 6; b++) {
            const entries = Array.from({ length: 50 }, (_, i) => ({ entry: `10.${b}.${i}.0/24` }));
            await h.call("AddAccessControlListEntry", { AclId: id, AclEntrys: JSON.stringify(entries) });
        }
        expectApiError(await h.fail("AddAccessControlListEntry", { AclId: id, AclEntrys: JSON.stringify([{ entry: "11.0.0.0/8" }]) }),
            400, "QuotaExceeded.AclEntryNumber");
    });

    it("refuses to delete an ACL attached to a listener (AclInUsed)", async () => {
        const lbId = await h.lb();
        const id = (await h.call("CreateAccessControlList", { AclName: "a" })).AclId;
        await h.tcp(lbId, 80, { AclStatus: "on", AclType: "black", AclId: id });
        expectApiError(await h.fail("DeleteAccessControlList", { AclId: id }), 400, "AclInUsed");
        const attr = await h.call("DescribeAccessControlListAttribute", { AclId: id });
        expect(attr.RelatedListeners.RelatedListener).to.deep.equal([{ LoadBalancerId: lbId, ListenerPort: 80, Protocol: "tcp", AclType: "black" }]);
        await h.call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, AclStatus: "off" });
        await h.call("DeleteAccessControlList", { AclId: id });
    });
});

describe("model: tags", () => {
    let h: Harness;
    let lbId: string;
    let listenerId: string;
    const tag = (type: string, id: string, tags: Params) => h.call("TagResources", { ResourceType: type, "ResourceId.1": id, ...tags });
    const list = async (params: Params) => (await h.call("ListTagResources", params)).TagResources.TagResource;

    beforeEach(async () => {
        h = harness();
        lbId = await h.lb();
        await h.tcp(lbId, 80);
        listenerId = `${lbId}_tcp_80`;
    });

    it("tags every resource type and lists one row per resource and tag", async () => {
        const acl = (await h.call("CreateAccessControlList", { AclName: "a" })).AclId;
        const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        const ms = (await h.call("CreateMasterSlaveServerGroup", { LoadBalancerId: lbId, MasterSlaveBackendServers: servers(MS_OK) })).MasterSlaveServerGroupId;
        for (const [type, id] of [["instance", lbId], ["listener", listenerId], ["acl", acl], ["vservergroup", rsp], ["masterslaveservergroup", ms]]) {
            await tag(type, id, { "Tag.1.Key": "env", "Tag.1.Value": type, "Tag.2.Key": "team" });
            expect(await list({ ResourceType: type, "ResourceId.1": id }), type).to.deep.equal([
                { ResourceId: id, ResourceType: type, TagKey: "env", TagValue: type },
                { ResourceId: id, ResourceType: type, TagKey: "team", TagValue: "" },
            ]);
        }
        expect((await h.describe(lbId, 80)).Tags).to.deep.equal({ Tag: [{ TagKey: "env", TagValue: "listener" }, { TagKey: "team", TagValue: "" }] });
        const summary = (await h.call("DescribeLoadBalancerListeners")).Listeners[0];
        expect(summary.Tags).to.deep.equal([{ TagKey: "env", TagValue: "listener" }, { TagKey: "team", TagValue: "" }]);
        expect((await h.call("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId })).Tags.Tag).to.have.length(2);
    });

    it("overwrites existing keys, enforces 20 tags per resource, and untags by key or all", async () => {
        await tag("listener", listenerId, { "Tag.1.Key": "a", "Tag.1.Value": "1" });
        await tag("listener", listenerId, { "Tag.1.Key": "a", "Tag.1.Value": "2", "Tag.2.Key": "b" });
        expect(await list({ ResourceType: "listener", "ResourceId.1": listenerId })).to.have.length(2);
        expect((await list({ ResourceType: "listener", "ResourceId.1": listenerId }))[0].TagValue).to.equal("2");
        const many: Params = {};
        for (let i = 1; i <= 19; i++) many[`Tag.${i}.Key`] = `k${i}`;
        expectApiError(await h.fail("TagResources", { ResourceType: "listener", "ResourceId.1": listenerId, ...many }), 400, "TagCountLimit");
        expect(await list({ ResourceType: "listener", "ResourceId.1": listenerId })).to.have.length(2);
        await h.call("UntagResources", { ResourceType: "listener", "ResourceId.1": listenerId, "TagKey.1": "a", "TagKey.2": "missing" });
        expect((await list({ ResourceType: "listener", "ResourceId.1": listenerId })).map((r: { TagKey: string }) => r.TagKey)).to.deep.equal(["b"]);
        await h.call("UntagResources", { ResourceType: "listener", "ResourceId.1": listenerId }); // neither TagKey nor All: nothing removed
        expect(await list({ ResourceType: "listener", "ResourceId.1": listenerId })).to.have.length(1);
        await h.call("UntagResources", { ResourceType: "listener", "ResourceId.1": listenerId, All: true });
        expect(await list({ ResourceType: "listener", "ResourceId.1": listenerId })).to.deep.equal([]);
    });

    it("validates TagResources / UntagResources", async () => {
        expectApiError(await h.fail("TagResources", { "ResourceId.1": lbId, "Tag.1.Key": "k" }), 400, "MissingParameter", "ResourceType");
        expectApiError(await h.fail("TagResources", { ResourceType: "server", "ResourceId.1": lbId, "Tag.1.Key": "k" }), 400, "InvalidParameter", "ResourceType");
        expectApiError(await h.fail("TagResources", { ResourceType: "instance", "Tag.1.Key": "k" }), 400, "MissingParameter", "ResourceId");
        expectApiError(await h.fail("TagResources", { ResourceType: "instance", "ResourceId.1": lbId }), 400, "MissingParameter", "Tag.1.Key");
        expectApiError(await h.fail("TagResources", { ResourceType: "instance", "ResourceId.1": "lb-none", "Tag.1.Key": "k" }), 404, "InvalidResourceId.NotFound");
        expectApiError(await h.fail("TagResources", { ResourceType: "listener", "ResourceId.1": `${lbId}_tcp_81`, "Tag.1.Key": "k" }), 404, "InvalidResourceId.NotFound");
        expectApiError(await h.fail("TagResources", { ResourceType: "listener", "ResourceId.1": lbId, "Tag.1.Key": "k" }), 404, "InvalidResourceId.NotFound");
        expectApiError(await h.fail("TagResources", { ResourceType: "instance", "ResourceId.1": lbId, "Tag.1.Key": "aliyun:x" }), 400, "InvalidParam.TagKey");
        expectApiError(await h.fail("TagResources", { ResourceType: "instance", "ResourceId.1": lbId, "Tag.1.Key": "k", "Tag.1.Value": "https://x" }),
            400, "InvalidParam.TagValue");
        expectApiError(await h.fail("TagResources", { ResourceType: "instance", "ResourceId.1": lbId, "Tag.21.Key": "k" }), 400, "SizeLimitExceeded.Tag");
        expectApiError(await h.fail("TagResources", { ResourceType: "instance", "ResourceId.21": lbId, "Tag.1.Key": "k" }), 400, "InvalidParameter", "ResourceId");
        expectApiError(await h.fail("UntagResources", { ResourceType: "instance", "ResourceId.1": lbId, All: "yes" }), 400, "InvalidParameter", "All");
        // All-or-nothing: one unknown resource means no resource is tagged.
        await h.fail("TagResources", { ResourceType: "instance", "ResourceId.1": lbId, "ResourceId.2": "lb-none", "Tag.1.Key": "k" });
        expect(await list({ ResourceType: "instance", "ResourceId.1": lbId })).to.deep.equal([]);
    });

    it("filters ListTagResources by tags and pages with NextToken", async () => {
        const lbs = [lbId];
        for (let i = 0; i < 3; i++) lbs.push(await h.lb());
        const t: Params = {};
        for (let i = 1; i <= 20; i++) t[`Tag.${i}.Key`] = `k${i}`;
        for (const id of lbs) await tag("instance", id, t);
        await tag("instance", lbs[1], { "Tag.1.Key": "k1", "Tag.1.Value": "special" });
        const byKeyAndValue = await list({ ResourceType: "instance", "Tag.1.Key": "k1", "Tag.1.Value": "special" });
        expect(byKeyAndValue).to.have.length(20);
        expect(new Set(byKeyAndValue.map((r: { ResourceId: string }) => r.ResourceId))).to.deep.equal(new Set([lbs[1]]));
        expectApiError(await h.fail("ListTagResources", { ResourceType: "instance", "Tag.1.Value": "special" }), 400, "InvalidParam.TagKey");
        expectApiError(await h.fail("ListTagResources", { ResourceType: "instance" }), 400, "MissingParameter", "ResourceId");
        expectApiError(await h.fail("ListTagResources", { ResourceType: "instance", "Tag.1.Key": "k1", NextToken: "garbage" }), 400, "InvalidParameter", "NextToken");

        const rows: unknown[] = [];
        let token = "";
        let pages = 0;
        do {
            const r = await h.call("ListTagResources", { ResourceType: "instance", "Tag.1.Key": "k1", NextToken: token || undefined });
            rows.push(...r.TagResources.TagResource);
            token = r.NextToken;
            pages++;
        } while (token);
        expect(rows).to.have.length(80);
        expect(pages).to.equal(2);
        expect(await list({ ResourceType: "instance", "ResourceId.1": "lb-unknown" })).to.deep.equal([]);
    });
});

describe("model: DescribeLoadBalancerListeners", () => {
    let h: Harness;
    let a: string;
    let b: string;
    beforeEach(async () => {
        h = harness();
        a = await h.lb();
        b = await h.lb();
        await h.tcp(a, 80, { "Tag.1.Key": "tier", "Tag.1.Value": "web", Description: "web" });
        await h.tcp(a, 22);
        await h.tcp(b, 80, { "Tag.1.Key": "tier", "Tag.1.Value": "db" });
        h.seedListener(b, "udp", 53);
    });

    it("returns a plain Listeners array with TCPListenerConfig and string ProxyProtocolV2Enabled", async () => {
        const r = await h.call("DescribeLoadBalancerListeners", { "LoadBalancerId.1": a });
        expect(r).to.include({ TotalCount: 2, MaxResults: 20, NextToken: "" });
        expect(r.Listeners.map((l: { ListenerPort: number }) => l.ListenerPort)).to.deep.equal([22, 80]);
        expect(r.Listeners[1]).to.deep.equal({
            LoadBalancerId: a, ListenerPort: 80, ListenerProtocol: "tcp", BackendServerPort: 8080, Bandwidth: -1, Scheduler: "wrr",
            Status: "stopped", Description: "web", AclStatus: "off", Tags: [{ TagKey: "tier", TagValue: "web" }],
            TCPListenerConfig: {
                ConnectionDrain: "off", EstablishedTimeout: 900, HealthCheck: "on", HealthCheckType: "tcp", HealthCheckMethod: "tcp",
                HealthCheckConnectTimeout: 5, HealthCheckInterval: 2, HealthyThreshold: 3, UnhealthyThreshold: 3, HealthCheckDomain: "",
                HealthCheckURI: "/", HealthCheckHttpCode: "http_2xx", PersistenceTimeout: 0, ProxyProtocolV2Enabled: "false",
            },
        });
    });

    it("shows ACLs as plain arrays", async () => {
        const acl = (await h.call("CreateAccessControlList", { AclName: "x" })).AclId;
        await h.call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: a, ListenerPort: 22, AclStatus: "on", AclType: "white", AclId: acl });
        const l = (await h.call("DescribeLoadBalancerListeners", { "LoadBalancerId.1": a, ListenerPort: 22 })).Listeners[0];
        expect(l).to.include({ AclStatus: "on", AclType: "white", AclId: acl });
        expect(l.AclIds).to.deep.equal([acl]);
    });

    it("filters by load balancers, protocol, port, description and tags", async () => {
        const count = async (p: Params) => (await h.call("DescribeLoadBalancerListeners", p)).TotalCount;
        expect(await count({})).to.equal(4);
        expect(await count({ "LoadBalancerId.1": a, "LoadBalancerId.2": b })).to.equal(4);
        expect(await count({ "LoadBalancerId.1": b, "LoadBalancerId.2": "lb-unknown" })).to.equal(2);
        expect(await count({ ListenerProtocol: "udp" })).to.equal(1);
        expect(await count({ ListenerPort: 80 })).to.equal(2);
        expect(await count({ Description: "web" })).to.equal(1);
        expect(await count({ "Tag.1.Key": "tier" })).to.equal(2);
        expect(await count({ "Tag.1.Key": "tier", "Tag.1.Value": "db" })).to.equal(1);
        const udp = (await h.call("DescribeLoadBalancerListeners", { ListenerProtocol: "udp" })).Listeners[0];
        expect(udp).to.have.property("UDPListenerConfig");
        const none = await h.call("DescribeLoadBalancerListeners", { ListenerPort: 9999 });
        expect(none).to.deep.equal({ TotalCount: 0, MaxResults: 20, NextToken: "" });
    });

    it("pages with MaxResults and NextToken", async () => {
        const p1 = await h.call("DescribeLoadBalancerListeners", { MaxResults: 3 });
        expect(p1.Listeners).to.have.length(3);
        expect(p1.NextToken).to.be.a("string").and.not.equal("");
        const p2 = await h.call("DescribeLoadBalancerListeners", { MaxResults: 3, NextToken: p1.NextToken });
        expect(p2.Listeners).to.have.length(1);
        expect(p2.NextToken).to.equal("");
        expect(p2.TotalCount).to.equal(4);
    });

    it("validates its parameters", async () => {
        for (const [name, value] of [["MaxResults", "0"], ["MaxResults", "101"], ["ListenerProtocol", "TCP"], ["ListenerPort", "0"], ["NextToken", "abc"]]) {
            expectApiError(await h.fail("DescribeLoadBalancerListeners", { [name]: value }), 400, "InvalidParameter", name);
        }
        const eleven: Params = {};
        for (let i = 1; i <= 11; i++) eleven[`LoadBalancerId.${i}`] = a;
        expectApiError(await h.fail("DescribeLoadBalancerListeners", eleven), 400, "InvalidParameter", "LoadBalancerId");
        expectApiError(await h.fail("DescribeLoadBalancerListeners", { "LoadBalancerId.1": "" }), 400, "InvalidParameter", "LoadBalancerId");
        expectApiError(await h.fail("DescribeLoadBalancerListeners", { "Tag.1.Value": "x" }), 400, "InvalidParam.TagKey");
    });
});
