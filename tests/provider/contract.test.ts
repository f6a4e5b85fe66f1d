// The documented contract, exactly: the same boundary values of every rule on the CreateLoadBalancerTCPListener
// API page go to check() and, through the real SDK with the provider's own wire mapping, to the emulator. Both
// must give the same verdict: accepted, or rejected naming the same input. The few rules where the provider is
// deliberately stricter than the page are listed apart, so each one stays a choice.
import { expect } from "chai";
import { startEmulator, Emulator } from "../../emulator";
import { SlbApiError, propertyOf } from "../../provider/api/errors";
import { createParams } from "../../provider/core/mapping";
import { validateInputs } from "../../provider";
import { TCP } from "../../provider/protocols";
import { REGION } from "../support/provider-fixture";
import { SlbClient, slbClient } from "../support/slb-client";

type Props = Record<string, unknown>;
type Verdict = "accepted" | { rejected: string[] };

interface Case {
    /** What the case probes, for the test name. */
    readonly rule: string;
    /** Inputs over the valid base (undefined removes a base input). */
    readonly inputs: Props;
    readonly accepted: boolean;
}

const ok = (rule: string, inputs: Props): Case => ({ rule, inputs, accepted: true });
const bad = (rule: string, inputs: Props): Case => ({ rule, inputs, accepted: false });

/** Every integer range of the page at both ends, one step inside and one outside. */
function range(input: string, min: number, max: number, extra: Props = {}): Case[] {
    return [
        bad(`${input} ${min - 1}`, { ...extra, [input]: min - 1 }), ok(`${input} ${min}`, { ...extra, [input]: min }),
        ok(`${input} ${max}`, { ...extra, [input]: max }), bad(`${input} ${max + 1}`, { ...extra, [input]: max + 1 }),
    ];
}

const http = { healthCheckType: "http" };
const x = (n: number) => "x".repeat(n);

function cases(groups: { vsg: string; msg: string; acl: string }): Case[] {
    return [
        ...range("listenerPort", 1, 65535),
        ...range("backendServerPort", 1, 65535),
        bad("backendServerPort missing without vServerGroupId", { backendServerPort: undefined }),
        bad("backendServerPort missing with only a primary/secondary group", { backendServerPort: undefined, masterSlaveServerGroupId: groups.msg }),
        ok("backendServerPort missing with vServerGroupId", { backendServerPort: undefined, vServerGroupId: groups.vsg }),
        bad("vServerGroupId together with masterSlaveServerGroupId", { vServerGroupId: groups.vsg, masterSlaveServerGroupId: groups.msg }),
        ok("masterSlaveServerGroupId with backendServerPort", { masterSlaveServerGroupId: groups.msg }),
        bad("bandwidth -2", { bandwidth: -2 }), ok("bandwidth -1", { bandwidth: -1 }), bad("bandwidth 0", { bandwidth: 0 }),
        ok("bandwidth 1", { bandwidth: 1 }), ok("bandwidth 5120", { bandwidth: 5120 }), bad("bandwidth 5121", { bandwidth: 5121 }),
        ...["wrr", "rr", "sch", "tch"].map((s) => ok(`scheduler ${s}`, { scheduler: s })),
        bad("scheduler wlc", { scheduler: "wlc" }), bad("scheduler WRR", { scheduler: "WRR" }),
        ...range("persistenceTimeout", 0, 3600),
        ...range("establishedTimeout", 10, 900),
        ...range("healthyThreshold", 2, 10),
        ...range("unhealthyThreshold", 2, 10),
        ...range("healthCheckConnectTimeout", 1, 300),
        ...range("healthCheckConnectPort", 1, 65535),
        ...range("healthCheckInterval", 1, 50),
        ok("healthCheckType tcp", { healthCheckType: "tcp" }), ok("healthCheckType http", http), bad("healthCheckType udp", { healthCheckType: "udp" }),
        ok("healthCheckSwitch off", { healthCheckSwitch: "off" }), bad("healthCheckSwitch yes", { healthCheckSwitch: "yes" }),
        ok("healthCheckDomain $_ip", { ...http, healthCheckDomain: "$_ip" }),
        ok("healthCheckDomain of 1 character", { ...http, healthCheckDomain: "a" }),
        ok("healthCheckDomain of 80 characters", { ...http, healthCheckDomain: x(80) }),
        ok("healthCheckDomain with - and .", { ...http, healthCheckDomain: "a-b.example.com" }),
        bad("healthCheckDomain of 81 characters", { ...http, healthCheckDomain: x(81) }),
        bad("healthCheckDomain empty", { ...http, healthCheckDomain: "" }),
        bad("healthCheckDomain with _", { ...http, healthCheckDomain: "a_b" }),
        bad("healthCheckDomain with a space", { ...http, healthCheckDomain: "a b" }),
        ok("healthCheckUri /a", { ...http, healthCheckUri: "/a" }),
        ok("healthCheckUri of 80 characters", { ...http, healthCheckUri: `/${x(79)}` }),
        ok("healthCheckUri with - / . % # &", { ...http, healthCheckUri: "/a-b/c.d%20#e&f" }),
        bad("healthCheckUri /", { ...http, healthCheckUri: "/" }),
        bad("healthCheckUri of 81 characters", { ...http, healthCheckUri: `/${x(80)}` }),
        bad("healthCheckUri not starting with /", { ...http, healthCheckUri: "a" }),
        ...["?", "=", "_", " ", "é"].map((c) => bad(`healthCheckUri with ${JSON.stringify(c)}`, { ...http, healthCheckUri: `/a${c}b` })),
        ...["http_2xx", "http_3xx", "http_4xx", "http_5xx", "http_2xx,http_3xx"].map((c) => ok(`healthCheckHttpCode ${c}`, { ...http, healthCheckHttpCode: c })),
        bad("healthCheckHttpCode http_6xx", { ...http, healthCheckHttpCode: "http_6xx" }),
        bad("healthCheckHttpCode empty", { ...http, healthCheckHttpCode: "" }),
        bad("healthCheckHttpCode with a trailing comma", { ...http, healthCheckHttpCode: "http_2xx," }),
        ok("aclStatus on with aclId and aclType", { aclStatus: "on", aclId: groups.acl, aclType: "white" }),
        bad("aclStatus on without aclId", { aclStatus: "on", aclType: "white" }),
        bad("aclStatus on without aclType", { aclStatus: "on", aclId: groups.acl }),
        bad("aclType grey", { aclStatus: "on", aclId: groups.acl, aclType: "grey" }),
        bad("aclStatus yes", { aclStatus: "yes" }),
        bad("connectionDrain on without connectionDrainTimeout", { connectionDrain: "on" }),
        ...range("connectionDrainTimeout", 10, 900, { connectionDrain: "on" }),
        ok("description of 1 character", { description: "x" }),
        ok("description of 256 characters", { description: x(256) }),
        ok("description with - / . _", { description: "tcp_80-a/b.c" }),
        bad("description of 257 characters", { description: x(257) }),
        bad("description empty", { description: "" }),
        ...[" ", ",", "é", "中", "!"].map((c) => bad(`description with ${JSON.stringify(c)}`, { description: `a${c}b` })),
        ok("proxyProtocolV2Enabled true", { proxyProtocolV2Enabled: true }),
        ok("tag key of 64 characters", { tags: { [x(64)]: "v" } }),
        bad("tag key of 65 characters", { tags: { [x(65)]: "v" } }),
        bad("tag key empty", { tags: { "": "v" } }),
        ...["acs:k", "aliyunk", "ACS:k", "a-http://b", "a-https://b"].map((k) => bad(`tag key ${k}`, { tags: { [k]: "v" } })),
        ok("tag value empty", { tags: { k: "" } }),
        ok("tag value of 128 characters", { tags: { k: x(128) } }),
        ok("tag value containing acs: later", { tags: { k: "v-acs:x" } }),
        bad("tag value of 129 characters", { tags: { k: x(129) } }),
        ...["acs:v", "aliyunv", "Aliyun-v", "see http://x", "https://x"].map((v) => bad(`tag value ${v}`, { tags: { k: v } })),
        ok("19 tags (the 20th is the ownership tag)", { tags: Object.fromEntries(Array.from({ length: 19 }, (_, i) => [`k${i}`, "v"])) }),
        bad("20 tags (21 with the ownership tag)", { tags: Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "v"])) }),
    ];
}

/**
 * Where the provider refuses what the service accepts, and why (each is in the README and the note):
 * settings that would have no effect (they are ignored by the service, so writing them is a mistake), and a
 * timeout shorter than an interval the user also wrote (the service would silently use the interval).
 */
function stricterCases(groups: { acl: string }): Case[] {
    return [
        bad("healthCheckUri while healthCheckType is tcp", { healthCheckUri: "/a" }),
        bad("healthCheckDomain while healthCheckType is tcp", { healthCheckDomain: "a" }),
        bad("healthCheckHttpCode while healthCheckType is tcp", { healthCheckHttpCode: "http_2xx" }),
        bad("aclId while aclStatus is off", { aclId: groups.acl }),
        bad("aclType while aclStatus is off", { aclType: "white" }),
        bad("connectionDrainTimeout while connectionDrain is off", { connectionDrainTimeout: 60 }),
        bad("healthCheckConnectTimeout below a healthCheckInterval also written", { healthCheckConnectTimeout: 3, healthCheckInterval: 4 }),
    ];
}

describe("the documented contract: check() and the emulator agree on every rule of the API page", function () {
    this.timeout(60000);
    let emulator: Emulator;
    let slb: SlbClient;
    let lbId: string;
    let groups: { vsg: string; msg: string; acl: string };
    let nextPort = 1000;

    before(async () => {
        emulator = await startEmulator({ timings: { transitionMs: 5, changeMs: 0 } });
        slb = slbClient(emulator.endpoint);
        // A performance-guaranteed instance, so that sch and tch are allowed (the page: high-performance only).
        lbId = (await slb.call("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: "contract", LoadBalancerSpec: "slb.s2.small" })).LoadBalancerId;
        const vsg = (await slb.call("CreateVServerGroup", { RegionId: REGION, LoadBalancerId: lbId, VServerGroupName: "vs" })).VServerGroupId;
        const msg = (await slb.call("CreateMasterSlaveServerGroup", {
            RegionId: REGION, LoadBalancerId: lbId, MasterSlaveServerGroupName: "ms",
            MasterSlaveBackendServers: JSON.stringify([
                { ServerId: "i-aaaa", Port: 80, Weight: 100, ServerType: "Master" },
                { ServerId: "i-bbbb", Port: 80, Weight: 100, ServerType: "Slave" },
            ]),
        })).MasterSlaveServerGroupId;
        const acl = (await slb.call("CreateAccessControlList", { RegionId: REGION, AclName: "contract" })).AclId;
        groups = { vsg, msg, acl };
    });
    after(() => emulator.close());

    function inputsOf(c: Case): Props {
        const inputs: Props = { loadBalancerId: lbId, listenerPort: nextPort++, bandwidth: -1, backendServerPort: 80, ...c.inputs };
        for (const k of Object.keys(inputs)) if (inputs[k] === undefined) delete inputs[k];
        return inputs;
    }

    function providerVerdict(inputs: Props): Verdict {
        const failures = validateInputs(inputs);
        return failures.length === 0 ? "accepted" : { rejected: [...new Set(failures.map((f) => f.property))] };
    }

    /** The emulator's verdict on the Create the provider would send; an accepted listener is deleted again. */
    async function emulatorVerdict(inputs: Props): Promise<Verdict> {
        try {
            await slb.call("CreateLoadBalancerTCPListener", createParams(TCP, inputs, REGION, "contract/test/l"));
        } catch (raw) {
            const e = raw as { code?: string; statusCode?: number; data?: { Message?: string; RequestId?: string } };
            const error = new SlbApiError("CreateLoadBalancerTCPListener", e.code ?? "", e.data?.Message ?? "", e.data?.RequestId, e.statusCode);
            return { rejected: [propertyOf(TCP, error) ?? `(${error.code}: ${error.apiMessage})`] };
        }
        await slb.call("DeleteLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: inputs.listenerPort });
        return "accepted";
    }

    it("gives the same verdict for the boundary values of every documented rule", async () => {
        const disagreements: string[] = [];
        const all = cases(groups);
        for (const c of all) {
            const inputs = inputsOf(c);
            const provider = providerVerdict(inputs);
            const service = await emulatorVerdict(inputs);
            const expected = c.accepted ? "accepted" : "rejected";
            const agree = provider === "accepted"
                ? service === "accepted"
                // The emulator stops at the first bad parameter; check() reports all: the first must be among them.
                : service !== "accepted" && service.rejected.every((p) => provider.rejected.includes(p));
            const asDocumented = (provider === "accepted") === c.accepted;
            if (!agree || !asDocumented) {
                disagreements.push(`${c.rule}: documented ${expected}; check() ${JSON.stringify(provider)}; emulator ${JSON.stringify(service)}`);
            }
        }
        expect(disagreements, disagreements.join("\n")).to.deep.equal([]);
        expect(all.length).to.be.greaterThan(100);
    });

    it("is stricter than the page only where listed: settings without effect, and a timeout below a written interval", async () => {
        const unexpected: string[] = [];
        for (const c of stricterCases(groups)) {
            const inputs = inputsOf(c);
            const provider = providerVerdict(inputs);
            const service = await emulatorVerdict(inputs);
            const firstName = Object.keys(c.inputs)[0];
            if (provider === "accepted" || !provider.rejected.includes(firstName) || service !== "accepted") {
                unexpected.push(`${c.rule}: check() ${JSON.stringify(provider)}; emulator ${JSON.stringify(service)}`);
            }
        }
        expect(unexpected, unexpected.join("\n")).to.deep.equal([]);
    });
});
