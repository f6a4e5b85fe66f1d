// Property tests: whatever parameters arrive (missing, empty, huge, unicode, garbage, real ids in wrong
// places), every action answers a body or a 4xx ApiError, never a TypeError or a 500, and the state stays
// snapshot-able.
import { expect } from "chai";
import fc from "fast-check";
import { ApiError } from "../../emulator/errors";
import { ACTIONS } from "../../emulator/model";
import { Harness, harness } from "./model-harness";

const PARAM_NAMES = [
    "LoadBalancerId", "ListenerPort", "BackendServerPort", "Bandwidth", "VServerGroupId", "MasterSlaveServerGroupId", "Scheduler",
    "PersistenceTimeout", "EstablishedTimeout", "HealthCheckSwitch", "HealthCheckType", "HealthCheckConnectPort", "HealthCheckConnectTimeout",
    "healthCheckInterval", "HealthCheckInterval", "HealthyThreshold", "UnhealthyThreshold", "HealthCheckDomain", "HealthCheckURI",
    "HealthCheckHttpCode", "AclStatus", "AclType", "AclId", "ConnectionDrain", "ConnectionDrainTimeout", "Description", "ProxyProtocolV2Enabled",
    "VServerGroup", "MasterSlaveServerGroup", "SynProxy", "ListenerProtocol", "MaxResults", "NextToken", "LoadBalancerId.1", "LoadBalancerId.11",
    "Tag.1.Key", "Tag.1.Value", "Tag.2.Key", "Tag.20.Value", "Tag.21.Key", "Tag.0.Key", "Tag.a.Key", "Tag.1", "Tag.", "ResourceType",
    "ResourceId.1", "ResourceId.2", "TagKey.1", "All", "AclName", "AclEntrys", "AddressIPVersion", "BackendServers", "VServerGroupName",
    "MasterSlaveBackendServers", "LoadBalancerName", "AddressType", "VSwitchId", "VpcId", "Address", "LoadBalancerSpec", "PayType",
    "InternetChargeType", "DeleteProtection", "ClientToken", "PageNumber", "PageSize", "IncludeListener", "__proto__", "constructor", "toString",
];

function values(ids: string[]): fc.Arbitrary<string> {
    return fc.oneof(
        fc.constantFrom(...ids),
        fc.constantFrom("", " ", "-1", "0", "1", "80", "65535", "65536", "5120", "1e3", "0x10", "NaN", "Infinity", "true", "false", "on", "off",
            "tcp", "udp", "http", "wrr", "sch", "white", "instance", "listener", "acl", "vservergroup", "masterslaveservergroup", "$_ip", "/", "/ok",
            "http_2xx", "null", "[]", "{}", "[{}]", "[null]", '[{"ServerId":"i-a","Port":80}]', '[{"entry":"10.0.0.0/8"}]',
            '[{"ServerId":"i-a","Port":80,"ServerType":"Master"},{"ServerId":"i-b","Port":80,"ServerType":"Slave"}]', "x".repeat(10_000),
            "\u0000", "😀".repeat(70), "a,b,,c", "__proto__"),
        fc.string({ maxLength: 40 }),
        fc.string({ unit: "binary", maxLength: 40 }),
        fc.integer({ min: -100_000, max: 100_000 }).map(String),
        fc.json({ maxDepth: 2 }),
    );
}

async function fixture(): Promise<{ h: Harness; ids: string[] }> {
    const h = harness({ transitionMs: 5, changeMs: 0 });
    const lbId = await h.lb({ LoadBalancerSpec: "slb.s1.small" });
    await h.tcp(lbId, 80);
    const rsp = (await h.call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
    const acl = (await h.call("CreateAccessControlList", { AclName: "fuzz" })).AclId;
    const ms = (await h.call("CreateMasterSlaveServerGroup", {
        LoadBalancerId: lbId,
        MasterSlaveBackendServers: JSON.stringify([{ ServerId: "i-a", Port: 80, ServerType: "Master" }, { ServerId: "i-b", Port: 80, ServerType: "Slave" }]),
    })).MasterSlaveServerGroupId;
    return { h, ids: [lbId, `${lbId}_tcp_80`, rsp, acl, ms] };
}

async function expectWellBehaved(h: Harness, action: string, params: Record<string, string>): Promise<void> {
    try {
        const body = await h.call(action, params);
        expect(body, action).to.be.an("object");
        JSON.stringify(body);
    } catch (e) {
        if (!(e instanceof ApiError)) throw new Error(`${action} ${JSON.stringify(params).slice(0, 300)} threw ${String(e)}`);
        expect(e.status, `${action}: ${e.code} ${e.message}`).to.be.within(400, 499);
    }
}

describe("model: robustness under arbitrary input", function () {
    this.timeout(20_000);

    it("answers every action with a body or a 4xx ApiError", async () => {
        const { h, ids } = await fixture();
        await fc.assert(
            fc.asyncProperty(fc.constantFrom(...ACTIONS), fc.dictionary(fc.constantFrom(...PARAM_NAMES), values(ids), { maxKeys: 12 }),
                async (action, params) => {
                    h.advance(3);
                    await expectWellBehaved(h, action, params);
                }),
            { numRuns: 1500 },
        );
        const snap = h.model.snapshot();
        expect(JSON.parse(JSON.stringify(snap))).to.deep.equal(snap);
        h.model.restore(snap);
    });

    it("survives random keys and values for every action", async () => {
        const { h, ids } = await fixture();
        await fc.assert(
            fc.asyncProperty(fc.constantFrom(...ACTIONS), fc.dictionary(fc.string({ maxLength: 20 }), values(ids), { maxKeys: 6 }),
                async (action, params) => expectWellBehaved(h, action, params)),
            { numRuns: 500 },
        );
    });
});
