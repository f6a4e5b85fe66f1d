// UDP listener rules of the model: Create / Set / Describe, and UDP listeners in the shared actions
// (docs/slb-api-facts.md, the UDP section; choices in emulator/MODEL.md, "UDP listeners").
import { expect } from "chai";
import { Harness, Params, expectApiError, harness, masterSlaveGroup } from "./model-harness";
import { setEachUdpField } from "./udp-cases";

const CREATE = "CreateLoadBalancerUDPListener";
const SET = "SetLoadBalancerUDPListenerAttribute";
const DESCRIBE = "DescribeLoadBalancerUDPListenerAttribute";

/** Describe output of a UDP listener made with only the required parameters (the harness's backend port 5353). */
const DEFAULT_DESCRIBE = {
    ListenerPort: 53,
    BackendServerPort: 5353,
    Status: "stopped",
    Bandwidth: -1,
    Scheduler: "wrr",
    PersistenceTimeout: 0,
    HealthCheck: "on",
    HealthCheckConnectTimeout: 5,
    HealthCheckInterval: 2,
    HealthyThreshold: 3,
    UnhealthyThreshold: 3,
    AclStatus: "off",
    Description: "",
    ProxyProtocolV2Enabled: false,
    Tags: { Tag: [] },
};

// [parameter, bad value] for Create; each must be 400 InvalidParameter naming the parameter.
const BAD_CREATE_VALUES: [string, string][] = [
    ["ListenerPort", "0"], ["ListenerPort", "65536"], ["ListenerPort", "udp"],
    ["BackendServerPort", "0"], ["BackendServerPort", "65536"],
    ["Bandwidth", "0"], ["Bandwidth", "-2"], ["Bandwidth", "5121"],
    ["Scheduler", "QCH"], ["Scheduler", "wlc"], ["Scheduler", ""],
    ["PersistenceTimeout", "-1"], ["PersistenceTimeout", "3601"],
    ["HealthCheckSwitch", "yes"],
    ["HealthCheckConnectPort", "0"], ["HealthCheckConnectPort", "65536"],
    ["HealthCheckConnectTimeout", "0"], ["HealthCheckConnectTimeout", "301"],
    ["healthCheckInterval", "0"], ["healthCheckInterval", "51"],
    ["HealthyThreshold", "1"], ["HealthyThreshold", "11"], ["UnhealthyThreshold", "1"], ["UnhealthyThreshold", "11"],
    ["healthCheckReq", "a b"], ["healthCheckReq", "ping!"], ["healthCheckReq", "ü"], ["healthCheckReq", "dns_query"],
    ["healthCheckExp", "ok-1"], ["healthCheckExp", "中文"],
    ["AclStatus", "ON"], ["AclType", "grey"], ["AclId", "acl-a,acl-a"],
    ["Description", "x".repeat(257)], ["Description", "with space"], ["Description", ""],
    ["ProxyProtocolV2Enabled", "yes"], ["VServerGroupId", ""],
];

// [parameter, bad length]: the probe strings' own code, InvalidParamLength.<Describe name>.
const BAD_PROBE_LENGTHS: [string, string, string][] = [
    ["healthCheckReq", "", "InvalidParamLength.HealthCheckReq"], ["healthCheckReq", "a".repeat(65), "InvalidParamLength.HealthCheckReq"],
    ["healthCheckExp", "", "InvalidParamLength.HealthCheckExp"], ["healthCheckExp", "b".repeat(65), "InvalidParamLength.HealthCheckExp"],
];

// [parameter, good boundary value, Describe field, expected value]
const GOOD_CREATE_VALUES: [string, string, string, unknown][] = [
    ["ListenerPort", "1", "ListenerPort", 1], ["ListenerPort", "65535", "ListenerPort", 65535],
    ["Bandwidth", "5120", "Bandwidth", 5120], ["Scheduler", "rr", "Scheduler", "rr"],
    ["PersistenceTimeout", "3600", "PersistenceTimeout", 3600],
    ["HealthCheckSwitch", "off", "HealthCheck", "off"],
    ["HealthCheckConnectPort", "1", "HealthCheckConnectPort", 1],
    ["HealthCheckConnectTimeout", "300", "HealthCheckConnectTimeout", 300],
    ["healthCheckInterval", "1", "HealthCheckInterval", 1],
    ["HealthyThreshold", "2", "HealthyThreshold", 2], ["UnhealthyThreshold", "10", "UnhealthyThreshold", 10],
    ["healthCheckReq", "a".repeat(64), "HealthCheckReq", "a".repeat(64)], ["healthCheckExp", "Pong1", "HealthCheckExp", "Pong1"],
    ["Description", "udp_53-a/b.c", "Description", "udp_53-a/b.c"],
    ["ProxyProtocolV2Enabled", "true", "ProxyProtocolV2Enabled", true],
];

/** TCP-only parameters (and the other action's spellings): a UDP Create ignores them, even with nonsense values. */
const NOT_UDP_ON_CREATE: Params = {
    HealthCheckType: "icmp", HealthCheckDomain: "not a domain", HealthCheckURI: "no-slash", HealthCheckHttpCode: "http_9xx",
    EstablishedTimeout: "1", ConnectionDrain: "maybe", ConnectionDrainTimeout: "0", SynProxy: "on", HealthCheckInterval: "7",
    HealthCheckReq: "Capital", HealthCheckExp: "Capital", VServerGroup: "on", MasterSlaveServerGroup: "on",
};

describe("model: CreateLoadBalancerUDPListener", () => {
    let h: Harness;
    let lbId: string;
    const base = () => ({ LoadBalancerId: lbId, ListenerPort: 53, BackendServerPort: 5353, Bandwidth: -1 });
    beforeEach(async () => {
        h = harness();
        lbId = await h.lb();
    });

    it("creates a stopped listener whose Describe shows the defaults (no Req/Exp, no connect port)", async () => {
        await h.udp(lbId, 53);
        expect(await h.describeUdp(lbId, 53)).to.deep.equal({ LoadBalancerId: lbId, ...DEFAULT_DESCRIBE });
    });

    it("stores every sent setting and describes it under the Describe names", async () => {
        const acl = (await h.call("CreateAccessControlList", { AclName: "office" })).AclId;
        await h.udp(lbId, 53, {
            Bandwidth: 10, Scheduler: "rr", PersistenceTimeout: 120, HealthCheckSwitch: "on", HealthCheckConnectPort: 5454,
            HealthCheckConnectTimeout: 8, healthCheckInterval: 4, HealthyThreshold: 4, UnhealthyThreshold: 5, healthCheckReq: "ping",
            healthCheckExp: "pong", AclStatus: "on", AclType: "black", AclId: acl, Description: "dns_udp", ProxyProtocolV2Enabled: true,
            "Tag.1.Key": "team", "Tag.1.Value": "dns", "Tag.2.Key": "empty",
        });
        expect(await h.describeUdp(lbId, 53)).to.deep.equal({
            LoadBalancerId: lbId, ListenerPort: 53, BackendServerPort: 5353, Status: "stopped", Bandwidth: 10, Scheduler: "rr",
            PersistenceTimeout: 120, HealthCheck: "on", HealthCheckConnectPort: 5454, HealthCheckConnectTimeout: 8, HealthCheckInterval: 4,
            HealthyThreshold: 4, UnhealthyThreshold: 5, HealthCheckReq: "ping", HealthCheckExp: "pong", AclStatus: "on", AclType: "black",
            AclId: acl, AclIds: { AclId: [acl] }, Description: "dns_udp", ProxyProtocolV2Enabled: true,
            Tags: { Tag: [{ TagKey: "team", TagValue: "dns" }, { TagKey: "empty", TagValue: "" }] },
        });
    });

    it("rejects every out-of-range or malformed value with InvalidParameter naming the parameter", async () => {
        for (const [name, value] of BAD_CREATE_VALUES) {
            expectApiError(await h.fail(CREATE, { ...base(), [name]: value }), 400, "InvalidParameter", `"${name}"`);
        }
        expect((await h.call("DescribeLoadBalancerListeners")).TotalCount).to.equal(0);
    });

    it("answers a probe string of a wrong length with InvalidParamLength naming it", async () => {
        for (const [name, value, code] of BAD_PROBE_LENGTHS) expectApiError(await h.fail(CREATE, { ...base(), [name]: value }), 400, code, `"${name}"`);
    });

    it("accepts the boundary values", async () => {
        let port = 1000;
        for (const [name, value, field, expected] of GOOD_CREATE_VALUES) {
            const p = name === "ListenerPort" ? Number(value) : ++port;
            await h.udp(lbId, p, { [name]: value });
            expect((await h.describeUdp(lbId, p))[field], `${name}=${value}`).to.deep.equal(expected);
            await h.call("DeleteLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: p, ListenerProtocol: "udp" });
        }
    });

    it("requires LoadBalancerId, ListenerPort, Bandwidth and BackendServerPort (or a vServer group)", async () => {
        for (const name of ["LoadBalancerId", "ListenerPort", "Bandwidth", "BackendServerPort"]) {
            expectApiError(await h.fail(CREATE, { ...base(), [name]: undefined }), 400, "MissingParameter", `"${name}"`);
        }
        const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        await h.call(CREATE, { ...base(), BackendServerPort: undefined, VServerGroupId: rsp });
        const d = await h.describeUdp(lbId, 53);
        expect(d.VServerGroupId).to.equal(rsp);
        expect(d).to.not.have.property("BackendServerPort");
        const ms = await masterSlaveGroup(h, lbId, 53);
        expectApiError(await h.fail(CREATE, { ...base(), ListenerPort: 54, BackendServerPort: undefined, MasterSlaveServerGroupId: ms }),
            400, "MissingParameter", "BackendServerPort");
        expectApiError(await h.fail(CREATE, { ...base(), ListenerPort: 54, VServerGroupId: rsp, MasterSlaveServerGroupId: ms }),
            400, "Abs.VServerGroupIdAndMasterSlaveServerGroupId.MissMatch");
    });

    it("ignores TCP-only parameters and the other action's spellings", async () => {
        await h.udp(lbId, 53, NOT_UDP_ON_CREATE);
        expect(await h.describeUdp(lbId, 53)).to.deep.equal({ LoadBalancerId: lbId, ...DEFAULT_DESCRIBE });
    });

    it("refuses the reserved ports 250, 4789 and 4790 on UDP only", async () => {
        for (const port of [250, 4789, 4790]) {
            expectApiError(await h.fail(CREATE, { ...base(), ListenerPort: port }), 400, "InvalidParam.ListenerPort", `Port ${port} is reserved`);
            await h.tcp(lbId, port);
        }
        for (const port of [249, 251, 4788, 4791]) await h.udp(lbId, port);
        expect((await h.call("DescribeLoadBalancerListeners", { ListenerProtocol: "udp" })).TotalCount).to.equal(4);
    });

    it("takes qch (UDP only) and the other hashing schedulers only on a LoadBalancerSpec instance", async () => {
        expectApiError(await h.fail(CREATE, { ...base(), Scheduler: "qch" }), 400, "InvalidParameterValue.SpecNotSupport");
        const spec = await h.lb({ LoadBalancerSpec: "slb.s2.small" });
        await h.udp(spec, 53, { Scheduler: "qch" });
        expect((await h.describeUdp(spec, 53)).Scheduler).to.equal("qch");
        expectApiError(await h.fail("CreateLoadBalancerTCPListener", { ...base(), LoadBalancerId: spec, Scheduler: "qch" }),
            400, "InvalidParameter", `"Scheduler"`);
    });

    it("stores the interval as the connect timeout when the timeout is smaller (as for TCP)", async () => {
        await h.udp(lbId, 53, { HealthCheckConnectTimeout: 3, healthCheckInterval: 10 });
        expect(await h.describeUdp(lbId, 53)).to.include({ HealthCheckConnectTimeout: 10, HealthCheckInterval: 10 });
        await h.udp(lbId, 54, { healthCheckInterval: 7 });
        expect(await h.describeUdp(lbId, 54)).to.include({ HealthCheckConnectTimeout: 7, HealthCheckInterval: 7 });
    });

    it("shares a port with TCP, HTTP or HTTPS but not with another UDP listener", async () => {
        await h.tcp(lbId, 53);
        await h.udp(lbId, 53);
        expectApiError(await h.fail(CREATE, { ...base(), BackendServerPort: 9 }), 400, "ListenerAlreadyExists");
        expectApiError(await h.fail("CreateLoadBalancerTCPListener", { ...base() }), 400, "ListenerAlreadyExists");
        h.seedListener(lbId, "http", 80);
        h.seedListener(lbId, "https", 443);
        await h.udp(lbId, 80);
        await h.udp(lbId, 443);
        expect((await h.describe(lbId, 53)).BackendServerPort).to.equal(8080);
        expect((await h.describeUdp(lbId, 53)).BackendServerPort).to.equal(5353);
    });

    it("counts UDP listeners in the pay-by-bandwidth budget and the 50-listener limit", async () => {
        const bw = await h.lb({ InternetChargeType: "paybybandwidth", Bandwidth: 10 });
        await h.tcp(bw, 53, { Bandwidth: 6 });
        expectApiError(await h.fail(CREATE, { ...base(), LoadBalancerId: bw, Bandwidth: 5 }), 400, "InvalidParameter", "exceeds the maximum bandwidth");
        await h.udp(bw, 53, { Bandwidth: 4 });
        for (let port = 1; port <= 50; port++) await (port % 2 ? h.udp(lbId, port) : h.tcp(lbId, port));
        expectApiError(await h.fail(CREATE, { ...base(), ListenerPort: 51 }), 400, "ListenerNumberOverLimit");
    });

    it("enforces the ACL rules", async () => {
        const acl = (await h.call("CreateAccessControlList", { AclName: "a" })).AclId;
        expectApiError(await h.fail(CREATE, { ...base(), AclStatus: "on", AclType: "white" }), 400, "MissingParameter", "AclId");
        expectApiError(await h.fail(CREATE, { ...base(), AclStatus: "on", AclId: acl }), 400, "MissingParameter", "AclType");
        expectApiError(await h.fail(CREATE, { ...base(), AclStatus: "on", AclType: "white", AclId: "acl-missing" }), 400, "AclNotExist");
        await h.udp(lbId, 53, { AclStatus: "on", AclType: "white", AclId: acl });
        expectApiError(await h.fail("DeleteAccessControlList", { AclId: acl }), 400, "AclInUsed");
    });
});

describe("model: SetLoadBalancerUDPListenerAttribute", () => {
    let h: Harness;
    let lbId: string;
    const set = (params: Params) => h.call(SET, { LoadBalancerId: lbId, ListenerPort: 53, ...params });
    const setFails = (params: Params) => h.fail(SET, { LoadBalancerId: lbId, ListenerPort: 53, ...params });
    beforeEach(async () => {
        h = harness();
        lbId = await h.lb({ LoadBalancerSpec: "slb.s1.small" });
        await h.udp(lbId, 53);
    });

    it("changes only the fields sent, with Set's capital HealthCheckInterval and lower-case probe strings", async () => {
        await set({ HealthCheckInterval: 4, healthCheckReq: "ping", healthCheckExp: "pong", PersistenceTimeout: 30 });
        expect(await h.describeUdp(lbId, 53)).to.deep.equal({
            ...DEFAULT_DESCRIBE, LoadBalancerId: lbId, HealthCheckInterval: 4, HealthCheckConnectTimeout: 5, HealthCheckReq: "ping",
            HealthCheckExp: "pong", PersistenceTimeout: 30,
        });
        await set({ healthCheckInterval: 9, HealthCheckReq: "Other", BackendServerPort: 9999, "Tag.1.Key": "x", HealthCheckType: "http" });
        expect(await h.describeUdp(lbId, 53)).to.include({ HealthCheckInterval: 4, HealthCheckReq: "ping", BackendServerPort: 5353 });
        expect((await h.describeUdp(lbId, 53)).Tags).to.deep.equal({ Tag: [] });
    });

    it("sets each field", async () => {
        const acl = (await h.call("CreateAccessControlList", { AclName: "a" })).AclId;
        const vServerGroup = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        for (const [params, shown] of setEachUdpField({ acl, vServerGroup })) {
            await set(params);
            expect(await h.describeUdp(lbId, 53), JSON.stringify(params)).to.include(shown);
        }
    });

    it("validates the same ranges as Create (thresholds 2-10 on Set too)", async () => {
        const bad: [string, string][] = [
            ["Bandwidth", "0"], ["Scheduler", "lc"], ["PersistenceTimeout", "3601"], ["HealthCheckSwitch", "1"], ["HealthCheckConnectPort", "0"],
            ["HealthCheckConnectTimeout", "301"], ["HealthCheckInterval", "0"], ["HealthCheckInterval", "51"], ["HealthyThreshold", "1"],
            ["UnhealthyThreshold", "1"], ["HealthyThreshold", "11"], ["healthCheckReq", "a.b"], ["healthCheckExp", "é"], ["AclStatus", "yes"],
            ["AclType", "allow"], ["Description", "no;semicolons"], ["ProxyProtocolV2Enabled", "on"], ["VServerGroup", "yes"],
            ["MasterSlaveServerGroup", "1"],
        ];
        for (const [name, value] of bad) expectApiError(await setFails({ [name]: value }), 400, "InvalidParameter", `"${name}"`);
        expectApiError(await setFails({ healthCheckReq: "r".repeat(65) }), 400, "InvalidParamLength.HealthCheckReq", `"healthCheckReq"`);
        expectApiError(await setFails({ healthCheckExp: "e".repeat(65) }), 400, "InvalidParamLength.HealthCheckExp", `"healthCheckExp"`);
    });

    it("restores defaults: \"\" clears the probe strings and the description, -520 the connect port", async () => {
        await set({ healthCheckReq: "ping", healthCheckExp: "pong", Description: "d", HealthCheckConnectPort: 5454 });
        await set({ healthCheckReq: "", healthCheckExp: "", Description: "", HealthCheckConnectPort: -520 });
        expect(await h.describeUdp(lbId, 53)).to.deep.equal({ ...DEFAULT_DESCRIBE, LoadBalancerId: lbId });
    });

    it("applies the timeout quirk to the merged settings", async () => {
        await set({ HealthCheckInterval: 8 });
        expect(await h.describeUdp(lbId, 53)).to.include({ HealthCheckConnectTimeout: 8, HealthCheckInterval: 8 });
        await set({ HealthCheckConnectTimeout: 30, HealthCheckInterval: 2 });
        expect(await h.describeUdp(lbId, 53)).to.include({ HealthCheckConnectTimeout: 30, HealthCheckInterval: 2 });
    });

    it("limits scheduler conversions, qch included", async () => {
        await set({ Scheduler: "rr" });
        expectApiError(await setFails({ Scheduler: "qch" }), 400, "InvalidParameter", "Cannot convert the scheduler");
        await h.udp(lbId, 54, { Scheduler: "qch" });
        for (const to of ["wrr", "sch", "tch"]) {
            expectApiError(await h.fail(SET, { LoadBalancerId: lbId, ListenerPort: 54, Scheduler: to }), 400, "InvalidParameter", "Cannot convert");
        }
        await h.call(SET, { LoadBalancerId: lbId, ListenerPort: 54, Scheduler: "qch" }); // unchanged is fine
    });

    it("switches server groups as for TCP", async () => {
        const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        const ms = await masterSlaveGroup(h, lbId, 53);
        await set({ VServerGroupId: rsp }); // id without VServerGroup=on is ignored
        expect(await h.describeUdp(lbId, 53)).to.not.have.property("VServerGroupId");
        await set({ VServerGroup: "on", VServerGroupId: rsp });
        expect(await h.describeUdp(lbId, 53)).to.include({ VServerGroupId: rsp }).and.not.have.property("BackendServerPort");
        const groups = await h.call("DescribeVServerGroups", { LoadBalancerId: lbId, IncludeListener: true });
        expect(groups.VServerGroups.VServerGroup[0].AssociatedObjects.Listeners.Listener).to.deep.equal([{ Protocol: "udp", Port: 53 }]);
        expectApiError(await h.fail("DeleteVServerGroup", { VServerGroupId: rsp }), 400, "RspoolVipExist");
        expectApiError(await setFails({ MasterSlaveServerGroup: "on", MasterSlaveServerGroupId: ms }), 400,
            "Abs.VServerGroupIdAndMasterSlaveServerGroupId.MissMatch");
        await set({ VServerGroup: "off", MasterSlaveServerGroup: "on", MasterSlaveServerGroupId: ms });
        const d = await h.describeUdp(lbId, 53);
        expect(d).to.include({ MasterSlaveServerGroupId: ms }).and.not.have.any.keys("VServerGroupId", "BackendServerPort");
        await set({ MasterSlaveServerGroup: "off" });
        expect((await h.describeUdp(lbId, 53)).BackendServerPort).to.equal(5353);
    });

    it("leaves the listener unchanged when a Set fails", async () => {
        const before = await h.describeUdp(lbId, 53);
        await setFails({ Description: "new", HealthCheckInterval: 9, AclStatus: "on" });
        expect(await h.describeUdp(lbId, 53)).to.deep.equal(before);
    });

    it("addresses the UDP listener only: a TCP listener on the same port stays as it was", async () => {
        await h.tcp(lbId, 53, { Description: "tcp" });
        await set({ Description: "udp", HealthCheckInterval: 9 });
        expect(await h.describe(lbId, 53)).to.include({ Description: "tcp", HealthCheckInterval: 2 });
        expect(await h.describeUdp(lbId, 53)).to.include({ Description: "udp", HealthCheckInterval: 9 });
    });

    it("answers missing listeners as TCP does: ListenerNotFound on Set, 'resource does not exist' on Describe", async () => {
        await h.tcp(lbId, 80);
        expectApiError(await h.fail(SET, { LoadBalancerId: lbId, ListenerPort: 80 }), 404, "ListenerNotFound");
        expectApiError(await h.fail(DESCRIBE, { LoadBalancerId: lbId, ListenerPort: 80 }), 400, "InvalidParameter", "The specified resource does not exist.");
        expectApiError(await h.fail(DESCRIBE, { LoadBalancerId: "lb-x", ListenerPort: 53 }), 404, "InvalidLoadBalancerId.NotFound");
        expectApiError(await h.fail("DescribeLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 53 }),
            400, "InvalidParameter", "The specified resource does not exist.");
    });
});

describe("model: UDP listeners in the shared actions", () => {
    const T = 1000;
    let h: Harness;
    let lbId: string;
    const at = (protocol?: string) => ({ LoadBalancerId: lbId, ListenerPort: 53, ...(protocol ? { ListenerProtocol: protocol } : {}) });
    const statuses = async () => [(await h.describe(lbId, 53)).Status, (await h.describeUdp(lbId, 53)).Status];
    beforeEach(async () => {
        h = harness({ transitionMs: T, changeMs: 0 });
        lbId = await h.lb();
        await h.tcp(lbId, 53);
        await h.udp(lbId, 53);
    });

    it("starts, stops and deletes the UDP listener by ListenerProtocol=udp, leaving the TCP one alone", async () => {
        await h.call("StartLoadBalancerListener", at("udp"));
        expect(await statuses()).to.deep.equal(["stopped", "starting"]);
        expectApiError(await h.fail(SET, { ...at(), Description: "x" }), 400, "OperationFailed.ListenerStatusNotSupport");
        h.advance(T);
        await h.call(SET, { ...at(), Description: "x" });
        expect(await statuses()).to.deep.equal(["stopped", "configuring"]);
        h.advance(T);
        await h.call("StartLoadBalancerListener", at("tcp"));
        await h.call("StopLoadBalancerListener", at("udp"));
        expect(await statuses()).to.deep.equal(["starting", "stopping"]);
        expectApiError(await h.fail("DeleteLoadBalancerListener", at("udp")), 409, "ServiceIsStopping");
        h.advance(T);
        await h.call("DeleteLoadBalancerListener", at("udp"));
        expectApiError(await h.fail(DESCRIBE, at()), 400, "InvalidParameter", "The specified resource does not exist.");
        expect((await h.describe(lbId, 53)).Status).to.equal("running");
        // One listener left on the port: the protocol may be omitted.
        await h.call("StopLoadBalancerListener", at());
        expect((await h.describe(lbId, 53)).Status).to.equal("stopping");
    });

    it("needs ListenerProtocol while TCP and UDP share the port; a lone UDP listener goes without", async () => {
        for (const a of ["StartLoadBalancerListener", "StopLoadBalancerListener", "DeleteLoadBalancerListener"]) {
            expectApiError(await h.fail(a, at()), 400, "MissingParameter", "ListenerProtocol");
        }
        await h.udp(lbId, 54);
        await h.call("StartLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 54 });
        expect((await h.describeUdp(lbId, 54)).Status).to.equal("starting");
        expectApiError(await h.fail("StartLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 54, ListenerProtocol: "tcp" }), 404, "ListenerNotFound");
    });

    it("tags the UDP listener as <lb>_udp_<port>, apart from the TCP one", async () => {
        const udpId = `${lbId}_udp_53`;
        const tcpId = `${lbId}_tcp_53`;
        await h.call("TagResources", { ResourceType: "listener", "ResourceId.1": udpId, "Tag.1.Key": "proto", "Tag.1.Value": "udp" });
        await h.call("TagResources", { ResourceType: "listener", "ResourceId.1": tcpId, "Tag.1.Key": "proto", "Tag.1.Value": "tcp" });
        expect((await h.describeUdp(lbId, 53)).Tags).to.deep.equal({ Tag: [{ TagKey: "proto", TagValue: "udp" }] });
        expect((await h.describe(lbId, 53)).Tags).to.deep.equal({ Tag: [{ TagKey: "proto", TagValue: "tcp" }] });
        const rows = await h.call("ListTagResources", { ResourceType: "listener", "Tag.1.Key": "proto", "Tag.1.Value": "udp" });
        expect(rows.TagResources.TagResource).to.deep.equal([{ ResourceId: udpId, ResourceType: "listener", TagKey: "proto", TagValue: "udp" }]);
        await h.call("UntagResources", { ResourceType: "listener", "ResourceId.1": udpId, All: true });
        expect((await h.describeUdp(lbId, 53)).Tags).to.deep.equal({ Tag: [] });
        expect((await h.describe(lbId, 53)).Tags.Tag).to.have.length(1);
        expectApiError(await h.fail("TagResources", { ResourceType: "listener", "ResourceId.1": `${lbId}_udp_54`, "Tag.1.Key": "k" }),
            404, "InvalidResourceId.NotFound");
    });

    it("lists UDP rows with a UDPListenerConfig carrying the attribute call's values", async () => {
        const acl = (await h.call("CreateAccessControlList", { AclName: "a" })).AclId;
        await h.call(SET, {
            ...at(), healthCheckReq: "ping", healthCheckExp: "pong", PersistenceTimeout: 60, HealthCheckConnectPort: 5454, AclStatus: "on",
            AclType: "white", AclId: acl, ProxyProtocolV2Enabled: true, Description: "dns",
        });
        await h.call("TagResources", { ResourceType: "listener", "ResourceId.1": `${lbId}_udp_53`, "Tag.1.Key": "k", "Tag.1.Value": "v" });
        const r = await h.call("DescribeLoadBalancerListeners", { "LoadBalancerId.1": lbId, ListenerProtocol: "udp" });
        expect(r).to.include({ TotalCount: 1, MaxResults: 20, NextToken: "" });
        expect(r.Listeners[0]).to.deep.equal({
            LoadBalancerId: lbId, ListenerPort: 53, ListenerProtocol: "udp", BackendServerPort: 5353, Bandwidth: -1, Scheduler: "wrr",
            Status: "stopped", Description: "dns", AclStatus: "on", AclType: "white", AclId: acl, AclIds: [acl], Tags: [{ TagKey: "k", TagValue: "v" }],
            UDPListenerConfig: {
                PersistenceTimeout: 60, HealthCheck: "on", HealthCheckConnectPort: 5454, HealthCheckConnectTimeout: 5, HealthCheckInterval: 2,
                HealthyThreshold: 3, UnhealthyThreshold: 3, HealthCheckReq: "ping", HealthCheckExp: "pong", ProxyProtocolV2Enabled: "true",
            },
        });
        const both = await h.call("DescribeLoadBalancerListeners", { "LoadBalancerId.1": lbId });
        expect(both.Listeners.map((l: { ListenerProtocol: string }) => l.ListenerProtocol)).to.deep.equal(["tcp", "udp"]);
    });

    it("lists the UDP listener's port and protocol in DescribeLoadBalancerAttribute", async () => {
        await h.udp(lbId, 5000, { Description: "only_udp" });
        const d = await h.call("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
        expect(d.ListenerPorts).to.deep.equal({ ListenerPort: [53, 5000] });
        expect(d.ListenerPortsAndProtocol.ListenerPortAndProtocol).to.deep.equal([
            { ListenerPort: 53, ListenerProtocol: "tcp", Description: "" }, { ListenerPort: 53, ListenerProtocol: "udp", Description: "" },
            { ListenerPort: 5000, ListenerProtocol: "udp", Description: "only_udp" },
        ]);
    });

    it("snapshots and restores UDP listeners, mid-transition too; a malformed one is refused", async () => {
        await h.call(SET, { ...at(), healthCheckReq: "ping" });
        await h.call("StartLoadBalancerListener", at("udp"));
        const snap = h.model.snapshot();
        h.model.reset();
        h.model.restore(snap);
        expect(await h.describeUdp(lbId, 53)).to.include({ Status: "starting", HealthCheckReq: "ping" });
        h.advance(T);
        expect((await h.describeUdp(lbId, 53)).Status).to.equal("running");
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const bad = JSON.parse(JSON.stringify(snap)) as any;
        bad.accounts["account-1"]["cn-hangzhou"].loadBalancers[lbId].listeners["53/udp"].healthCheckReq = 7;
        expect(() => h.model.restore(bad)).to.throw(/listener .*53\/udp is malformed/);
        expect((await h.describeUdp(lbId, 53)).HealthCheckReq).to.equal("ping");
    });
});
