// Conformance of the emulated SLB API through the REAL @alicloud/openapi-client over HTTP, with both
// signature versions: every action is called and every documented error code is provoked at least once
// (reference §1.8, §2, §3). Fields and JSON types are checked as the client sees them.
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator";
import { ACTIONS, createSlbModel } from "../../emulator/model";
import type { SlbModel } from "../../emulator/types";
import { slbClient, type SlbClient } from "../support/slb-client";
import { rejection } from "./wire-raw";

/* eslint-disable @typescript-eslint/no-explicit-any */

const REGION = "cn-hangzhou";
const FAST = { transitionMs: 20, changeMs: 5 };
const SIGS = ["v3", "v1"] as const;
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;


/** Asserts the SDK error's code, HTTP status and (optionally) message fragment. */
async function expectCode(p: Promise<unknown>, status: number, code: string, message?: string): Promise<void> {
    const e = await rejection(p);
    expect({ code: e.code, status: e.statusCode }, String(e.message)).to.deep.equal({ code, status });
    expect(e.data.RequestId).to.match(UUID);
    if (message) expect(e.data.Message).to.include(message);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const sig of SIGS) {
    describe(`conformance over HTTP (${sig} signatures)`, function () {
        this.timeout(10_000);
        let emu: Emulator;
        let model: SlbModel;
        let client: SlbClient;
        /** Calls with RegionId filled in (unless the params say otherwise). */
        const call = (action: string, params: Record<string, unknown> = {}) => client.call(action, { RegionId: REGION, ...params });
        const newLb = async (params: Record<string, unknown> = {}) => (await call("CreateLoadBalancer", params)).LoadBalancerId as string;
        const tcp = (lbId: string, port: number, params: Record<string, unknown> = {}) =>
            call("CreateLoadBalancerTCPListener", { LoadBalancerId: lbId, ListenerPort: port, BackendServerPort: 8080, Bandwidth: -1, ...params });
        const describe = (lbId: string, port: number) => call("DescribeLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: port });
        const waitStatus = async (lbId: string, port: number, status: string) => {
            for (let i = 0; i < 100; i++) {
                if ((await describe(lbId, port)).Status === status) return;
                await sleep(10);
            }
            throw new Error(`listener never reached ${status}`);
        };

        before(async () => {
            // The model is passed in so one test can seed an HTTP listener (no action creates one).
            model = createSlbModel({ timings: FAST });
            emu = await startEmulator({ model, timings: FAST });
            client = slbClient(emu.endpoint, { signature: sig });
        });
        after(() => emu.close());
        afterEach(() => emu.setTimings(FAST));

        it("runs a listener's whole lifecycle with every listener action", async () => {
            const created = await call("CreateLoadBalancer", { LoadBalancerName: "conf-lb", LoadBalancerSpec: "slb.s1.small" });
            expect(created.RequestId).to.match(UUID);
            expect(created.LoadBalancerId).to.match(/^lb-[a-z0-9]{20}$/);
            const lbId = created.LoadBalancerId;
            await call("CreateLoadBalancerTCPListener", {
                LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 8080, Bandwidth: -1, Scheduler: "tch",
                healthCheckInterval: 4, HealthCheckConnectTimeout: 3, HealthCheckType: "http", HealthCheckURI: "/healthz",
                HealthCheckDomain: "$_ip", HealthCheckHttpCode: "http_2xx,http_3xx", ProxyProtocolV2Enabled: true,
                Description: "conformance_1", Tag: [{ Key: "team", Value: "web" }, { Key: "empty", Value: "" }],
            });
            const d = await describe(lbId, 80);
            expect(d).to.include({
                LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 8080, Status: "stopped", Bandwidth: -1, Scheduler: "tch",
                HealthCheck: "on", HealthCheckType: "http", HealthCheckInterval: 4, HealthCheckConnectTimeout: 4, HealthCheckURI: "/healthz",
                HealthCheckDomain: "", HealthCheckHttpCode: "http_2xx,http_3xx", ProxyProtocolV2Enabled: true, Description: "conformance_1",
                PersistenceTimeout: 0, EstablishedTimeout: 900, AclStatus: "off", SynProxy: "disable",
            });
            expect(d.Tags).to.deep.equal({ Tag: [{ TagKey: "team", TagValue: "web" }, { TagKey: "empty", TagValue: "" }] });
            expect(d).to.not.have.any.keys("HealthCheckSwitch", "healthCheckInterval", "HealthCheckConnectPort", "ConnectionDrainTimeout");

            const listed = await call("DescribeLoadBalancerListeners", { LoadBalancerId: [lbId] });
            expect(listed).to.include({ TotalCount: 1, MaxResults: 20, NextToken: "" });
            expect(listed.Listeners[0].TCPListenerConfig).to.include({ HealthCheckInterval: 4, ProxyProtocolV2Enabled: "true" });
            expect(listed.Listeners[0].Tags).to.deep.equal([{ TagKey: "team", TagValue: "web" }, { TagKey: "empty", TagValue: "" }]);

            await expectCode(call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, Scheduler: "wrr" }),
                400, "InvalidParameter", "Cannot convert the scheduler");
            await call("StartLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80, ListenerProtocol: "tcp" });
            await waitStatus(lbId, 80, "running");
            await call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, HealthCheckInterval: 6, Description: "" });
            expect(await describe(lbId, 80)).to.include({ HealthCheckInterval: 6, HealthCheckConnectTimeout: 6, Description: "", Bandwidth: -1 });
            await waitStatus(lbId, 80, "running");
            await call("StopLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80 });
            await waitStatus(lbId, 80, "stopped");
            await call("DeleteLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80 });
            await expectCode(describe(lbId, 80), 400, "InvalidParameter", "The specified resource does not exist.");
            for (const a of ["SetLoadBalancerTCPListenerAttribute", "StartLoadBalancerListener", "StopLoadBalancerListener", "DeleteLoadBalancerListener"]) {
                await expectCode(call(a, { LoadBalancerId: lbId, ListenerPort: 80 }), 404, "ListenerNotFound");
            }
        });

        it("routes every action of the model (none answers InvalidAction.NotFound)", async () => {
            for (const action of ACTIONS) {
                // With no parameters an action either succeeds (e.g. DescribeLoadBalancers) or names what is missing.
                const outcome = await call(action, {}).then((body) => ({ ok: body.RequestId as string }), (e) => ({ status: e.statusCode, code: e.code }));
                if ("ok" in outcome) expect(outcome.ok, action).to.match(UUID);
                else expect(outcome, action).to.deep.include({ status: 400 }).and.not.deep.include({ code: "InvalidAction.NotFound" });
            }
        });

        it("describes, lists and deletes load balancers", async () => {
            const lbId = await newLb({ LoadBalancerName: "listed", Tag: [{ Key: "k", Value: "v" }] });
            await tcp(lbId, 443);
            const attr = await call("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
            expect(attr).to.include({ LoadBalancerId: lbId, LoadBalancerName: "listed", LoadBalancerStatus: "active", RegionId: REGION });
            expect(attr.ListenerPorts).to.deep.equal({ ListenerPort: [443] });
            expect(attr.ListenerPortsAndProtocol.ListenerPortAndProtocol[0]).to.include({ ListenerPort: 443, ListenerProtocol: "tcp" });
            expect(attr.Tags).to.deep.equal({ Tag: [{ TagKey: "k", TagValue: "v" }] });
            expect(attr.CreateTimeStamp).to.be.a("number");
            const page = await call("DescribeLoadBalancers", { LoadBalancerId: lbId, PageSize: 5 });
            expect(page).to.include({ TotalCount: 1, PageNumber: 1, PageSize: 5 });
            expect(page.LoadBalancers.LoadBalancer[0].LoadBalancerId).to.equal(lbId);
            await call("DeleteLoadBalancer", { LoadBalancerId: lbId });
            await expectCode(call("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId }), 404, "InvalidLoadBalancerId.NotFound",
                "The specified LoadBalancerId does not exist.");
            const tags = await call("ListTagResources", { ResourceType: "listener", ResourceId: [`${lbId}_tcp_443`] });
            expect(tags.TagResources.TagResource).to.deep.equal([]);
        });

        it("keeps state per region and requires RegionId", async () => {
            const lbId = await newLb();
            await expectCode(call("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId, RegionId: "cn-beijing" }), 404, "InvalidLoadBalancerId.NotFound");
            await expectCode(client.call("DescribeLoadBalancers", {}), 400, "MissingRegionId");
            await expectCode(client.call("CreateLoadBalancerTCPListener", { LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1 }),
                400, "MissingRegionId");
        });

        it("answers bad values with InvalidParameter naming the parameter, and missing ones with MissingParameter", async () => {
            const lbId = await newLb();
            await expectCode(tcp(lbId, 80, { healthCheckInterval: 51 }), 400, "InvalidParameter", "healthCheckInterval");
            await expectCode(tcp(lbId, 80, { ListenerPort: "eighty" }), 400, "InvalidParameter", "ListenerPort");
            await expectCode(tcp(lbId, 80, { HealthCheckURI: "/" }), 400, "InvalidParameter", "HealthCheckURI");
            await expectCode(tcp(lbId, 80, { Description: "x".repeat(257) }), 400, "InvalidParameter", "Description");
            await expectCode(tcp(lbId, 80, { BackendServerPort: undefined }), 400, "MissingParameter", "BackendServerPort");
            await expectCode(tcp(lbId, 80, { Bandwidth: undefined }), 400, "MissingParameter", "Bandwidth");
            await expectCode(tcp(lbId, 80, { ConnectionDrain: "on" }), 400, "MissingParameter", "ConnectionDrainTimeout");
            await expectCode(tcp("lb-doesnotexist", 80), 404, "InvalidLoadBalancerId.NotFound");
            await tcp(lbId, 80);
            await expectCode(call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, HealthCheckInterval: 0 }),
                400, "InvalidParameter", "HealthCheckInterval");
        });

        it("provokes the listener conflict, scheduler and tag codes", async () => {
            const lbId = await newLb();
            await tcp(lbId, 80);
            await expectCode(tcp(lbId, 80), 400, "ListenerAlreadyExists", "A listener with the specified port already exists");
            await expectCode(tcp(lbId, 81, { Scheduler: "sch" }), 400, "InvalidParameterValue.SpecNotSupport");
            await expectCode(tcp(lbId, 81, { Tag: [{ Key: "aliyun-reserved", Value: "x" }] }), 400, "InvalidParam.TagKey");
            await expectCode(tcp(lbId, 81, { Tag: [{ Key: "k", Value: "https://x" }] }), 400, "InvalidParam.TagValue");
            const tooMany = Array.from({ length: 21 }, (_, i) => ({ Key: `k${i}`, Value: "v" }));
            await expectCode(tcp(lbId, 81, { Tag: tooMany }), 400, "SizeLimitExceeded.Tag");
            await call("TagResources", { ResourceType: "listener", ResourceId: [`${lbId}_tcp_80`], Tag: tooMany.slice(0, 15) });
            await expectCode(call("TagResources", { ResourceType: "listener", ResourceId: [`${lbId}_tcp_80`], Tag: tooMany.slice(15, 21) }),
                400, "TagCountLimit");
            await expectCode(call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, Scheduler: "tch" }),
                400, "InvalidParameterValue.SpecNotSupport");
        });

        it("rejects TCP on a port held by an HTTP listener with ListenerPortConflict", async () => {
            const lbId = await newLb();
            const snap = model.snapshot() as any;
            const lb = Object.values(snap.accounts as Record<string, any>)[0][REGION].loadBalancers[lbId];
            lb.listeners["8080/http"] = {
                protocol: "http", port: 8080, status: "running", createdAt: Date.now(), tags: [], bandwidth: -1, backendServerPort: 80,
                scheduler: "wrr", persistenceTimeout: 0, establishedTimeout: 900, healthCheck: "on", healthCheckType: "tcp",
                healthCheckConnectTimeout: 5, healthCheckInterval: 2, healthyThreshold: 3, unhealthyThreshold: 3, healthCheckDomain: "",
                healthCheckURI: "/", healthCheckHttpCode: "http_2xx", aclStatus: "off", connectionDrain: "off", description: "",
                proxyProtocolV2Enabled: false, synProxy: "disable",
            };
            model.restore(snap);
            await expectCode(tcp(lbId, 8080), 400, "ListenerPortConflict");
        });

        it("provokes the server-group codes and calls every group action", async () => {
            const lbId = await newLb();
            const other = await newLb();
            const vsg = await call("CreateVServerGroup", {
                LoadBalancerId: lbId, VServerGroupName: "web", BackendServers: JSON.stringify([{ ServerId: "i-a", Port: "80", Weight: "100" }]),
            });
            expect(vsg.VServerGroupId).to.match(/^rsp-/);
            expect(vsg.BackendServers.BackendServer[0]).to.include({ ServerId: "i-a", Port: 80, Weight: 100, Type: "ecs" });
            const otherVsg = (await call("CreateVServerGroup", { LoadBalancerId: other })).VServerGroupId;
            const ms = await call("CreateMasterSlaveServerGroup", {
                LoadBalancerId: lbId,
                MasterSlaveBackendServers: JSON.stringify([{ ServerId: "i-a", Port: 80, ServerType: "Master" }, { ServerId: "i-b", Port: 80, ServerType: "Slave" }]),
            });
            expect(ms.MasterSlaveBackendServers.MasterSlaveBackendServer).to.have.length(2);
            const msId = ms.MasterSlaveServerGroupId;

            await expectCode(call("CreateVServerGroup", { LoadBalancerId: lbId, BackendServers: "{not json" }), 400, "InvalidParameter", "BackendServers");
            await expectCode(call("CreateMasterSlaveServerGroup", { LoadBalancerId: lbId, MasterSlaveBackendServers: JSON.stringify([{ ServerId: "i-a", Port: 80 }]) }),
                400, "BACKEND_SERVERS_NUM_MUST_BE_TWO");
            await expectCode(call("CreateMasterSlaveServerGroup", {
                LoadBalancerId: lbId,
                MasterSlaveBackendServers: JSON.stringify([{ ServerId: "i-a", Port: 80, ServerType: "Master" }, { ServerId: "i-b", Port: 80, ServerType: "Master" }]),
            }), 400, "BACKEND_SERVERS_CAN_ONLY_CONTAIN_ONE_MASTER_AND_ONE_SLAVE");

            await expectCode(tcp(lbId, 80, { VServerGroupId: vsg.VServerGroupId, MasterSlaveServerGroupId: msId }),
                400, "Abs.VServerGroupIdAndMasterSlaveServerGroupId.MissMatch");
            await expectCode(tcp(lbId, 80, { VServerGroupId: otherVsg }), 404, "InvalidParameter", "The specified VServerGroupId does not exist.");
            await expectCode(tcp(lbId, 80, { MasterSlaveServerGroupId: "rsp-missing" }), 400, "InvalidParameter", "The specified MasterSlaveGroupId does not exist");

            await tcp(lbId, 80, { BackendServerPort: undefined, VServerGroupId: vsg.VServerGroupId });
            const d = await describe(lbId, 80);
            expect(d.VServerGroupId).to.equal(vsg.VServerGroupId);
            expect(d).to.not.have.property("BackendServerPort");
            await expectCode(call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, VServerGroup: "off" }),
                400, "MissingParameter", "BackendServerPort");
            const groups = await call("DescribeVServerGroups", { LoadBalancerId: lbId, IncludeListener: true });
            expect(groups.VServerGroups.VServerGroup[0].AssociatedObjects.Listeners.Listener).to.deep.equal([{ Protocol: "tcp", Port: 80 }]);
            await expectCode(call("DeleteVServerGroup", { VServerGroupId: vsg.VServerGroupId }), 400, "RspoolVipExist");
            await call("SetLoadBalancerTCPListenerAttribute", {
                LoadBalancerId: lbId, ListenerPort: 80, VServerGroup: "off", MasterSlaveServerGroup: "on", MasterSlaveServerGroupId: msId,
            });
            expect((await describe(lbId, 80)).MasterSlaveServerGroupId).to.equal(msId);
            await expectCode(call("DeleteMasterSlaveServerGroup", { MasterSlaveServerGroupId: msId }), 400, "RspoolVipExist");
            await call("DeleteVServerGroup", { VServerGroupId: vsg.VServerGroupId });
            await expectCode(call("DeleteVServerGroup", { VServerGroupId: vsg.VServerGroupId }), 404, "InvalidParameter", "The specified VServerGroupId does not exist.");
            await call("DeleteLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80 });
            await call("DeleteMasterSlaveServerGroup", { MasterSlaveServerGroupId: msId });
            await expectCode(call("DeleteMasterSlaveServerGroup", { MasterSlaveServerGroupId: msId }), 400, "InvalidParameter");
        });

        it("provokes the ACL codes and calls every ACL action", async () => {
            const lbId = await newLb();
            const aclId = (await call("CreateAccessControlList", { AclName: `conf-${sig}` })).AclId;
            expect(aclId).to.match(/^acl-[a-z0-9]{20}$/);
            await call("AddAccessControlListEntry", { AclId: aclId, AclEntrys: JSON.stringify([{ entry: "10.0.0.0/8", comment: "lan" }]) });
            await expectCode(call("AddAccessControlListEntry", { AclId: aclId, AclEntrys: "[{" }), 400, "InvalidParameter", "AclEntrys");
            const lists = await call("DescribeAccessControlLists", { AclName: `conf-${sig}` });
            expect(lists.Acls.Acl[0]).to.include({ AclId: aclId, AddressIPVersion: "ipv4" });
            await expectCode(tcp(lbId, 80, { AclStatus: "on", AclType: "white" }), 400, "MissingParameter", "AclId");
            await expectCode(tcp(lbId, 80, { AclStatus: "on", AclType: "white", AclId: "acl-nonexistent" }), 400, "AclNotExist");
            await tcp(lbId, 80, { AclStatus: "on", AclType: "white", AclId: aclId });
            const d = await describe(lbId, 80);
            expect(d).to.include({ AclStatus: "on", AclType: "white", AclId: aclId });
            expect(d.AclIds).to.deep.equal({ AclId: [aclId] });
            await expectCode(call("DeleteAccessControlList", { AclId: aclId }), 400, "AclInUsed");
            await call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, AclStatus: "off" });
            await call("DeleteAccessControlList", { AclId: aclId });
            await expectCode(call("DeleteAccessControlList", { AclId: aclId }), 400, "AclNotExist");
        });

        it("tags, lists and untags resources", async () => {
            const lbId = await newLb();
            await tcp(lbId, 80);
            const listenerId = `${lbId}_tcp_80`;
            await call("TagResources", { ResourceType: "listener", ResourceId: [listenerId], Tag: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "" }] });
            await call("TagResources", { ResourceType: "instance", ResourceId: [lbId], Tag: [{ Key: "env", Value: "dev" }] });
            const rows = await call("ListTagResources", { ResourceType: "listener", ResourceId: [listenerId] });
            expect(rows.TagResources.TagResource).to.deep.equal([
                { ResourceId: listenerId, ResourceType: "listener", TagKey: "env", TagValue: "dev" },
                { ResourceId: listenerId, ResourceType: "listener", TagKey: "team", TagValue: "" },
            ]);
            const filtered = await call("ListTagResources", { ResourceType: "instance", Tag: [{ Key: "env", Value: "dev" }] });
            expect(filtered.TagResources.TagResource.map((r: any) => r.ResourceId)).to.include(lbId);
            await call("UntagResources", { ResourceType: "listener", ResourceId: [listenerId], TagKey: ["env"] });
            expect((await describe(lbId, 80)).Tags).to.deep.equal({ Tag: [{ TagKey: "team", TagValue: "" }] });
            await call("UntagResources", { ResourceType: "listener", ResourceId: [listenerId], All: true });
            expect((await describe(lbId, 80)).Tags).to.deep.equal({ Tag: [] });
            await expectCode(call("TagResources", { ResourceType: "listener", ResourceId: [`${lbId}_tcp_81`], Tag: [{ Key: "k" }] }),
                404, "InvalidResourceId.NotFound");
        });

        it("answers operations on transitional listeners with the busy codes", async () => {
            const lbId = await newLb();
            await tcp(lbId, 80);
            await tcp(lbId, 81);
            await tcp(lbId, 82);
            // Long transitions make the transitional states easy to hit over HTTP.
            emu.setTimings({ transitionMs: 5000, changeMs: 5 });
            const p = (port: number) => ({ LoadBalancerId: lbId, ListenerPort: port });
            await call("StartLoadBalancerListener", p(80));
            expect((await describe(lbId, 80)).Status).to.equal("starting");
            await expectCode(call("StartLoadBalancerListener", p(80)), 400, "OperationBusy");
            await expectCode(call("SetLoadBalancerTCPListenerAttribute", { ...p(80), Description: "x" }), 400, "OperationFailed.ListenerStatusNotSupport");
            await expectCode(call("DeleteLoadBalancerListener", p(80)), 400, "OperationBusy");

            emu.setTimings(FAST);
            await call("StartLoadBalancerListener", p(81));
            await call("StartLoadBalancerListener", p(82));
            await waitStatus(lbId, 81, "running");
            await waitStatus(lbId, 82, "running");
            emu.setTimings({ transitionMs: 5000, changeMs: 5 });
            await call("SetLoadBalancerTCPListenerAttribute", { ...p(81), Description: "reconfigure" });
            expect((await describe(lbId, 81)).Status).to.equal("configuring");
            await expectCode(call("StartLoadBalancerListener", p(81)), 400, "ServiceIsConfiguring", "A previous configuration is pending");
            await call("StopLoadBalancerListener", p(82));
            expect((await describe(lbId, 82)).Status).to.equal("stopping");
            await expectCode(call("StartLoadBalancerListener", p(82)), 409, "ServiceIsStopping");
            await expectCode(call("DeleteLoadBalancerListener", p(82)), 409, "ServiceIsStopping");
            const listed = await call("DescribeLoadBalancerListeners", { LoadBalancerId: [lbId] });
            expect(listed.Listeners.map((l: any) => l.Status)).to.deep.equal(["starting", "configuring", "stopping"]);
        });

        it("answers a concurrent change on a busy load balancer with OperationBusy", async () => {
            const lbId = await newLb();
            await tcp(lbId, 80);
            emu.setTimings({ transitionMs: 20, changeMs: 400 });
            const first = call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, Description: "first" });
            await sleep(50);
            await expectCode(call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, Description: "second" }),
                400, "OperationBusy", "A previous operation is pending.");
            expect((await describe(lbId, 80)).Description).to.equal("first"); // reads never block
            await first;
        });
    });
}
