// TCP listener rules of the model: Create / Set / Describe (reference §2.1–§2.3, §4, §5).
import { expect } from "chai";
import { Harness, Params, expectApiError, harness, masterSlaveGroup } from "./model-harness";

const CREATE = "CreateLoadBalancerTCPListener";
const SET = "SetLoadBalancerTCPListenerAttribute";

/** Describe output of a listener made with only the required parameters. */
const DEFAULT_DESCRIBE = {
    ListenerPort: 80,
    BackendServerPort: 8080,
    Status: "stopped",
    Bandwidth: -1,
    Scheduler: "wrr",
    SynProxy: "disable",
    PersistenceTimeout: 0,
    EstablishedTimeout: 900,
    HealthCheck: "on",
    HealthCheckType: "tcp",
    HealthCheckMethod: "tcp",
    HealthCheckConnectTimeout: 5,
    HealthCheckInterval: 2,
    HealthyThreshold: 3,
    UnhealthyThreshold: 3,
    HealthCheckDomain: "",
    HealthCheckURI: "/",
    HealthCheckHttpCode: "http_2xx",
    AclStatus: "off",
    ConnectionDrain: "off",
    Description: "",
    ProxyProtocolV2Enabled: false,
    Tags: { Tag: [] },
};

// [parameter, bad value] for Create; each must be 400 InvalidParameter naming the parameter.
const BAD_CREATE_VALUES: [string, string][] = [
    ["ListenerPort", "0"], ["ListenerPort", "65536"], ["ListenerPort", "abc"], ["ListenerPort", "8.5"], ["ListenerPort", " 80"],
    ["ListenerPort", "+80"], ["ListenerPort", "1e3"], ["ListenerPort", "99999999999999999999"],
    ["BackendServerPort", "0"], ["BackendServerPort", "65536"], ["BackendServerPort", "http"],
    ["Bandwidth", "0"], ["Bandwidth", "-2"], ["Bandwidth", "5121"], ["Bandwidth", "unlimited"],
    ["Scheduler", "WRR"], ["Scheduler", "wlc"], ["Scheduler", ""],
    ["PersistenceTimeout", "-1"], ["PersistenceTimeout", "3601"],
    ["EstablishedTimeout", "9"], ["EstablishedTimeout", "901"],
    ["HealthCheckSwitch", "yes"], ["HealthCheckSwitch", "ON"],
    ["HealthCheckType", "udp"],
    ["HealthCheckConnectPort", "0"], ["HealthCheckConnectPort", "65536"],
    ["HealthCheckConnectTimeout", "0"], ["HealthCheckConnectTimeout", "301"],
    ["healthCheckInterval", "0"], ["healthCheckInterval", "51"], ["healthCheckInterval", "two"],
    ["HealthyThreshold", "1"], ["HealthyThreshold", "11"],
    ["UnhealthyThreshold", "1"], ["UnhealthyThreshold", "11"],
    ["HealthCheckDomain", ""], ["HealthCheckDomain", "a b"], ["HealthCheckDomain", "dom_ain"], ["HealthCheckDomain", "x".repeat(81)],
    ["HealthCheckDomain", "$_IP"],
    ["HealthCheckURI", "/"], ["HealthCheckURI", "health"], ["HealthCheckURI", "/a b"], ["HealthCheckURI", "/" + "a".repeat(80)],
    ["HealthCheckURI", "/ü"], ["HealthCheckURI", ""], ["HealthCheckURI", "/a?b"], ["HealthCheckURI", "/a=b"], ["HealthCheckURI", "/a_b"],
    ["HealthCheckHttpCode", "http_6xx"], ["HealthCheckHttpCode", "http_2xx,http_2xx"], ["HealthCheckHttpCode", ""],
    ["HealthCheckHttpCode", "http_2xx,"], ["HealthCheckHttpCode", "http_2xx http_3xx"],
    ["AclStatus", "ON"], ["AclType", "grey"],
    ["ConnectionDrain", "yes"], ["ConnectionDrainTimeout", "9"], ["ConnectionDrainTimeout", "901"],
    ["Description", "x".repeat(257)], ["Description", "bad!char"], ["Description", "<script>"], ["Description", "tab\there"],
    ["Description", ""], ["Description", "with space"], ["Description", "a,b"], ["Description", "Ünïcode"],
    ["ProxyProtocolV2Enabled", "yes"], ["ProxyProtocolV2Enabled", "TRUE"], ["ProxyProtocolV2Enabled", "1"],
    ["VServerGroupId", ""], ["AclId", "acl-a,,acl-b"], ["AclId", "acl-a,acl-a"],
];

// [parameter, good boundary value, Describe field, expected value]
const GOOD_CREATE_VALUES: [string, string, string, unknown][] = [
    ["ListenerPort", "1", "ListenerPort", 1], ["ListenerPort", "65535", "ListenerPort", 65535],
    ["BackendServerPort", "1", "BackendServerPort", 1], ["BackendServerPort", "65535", "BackendServerPort", 65535],
    ["Bandwidth", "1", "Bandwidth", 1], ["Bandwidth", "5120", "Bandwidth", 5120],
    ["Scheduler", "rr", "Scheduler", "rr"],
    ["PersistenceTimeout", "3600", "PersistenceTimeout", 3600],
    ["EstablishedTimeout", "10", "EstablishedTimeout", 10], ["EstablishedTimeout", "900", "EstablishedTimeout", 900],
    ["HealthCheckSwitch", "off", "HealthCheck", "off"],
    ["HealthCheckType", "http", "HealthCheckType", "http"],
    ["HealthCheckConnectPort", "65535", "HealthCheckConnectPort", 65535],
    ["HealthCheckConnectTimeout", "300", "HealthCheckConnectTimeout", 300],
    ["healthCheckInterval", "1", "HealthCheckInterval", 1],
    ["HealthyThreshold", "10", "HealthyThreshold", 10], ["UnhealthyThreshold", "2", "UnhealthyThreshold", 2],
    ["HealthCheckDomain", "$_ip", "HealthCheckDomain", ""], ["HealthCheckDomain", "a-b.example.com", "HealthCheckDomain", "a-b.example.com"],
    ["HealthCheckDomain", "x".repeat(80), "HealthCheckDomain", "x".repeat(80)],
    ["HealthCheckURI", "/health-z/a.b%20&y#f", "HealthCheckURI", "/health-z/a.b%20&y#f"],
    ["HealthCheckURI", "/" + "a".repeat(79), "HealthCheckURI", "/" + "a".repeat(79)],
    ["HealthCheckHttpCode", "http_5xx,http_2xx", "HealthCheckHttpCode", "http_5xx,http_2xx"],
    ["Description", "x", "Description", "x"],
    ["Description", "x".repeat(256), "Description", "x".repeat(256)],
    ["Description", "tcp_80-a/b.c", "Description", "tcp_80-a/b.c"],
    ["ProxyProtocolV2Enabled", "true", "ProxyProtocolV2Enabled", true],
];

describe("model: CreateLoadBalancerTCPListener", () => {
    let h: Harness;
    let lbId: string;
    beforeEach(async () => {
        h = harness();
        lbId = await h.lb();
    });

    it("creates a stopped listener whose Describe shows the documented defaults", async () => {
        await h.tcp(lbId, 80);
        expect(await h.describe(lbId, 80)).to.deep.equal({ LoadBalancerId: lbId, ...DEFAULT_DESCRIBE });
    });

    it("stores every sent setting and describes it with the Describe field names", async () => {
        const acl = (await h.call("CreateAccessControlList", { AclName: "office" })).AclId;
        await h.tcp(lbId, 80, {
            Bandwidth: 10, Scheduler: "rr", PersistenceTimeout: 60, EstablishedTimeout: 300, HealthCheckSwitch: "on",
            HealthCheckType: "http", HealthCheckConnectPort: 8081, HealthCheckConnectTimeout: 8, healthCheckInterval: 4,
            HealthyThreshold: 4, UnhealthyThreshold: 5, HealthCheckDomain: "example.com", HealthCheckURI: "/healthz",
            HealthCheckHttpCode: "http_2xx,http_3xx", AclStatus: "on", AclType: "white", AclId: acl, ConnectionDrain: "on",
            ConnectionDrainTimeout: 300, Description: "web_tcp", ProxyProtocolV2Enabled: true, "Tag.1.Key": "team", "Tag.1.Value": "web",
            "Tag.2.Key": "empty",
        });
        expect(await h.describe(lbId, 80)).to.deep.equal({
            LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 8080, Status: "stopped", Bandwidth: 10, Scheduler: "rr",
            SynProxy: "disable", PersistenceTimeout: 60, EstablishedTimeout: 300, HealthCheck: "on", HealthCheckType: "http",
            HealthCheckMethod: "http", HealthCheckConnectPort: 8081, HealthCheckConnectTimeout: 8, HealthCheckInterval: 4,
            HealthyThreshold: 4, UnhealthyThreshold: 5, HealthCheckDomain: "example.com", HealthCheckURI: "/healthz",
            HealthCheckHttpCode: "http_2xx,http_3xx", AclStatus: "on", AclType: "white", AclId: acl, AclIds: { AclId: [acl] },
            ConnectionDrain: "on", ConnectionDrainTimeout: 300, Description: "web_tcp", ProxyProtocolV2Enabled: true,
            Tags: { Tag: [{ TagKey: "team", TagValue: "web" }, { TagKey: "empty", TagValue: "" }] },
        });
    });

    it("rejects every out-of-range or malformed value with InvalidParameter naming the parameter", async () => {
        for (const [name, value] of BAD_CREATE_VALUES) {
            const e = await h.fail(CREATE, { LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 8080, Bandwidth: -1, [name]: value });
            expectApiError(e, 400, "InvalidParameter", `"${name}"`);
        }
        expect((await h.call("DescribeLoadBalancerListeners")).TotalCount).to.equal(0);
    });

    it("accepts the boundary values", async () => {
        let port = 1000;
        for (const [name, value, field, expected] of GOOD_CREATE_VALUES) {
            const p = name === "ListenerPort" ? Number(value) : ++port;
            await h.tcp(lbId, p, { [name]: value });
            expect((await h.describe(lbId, p))[field], `${name}=${value}`).to.deep.equal(expected);
            await h.call("DeleteLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: p });
        }
    });

    it("requires LoadBalancerId, ListenerPort, Bandwidth and BackendServerPort (or a vServer group)", async () => {
        const full: Params = { LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1 };
        for (const name of ["LoadBalancerId", "ListenerPort", "Bandwidth", "BackendServerPort"]) {
            expectApiError(await h.fail(CREATE, { ...full, [name]: undefined }), 400, "MissingParameter", `"${name}"`);
        }
        // An empty mandatory parameter counts as missing; an empty optional one is an invalid value.
        for (const name of ["LoadBalancerId", "ListenerPort", "Bandwidth"]) {
            expectApiError(await h.fail(CREATE, { ...full, [name]: "" }), 400, "MissingParameter", `"${name}"`);
        }
        expectApiError(await h.fail(CREATE, { ...full, BackendServerPort: "" }), 400, "InvalidParameter", `"BackendServerPort"`);
    });

    it("answers an unknown load balancer with 404 InvalidLoadBalancerId.NotFound", async () => {
        expectApiError(await h.fail(CREATE, { LoadBalancerId: "lb-doesnotexist0000000", ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1 }),
            404, "InvalidLoadBalancerId.NotFound");
    });

    it("ignores HealthCheckInterval (capital H) on Create: the service default applies", async () => {
        await h.tcp(lbId, 80, { HealthCheckInterval: 10 });
        expect((await h.describe(lbId, 80)).HealthCheckInterval).to.equal(2);
    });

    it("stores the interval as the connect timeout when the timeout is smaller (service quirk)", async () => {
        await h.tcp(lbId, 80, { HealthCheckConnectTimeout: 3, healthCheckInterval: 10 });
        expect(await h.describe(lbId, 80)).to.include({ HealthCheckConnectTimeout: 10, HealthCheckInterval: 10 });
        await h.tcp(lbId, 81, { healthCheckInterval: 7 }); // default timeout 5 < 7
        expect(await h.describe(lbId, 81)).to.include({ HealthCheckConnectTimeout: 7, HealthCheckInterval: 7 });
        await h.tcp(lbId, 82, { HealthCheckConnectTimeout: 20, healthCheckInterval: 10 });
        expect(await h.describe(lbId, 82)).to.include({ HealthCheckConnectTimeout: 20, HealthCheckInterval: 10 });
    });

    it("rejects a port already used by a TCP listener with ListenerAlreadyExists", async () => {
        await h.tcp(lbId, 80);
        expectApiError(await h.fail(CREATE, { LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 81, Bandwidth: -1 }),
            400, "ListenerAlreadyExists", "A listener with the specified port already exists");
    });

    it("rejects a port used by an HTTP/HTTPS listener with ListenerPortConflict but lets UDP share", async () => {
        h.seedListener(lbId, "http", 80);
        h.seedListener(lbId, "https", 443);
        h.seedListener(lbId, "udp", 53);
        expectApiError(await h.fail(CREATE, { LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1 }), 400, "ListenerPortConflict");
        expectApiError(await h.fail(CREATE, { LoadBalancerId: lbId, ListenerPort: 443, BackendServerPort: 80, Bandwidth: -1 }), 400, "ListenerPortConflict");
        await h.tcp(lbId, 53);
        expect((await h.describe(lbId, 53)).ListenerPort).to.equal(53);
    });

    it("attaches a vServer group (BackendServerPort optional and hidden while attached)", async () => {
        const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        await h.call(CREATE, { LoadBalancerId: lbId, ListenerPort: 80, Bandwidth: -1, VServerGroupId: rsp });
        const d = await h.describe(lbId, 80);
        expect(d.VServerGroupId).to.equal(rsp);
        expect(d).to.not.have.property("BackendServerPort");
        expect(d).to.not.have.property("MasterSlaveServerGroupId");
    });

    it("attaches a master-slave group (BackendServerPort still required, hidden while attached)", async () => {
        const ms = await masterSlaveGroup(h, lbId);
        expectApiError(await h.fail(CREATE, { LoadBalancerId: lbId, ListenerPort: 80, Bandwidth: -1, MasterSlaveServerGroupId: ms }),
            400, "MissingParameter", "BackendServerPort");
        await h.call(CREATE, { LoadBalancerId: lbId, ListenerPort: 80, Bandwidth: -1, BackendServerPort: 80, MasterSlaveServerGroupId: ms });
        const d = await h.describe(lbId, 80);
        expect(d.MasterSlaveServerGroupId).to.equal(ms);
        expect(d).to.not.have.property("VServerGroupId");
        expect(d).to.not.have.property("BackendServerPort");
    });

    it("enforces the server-group rules", async () => {
        const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        const ms = await masterSlaveGroup(h, lbId);
        const otherLb = await h.lb();
        const otherRsp = (await h.call("CreateVServerGroup", { LoadBalancerId: otherLb })).VServerGroupId;
        const base = { LoadBalancerId: lbId, ListenerPort: 80, Bandwidth: -1, BackendServerPort: 80 };
        expectApiError(await h.fail(CREATE, { ...base, VServerGroupId: rsp, MasterSlaveServerGroupId: ms }),
            400, "Abs.VServerGroupIdAndMasterSlaveServerGroupId.MissMatch");
        expectApiError(await h.fail(CREATE, { ...base, VServerGroupId: otherRsp }), 404, "InvalidParameter", "The specified VServerGroupId does not exist.");
        expectApiError(await h.fail(CREATE, { ...base, VServerGroupId: "rsp-nope" }), 404, "InvalidParameter", "The specified VServerGroupId does not exist.");
        expectApiError(await h.fail(CREATE, { ...base, MasterSlaveServerGroupId: "rsp-nope" }), 400, "InvalidParameter",
            "The specified MasterSlaveGroupId does not exist");
        expectApiError(await h.fail(CREATE, { ...base, MasterSlaveServerGroupId: otherRsp }), 400, "InvalidParameter",
            "The specified MasterSlaveGroupId does not exist");
    });

    it("enforces the ACL rules", async () => {
        const acl = (await h.call("CreateAccessControlList", { AclName: "a" })).AclId;
        const elsewhere = (await h.call("CreateAccessControlList", { AclName: "b" }, { region: "cn-beijing" })).AclId;
        const base = { LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1 };
        expectApiError(await h.fail(CREATE, { ...base, AclStatus: "on", AclType: "white" }), 400, "MissingParameter", "AclId");
        expectApiError(await h.fail(CREATE, { ...base, AclStatus: "on", AclId: acl }), 400, "MissingParameter", "AclType");
        expectApiError(await h.fail(CREATE, { ...base, AclStatus: "on", AclType: "black", AclId: "acl-missing" }), 400, "AclNotExist");
        expectApiError(await h.fail(CREATE, { ...base, AclStatus: "on", AclType: "black", AclId: elsewhere }), 400, "AclNotExist");
        expectApiError(await h.fail(CREATE, { ...base, AclStatus: "on", AclType: "black", AclId: `${acl},acl-missing` }), 400, "AclNotExist");
        // ACL settings sent while AclStatus is off are ignored.
        await h.tcp(lbId, 81, { AclType: "white", AclId: "acl-missing" });
        const d = await h.describe(lbId, 81);
        expect(d.AclStatus).to.equal("off");
        expect(d).to.not.have.any.keys("AclId", "AclIds", "AclType");
        const acl2 = (await h.call("CreateAccessControlList", { AclName: "c" })).AclId;
        await h.tcp(lbId, 82, { AclStatus: "on", AclType: "black", AclId: `${acl},${acl2}` });
        expect(await h.describe(lbId, 82)).to.include({ AclId: `${acl},${acl2}`, AclType: "black" });
        expect((await h.describe(lbId, 82)).AclIds).to.deep.equal({ AclId: [acl, acl2] });
    });

    it("requires ConnectionDrainTimeout when ConnectionDrain is on, and shows it only then", async () => {
        expectApiError(await h.fail(CREATE, { LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1, ConnectionDrain: "on" }),
            400, "MissingParameter", "ConnectionDrainTimeout");
        await h.tcp(lbId, 80, { ConnectionDrain: "off", ConnectionDrainTimeout: 100 });
        expect(await h.describe(lbId, 80)).to.not.have.property("ConnectionDrainTimeout");
        await h.tcp(lbId, 81, { ConnectionDrain: "on", ConnectionDrainTimeout: 100 });
        expect(await h.describe(lbId, 81)).to.include({ ConnectionDrain: "on", ConnectionDrainTimeout: 100 });
    });

    it("allows sch/tch only on performance-guaranteed instances", async () => {
        expectApiError(await h.fail(CREATE, { LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1, Scheduler: "sch" }),
            400, "InvalidParameterValue.SpecNotSupport");
        const spec = await h.lb({ LoadBalancerSpec: "slb.s1.small" });
        await h.tcp(spec, 80, { Scheduler: "tch" });
        expect((await h.describe(spec, 80)).Scheduler).to.equal("tch");
    });

    it("enforces the pay-by-bandwidth budget of the instance", async () => {
        const bw = await h.lb({ InternetChargeType: "paybybandwidth", Bandwidth: 10 });
        await h.tcp(bw, 80, { Bandwidth: 6 });
        expectApiError(await h.fail(CREATE, { LoadBalancerId: bw, ListenerPort: 81, BackendServerPort: 80, Bandwidth: 5 }), 400, "InvalidParameter",
            "exceeds the maximum bandwidth");
        await h.tcp(bw, 81, { Bandwidth: 4 });
    });

    it("validates listener tags (keys, values, counts)", async () => {
        const cases: [Params, string][] = [
            [{ "Tag.1.Key": "" }, "InvalidParam.TagKey"],
            [{ "Tag.1.Value": "orphan" }, "InvalidParam.TagKey"],
            [{ "Tag.1.Key": "k".repeat(65) }, "InvalidParam.TagKey"],
            [{ "Tag.1.Key": "aliyun-x" }, "InvalidParam.TagKey"],
            [{ "Tag.1.Key": "acs:x" }, "InvalidParam.TagKey"],
            [{ "Tag.1.Key": "see http://x" }, "InvalidParam.TagKey"],
            [{ "Tag.1.Key": "https://x" }, "InvalidParam.TagKey"],
            [{ "Tag.1.Key": "a", "Tag.2.Key": "a" }, "InvalidParam.TagKey"],
            [{ "Tag.1.Key": "k", "Tag.1.Value": "v".repeat(129) }, "InvalidParam.TagValue"],
            [{ "Tag.1.Key": "k", "Tag.1.Value": "http://x" }, "InvalidParam.TagValue"],
            [{ "Tag.1.Key": "k", "Tag.1.Value": "HTTPS://x" }, "InvalidParam.TagValue"],
            [{ "Tag.21.Key": "k" }, "SizeLimitExceeded.Tag"],
            [{ "Tag.0.Key": "k" }, "InvalidParameter"],
            [{ "Tag.01.Key": "k" }, "InvalidParameter"],
            [{ "Tag.x.Key": "k" }, "InvalidParameter"],
            [{ "Tag.1.Name": "k" }, "InvalidParameter"],
        ];
        for (const [tags, code] of cases) {
            const e = await h.fail(CREATE, { LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1, ...tags });
            expectApiError(e, 400, code);
        }
        const twenty: Params = {};
        for (let i = 1; i <= 20; i++) twenty[`Tag.${i}.Key`] = `k${i}`;
        await h.tcp(lbId, 80, { ...twenty, "Tag.1.Value": "v".repeat(128), "Tag.2.Key": "k".repeat(64), "Tag.3.Key": "中文标签" });
        expect((await h.describe(lbId, 80)).Tags.Tag).to.have.length(20);
        await h.tcp(lbId, 81, { "Tag.3.Key": "gap" }); // gaps in N are allowed
        expect((await h.describe(lbId, 81)).Tags).to.deep.equal({ Tag: [{ TagKey: "gap", TagValue: "" }] });
    });

    it("does not count a failed create against the port", async () => {
        await h.fail(CREATE, { LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1, AclStatus: "on" });
        await h.tcp(lbId, 80);
    });
});

describe("model: SetLoadBalancerTCPListenerAttribute", () => {
    let h: Harness;
    let lbId: string;
    const set = (params: Params) => h.call(SET, { LoadBalancerId: lbId, ListenerPort: 80, ...params });
    const setFails = (params: Params) => h.fail(SET, { LoadBalancerId: lbId, ListenerPort: 80, ...params });
    beforeEach(async () => {
        h = harness();
        lbId = await h.lb();
        await h.tcp(lbId, 80);
    });

    it("changes only the fields sent (Bandwidth optional), with Set's capital HealthCheckInterval", async () => {
        await set({ HealthCheckInterval: 4, Description: "x" });
        const d = await h.describe(lbId, 80);
        expect(d).to.deep.equal({ ...DEFAULT_DESCRIBE, LoadBalancerId: lbId, HealthCheckInterval: 4, HealthCheckConnectTimeout: 5, Description: "x" });
        await set({ healthCheckInterval: 9 }); // Create's spelling is ignored on Set
        expect((await h.describe(lbId, 80)).HealthCheckInterval).to.equal(4);
        await set({ Bandwidth: 20, PersistenceTimeout: 10 });
        expect(await h.describe(lbId, 80)).to.include({ Bandwidth: 20, PersistenceTimeout: 10, HealthCheckInterval: 4, Description: "x" });
    });

    it("clears the description with an empty string", async () => {
        await set({ Description: "something" });
        await set({ Description: "" });
        expect((await h.describe(lbId, 80)).Description).to.equal("");
    });

    it("applies the timeout quirk to the merged settings", async () => {
        await set({ HealthCheckInterval: 8 });
        expect(await h.describe(lbId, 80)).to.include({ HealthCheckConnectTimeout: 8, HealthCheckInterval: 8 });
        await set({ HealthCheckConnectTimeout: 3 });
        expect(await h.describe(lbId, 80)).to.include({ HealthCheckConnectTimeout: 8 });
        await set({ HealthCheckConnectTimeout: 30, HealthCheckInterval: 2 });
        expect(await h.describe(lbId, 80)).to.include({ HealthCheckConnectTimeout: 30, HealthCheckInterval: 2 });
    });

    it("validates the same ranges as Create", async () => {
        const bad: [string, string][] = [
            ["Bandwidth", "0"], ["Scheduler", "lc"], ["PersistenceTimeout", "3601"], ["EstablishedTimeout", "9"], ["HealthCheckSwitch", "1"],
            ["HealthCheckType", "icmp"], ["HealthCheckConnectPort", "0"], ["HealthCheckConnectTimeout", "301"], ["HealthCheckInterval", "51"],
            ["HealthCheckInterval", "0"], ["HealthyThreshold", "11"], ["UnhealthyThreshold", "1"], ["HealthCheckDomain", "a/b"],
            ["HealthCheckURI", "a"], ["HealthCheckURI", "/a?b"], ["HealthCheckHttpCode", "2xx"], ["AclStatus", "enabled"], ["AclType", "allow"], ["ConnectionDrain", "true"],
            ["ConnectionDrainTimeout", "1000"], ["Description", "no;semicolons"], ["ProxyProtocolV2Enabled", "on"], ["SynProxy", "on"],
            ["VServerGroup", "yes"], ["MasterSlaveServerGroup", "1"],
        ];
        for (const [name, value] of bad) expectApiError(await setFails({ [name]: value }), 400, "InvalidParameter", `"${name}"`);
        expectApiError(await h.fail(SET, { LoadBalancerId: lbId }), 400, "MissingParameter", "ListenerPort");
        // The values that restore a default on Set (MODEL.md): "/" for the URI, "" for the description.
        await set({ HealthCheckType: "http", HealthCheckURI: "/x", Description: "d" });
        await set({ HealthCheckURI: "/", Description: "" });
        expect(await h.describe(lbId, 80)).to.include({ HealthCheckURI: "/", Description: "" });
        expectApiError(await h.fail(SET, { ListenerPort: 80 }), 400, "MissingParameter", "LoadBalancerId");
    });

    it("sets SynProxy and ignores BackendServerPort and Tag (Create-only)", async () => {
        await set({ SynProxy: "enable", BackendServerPort: 9999, "Tag.1.Key": "x" });
        const d = await h.describe(lbId, 80);
        expect(d).to.include({ SynProxy: "enable", BackendServerPort: 8080 });
        expect(d.Tags).to.deep.equal({ Tag: [] });
    });

    it("answers a missing listener with 404 ListenerNotFound and a missing LB with InvalidLoadBalancerId.NotFound", async () => {
        expectApiError(await h.fail(SET, { LoadBalancerId: lbId, ListenerPort: 81 }), 404, "ListenerNotFound");
        expectApiError(await h.fail(SET, { LoadBalancerId: "lb-x", ListenerPort: 80 }), 404, "InvalidLoadBalancerId.NotFound");
    });

    it("switches vServer groups on and off", async () => {
        const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        await set({ VServerGroupId: rsp }); // id without VServerGroup=on is ignored
        expect(await h.describe(lbId, 80)).to.not.have.property("VServerGroupId");
        expectApiError(await setFails({ VServerGroup: "on" }), 400, "MissingParameter", "VServerGroupId");
        expectApiError(await setFails({ VServerGroup: "on", VServerGroupId: "rsp-nope" }), 404, "InvalidParameter", "The specified VServerGroupId does not exist.");
        await set({ VServerGroup: "on", VServerGroupId: rsp });
        let d = await h.describe(lbId, 80);
        expect(d.VServerGroupId).to.equal(rsp);
        expect(d).to.not.have.property("BackendServerPort");
        await set({ VServerGroup: "off" });
        d = await h.describe(lbId, 80);
        expect(d).to.not.have.property("VServerGroupId");
        expect(d.BackendServerPort).to.equal(8080);
    });

    it("refuses to detach the only backend of a listener without BackendServerPort", async () => {
        const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        await h.call(CREATE, { LoadBalancerId: lbId, ListenerPort: 90, Bandwidth: -1, VServerGroupId: rsp });
        expectApiError(await h.fail(SET, { LoadBalancerId: lbId, ListenerPort: 90, VServerGroup: "off" }), 400, "MissingParameter", "BackendServerPort");
        expect((await h.describe(lbId, 90)).VServerGroupId).to.equal(rsp);
    });

    it("enforces one group kind at a time", async () => {
        const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
        const ms = await masterSlaveGroup(h, lbId);
        const MISS = "Abs.VServerGroupIdAndMasterSlaveServerGroupId.MissMatch";
        expectApiError(await setFails({ VServerGroup: "on", VServerGroupId: rsp, MasterSlaveServerGroup: "on", MasterSlaveServerGroupId: ms }), 400, MISS);
        await set({ MasterSlaveServerGroup: "on", MasterSlaveServerGroupId: ms });
        expect((await h.describe(lbId, 80)).MasterSlaveServerGroupId).to.equal(ms);
        expectApiError(await setFails({ VServerGroup: "on", VServerGroupId: rsp }), 400, MISS);
        await set({ VServerGroup: "on", VServerGroupId: rsp, MasterSlaveServerGroup: "off" });
        const d = await h.describe(lbId, 80);
        expect(d.VServerGroupId).to.equal(rsp);
        expect(d).to.not.have.property("MasterSlaveServerGroupId");
        expectApiError(await setFails({ MasterSlaveServerGroup: "on", MasterSlaveServerGroupId: ms }), 400, MISS);
        expectApiError(await setFails({ MasterSlaveServerGroup: "on" }), 400, "MissingParameter", "MasterSlaveServerGroupId");
        expectApiError(await setFails({ VServerGroup: "off", MasterSlaveServerGroup: "on", MasterSlaveServerGroupId: "rsp-x" }), 400, "InvalidParameter",
            "The specified MasterSlaveGroupId does not exist");
    });

    it("limits scheduler conversions", async () => {
        await set({ Scheduler: "rr" });
        await set({ Scheduler: "wrr" });
        expectApiError(await setFails({ Scheduler: "sch" }), 400, "InvalidParameterValue.SpecNotSupport");
        const spec = await h.lb({ LoadBalancerSpec: "slb.s3.large" });
        await h.tcp(spec, 80);
        expectApiError(await h.fail(SET, { LoadBalancerId: spec, ListenerPort: 80, Scheduler: "sch" }), 400, "InvalidParameter", "Cannot convert the scheduler");
        await h.tcp(spec, 81, { Scheduler: "sch" });
        expectApiError(await h.fail(SET, { LoadBalancerId: spec, ListenerPort: 81, Scheduler: "rr" }), 400, "InvalidParameter", "Cannot convert the scheduler");
        expectApiError(await h.fail(SET, { LoadBalancerId: spec, ListenerPort: 81, Scheduler: "tch" }), 400, "InvalidParameter", "Cannot convert the scheduler");
        await h.call(SET, { LoadBalancerId: spec, ListenerPort: 81, Scheduler: "sch" }); // unchanged is fine
    });

    it("turns the ACL on and off, keeping it on when only other fields change", async () => {
        const acl = (await h.call("CreateAccessControlList", { AclName: "a" })).AclId;
        expectApiError(await setFails({ AclStatus: "on" }), 400, "MissingParameter", "AclId");
        expectApiError(await setFails({ AclStatus: "on", AclId: acl }), 400, "MissingParameter", "AclType");
        expectApiError(await setFails({ AclStatus: "on", AclId: "acl-nope", AclType: "white" }), 400, "AclNotExist");
        await set({ AclStatus: "on", AclId: acl, AclType: "white" });
        await set({ AclType: "black" });
        expect(await h.describe(lbId, 80)).to.include({ AclStatus: "on", AclId: acl, AclType: "black" });
        await set({ AclStatus: "off" });
        const d = await h.describe(lbId, 80);
        expect(d.AclStatus).to.equal("off");
        expect(d).to.not.have.any.keys("AclId", "AclIds", "AclType");
    });

    it("keeps the drain timeout while on and needs a new one after turning it off", async () => {
        expectApiError(await setFails({ ConnectionDrain: "on" }), 400, "MissingParameter", "ConnectionDrainTimeout");
        await set({ ConnectionDrain: "on", ConnectionDrainTimeout: 30 });
        await set({ ConnectionDrainTimeout: 60 });
        expect(await h.describe(lbId, 80)).to.include({ ConnectionDrain: "on", ConnectionDrainTimeout: 60 });
        await set({ ConnectionDrain: "off" });
        expect(await h.describe(lbId, 80)).to.not.have.property("ConnectionDrainTimeout");
        expectApiError(await setFails({ ConnectionDrain: "on" }), 400, "MissingParameter", "ConnectionDrainTimeout");
    });

    it("leaves the listener unchanged when a Set fails", async () => {
        const before = await h.describe(lbId, 80);
        await setFails({ Description: "new", HealthCheckInterval: 9, ConnectionDrain: "on" });
        expect(await h.describe(lbId, 80)).to.deep.equal(before);
    });

    it("answers Describe for a missing listener with InvalidParameter 'The specified resource does not exist.'", async () => {
        expectApiError(await h.fail("DescribeLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 81 }),
            400, "InvalidParameter", "The specified resource does not exist.");
        h.seedListener(lbId, "udp", 81);
        expectApiError(await h.fail("DescribeLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 81 }),
            400, "InvalidParameter", "The specified resource does not exist.");
        expectApiError(await h.fail("DescribeLoadBalancerTCPListenerAttribute", { LoadBalancerId: "lb-x", ListenerPort: 81 }),
            404, "InvalidLoadBalancerId.NotFound");
    });
});
