// The documented contract, exactly: the same boundary values of every rule on a protocol's Create API page
// (CreateLoadBalancerTCPListener, CreateLoadBalancerUDPListener) go to check() and, through the real SDK with the
// provider's own wire mapping, to the emulator. Both must give the same verdict: accepted, or rejected naming the
// same input. The boundary values of every integer range, listed value and text rule are drawn from the protocol's
// field table; what the table cannot say (cross-field rules, the extra checks, tags, UDP's reserved ports and probe
// strings) is written out per protocol. The few rules where the provider is deliberately stricter than the page are
// listed apart, so each one stays a choice.
import { expect } from "chai";
import { startEmulator, Emulator } from "../../emulator";
import { SlbApiError, propertyOf } from "../../provider/api/errors";
import { FieldSpec } from "../../provider/core/fields";
import { createParams } from "../../provider/core/mapping";
import { Protocol } from "../../provider/core/protocol";
import { validateInputs } from "../../provider/core/validate";
import { TCP, UDP } from "../../provider/protocols";
import { REGION } from "../support/provider-fixture";
import { SlbClient, slbClient } from "../support/slb-client";

type Props = Record<string, unknown>;
type Verdict = "accepted" | { rejected: string[] };
interface Groups {
    readonly vsg: string;
    readonly msg: string;
    readonly acl: string;
}

interface Case {
    /** What the case probes, for the test name. */
    readonly rule: string;
    /** Inputs over the valid base (undefined removes a base input). */
    readonly inputs: Props;
    readonly accepted: boolean;
}

const ok = (rule: string, inputs: Props): Case => ({ rule, inputs, accepted: true });
const bad = (rule: string, inputs: Props): Case => ({ rule, inputs, accepted: false });
const x = (n: number) => "x".repeat(n);
const tags = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, "v"]));

/** Fields that name another resource: their values must exist, so their boundaries are not the table's to draw. */
const isReference = (f: FieldSpec) => /Id$/.test(f.input);

/** A valid value of a field, for the inputs a condition needs (aclStatus on needs aclId and aclType). */
function validValue(f: FieldSpec, groups: Groups): unknown {
    if (f.input === "aclId") return groups.acl;
    if (f.values) return f.values[0];
    if (f.range) return f.range.min;
    return "x";
}

/** The fields that must come along when `field` has `value` (aclStatus on needs aclId and aclType). */
function companionsOf(protocol: Protocol, field: string, value: unknown, groups: Groups): Props {
    const needed = protocol.fields.filter((g) => g.requiredWhenApplies && g.appliesWhen?.field === field && g.appliesWhen.equals === value);
    return Object.fromEntries(needed.map((g) => [g.input, validValue(g, groups)]));
}

/** The inputs under which a field takes effect: its condition and the fields that condition requires. */
function conditionOf(protocol: Protocol, f: FieldSpec, groups: Groups): Props {
    const when = f.appliesWhen;
    return when ? { [when.field]: when.equals, ...companionsOf(protocol, when.field, when.equals, groups) } : {};
}

/**
 * The boundary values the table gives for every field the Create carries: both ends of each integer range, one step
 * inside and one outside, and its isolated extra values; every listed value and two that are not; the shortest and
 * longest text, one character too many, the empty string and a character the pattern does not allow.
 */
function tableCases(protocol: Protocol, groups: Groups): Case[] {
    const out: Case[] = [];
    for (const f of protocol.fields) {
        if (!f.api?.create || isReference(f) || f.check) continue;
        const on = conditionOf(protocol, f, groups);
        const at = (rule: string, value: unknown, accepted: boolean) => out.push({ rule: `${f.input} ${rule}`, inputs: { ...on, [f.input]: value }, accepted });
        if (f.kind === "integer" && f.range) {
            const { min, max, also = [] } = f.range;
            at(String(min - 1), min - 1, also.includes(min - 1));
            at(String(min), min, true);
            at(String(max), max, true);
            at(String(max + 1), max + 1, false);
            for (const v of also) {
                at(String(v), v, true);
                if (!also.includes(v - 1) && v - 1 < min) at(String(v - 1), v - 1, false);
            }
        } else if (f.kind === "string" && f.values) {
            for (const v of f.values) out.push(ok(`${f.input} ${v}`, { ...on, ...companionsOf(protocol, f.input, v, groups), [f.input]: v }));
            at(JSON.stringify(f.values[0].toUpperCase()), f.values[0].toUpperCase(), false);
            at('"x"', "x", false);
        } else if (f.kind === "string" && f.text) {
            const { min, max } = f.text;
            at(`of ${min} character(s)`, x(min), true);
            at(`of ${max} characters`, x(max), true);
            at(`of ${max + 1} characters`, x(max + 1), false);
            if (min > 0) at("empty", "", false);
            at("with a space", "a b", false);
        } else if (f.kind === "boolean") {
            at("true", true, true);
            at("false", false, true);
        }
    }
    return out;
}

/** The rules of every protocol the table cannot say: backends and groups, ACLs, descriptions' characters, tags. */
function sharedCases(groups: Groups): Case[] {
    return [
        bad("backendServerPort missing without vServerGroupId", { backendServerPort: undefined }),
        bad("backendServerPort missing with only a primary/secondary group", { backendServerPort: undefined, masterSlaveServerGroupId: groups.msg }),
        ok("backendServerPort missing with vServerGroupId", { backendServerPort: undefined, vServerGroupId: groups.vsg }),
        bad("vServerGroupId together with masterSlaveServerGroupId", { vServerGroupId: groups.vsg, masterSlaveServerGroupId: groups.msg }),
        ok("masterSlaveServerGroupId with backendServerPort", { masterSlaveServerGroupId: groups.msg }),
        bad("scheduler wlc (older pages)", { scheduler: "wlc" }),
        ok("aclStatus on with aclId and aclType", { aclStatus: "on", aclId: groups.acl, aclType: "white" }),
        bad("aclStatus on without aclId", { aclStatus: "on", aclType: "white" }),
        bad("aclStatus on without aclType", { aclStatus: "on", aclId: groups.acl }),
        ok("description with - / . _", { description: "l_80-a/b.c" }),
        ...[",", "é", "中", "!"].map((c) => bad(`description with ${JSON.stringify(c)}`, { description: `a${c}b` })),
        ok("tag key of 64 characters", { tags: { [x(64)]: "v" } }),
        bad("tag key of 65 characters", { tags: { [x(65)]: "v" } }),
        bad("tag key empty", { tags: { "": "v" } }),
        ...["acs:k", "aliyunk", "ACS:k", "a-http://b", "a-https://b"].map((k) => bad(`tag key ${k}`, { tags: { [k]: "v" } })),
        ok("tag value empty", { tags: { k: "" } }),
        ok("tag value of 128 characters", { tags: { k: x(128) } }),
        ok("tag value containing acs: later", { tags: { k: "v-acs:x" } }),
        bad("tag value of 129 characters", { tags: { k: x(129) } }),
        ...["acs:v", "aliyunv", "Aliyun-v", "see http://x", "https://x"].map((v) => bad(`tag value ${v}`, { tags: { k: v } })),
        ok("19 tags (the 20th is the ownership tag)", { tags: tags(19) }),
        bad("20 tags (21 with the ownership tag)", { tags: tags(20) }),
    ];
}

const http = { healthCheckType: "http" };

function tcpCases(): Case[] {
    return [
        // UDP keeps these ports; TCP may use them.
        ...[250, 4789, 4790].map((port) => ok(`listenerPort ${port} (reserved on UDP only)`, { listenerPort: port })),
        bad("scheduler qch (UDP only)", { scheduler: "qch" }),
        ok("healthCheckDomain $_ip", { ...http, healthCheckDomain: "$_ip" }),
        ok("healthCheckDomain with - and .", { ...http, healthCheckDomain: "a-b.example.com" }),
        bad("healthCheckDomain with _", { ...http, healthCheckDomain: "a_b" }),
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
        bad("connectionDrain on without connectionDrainTimeout", { connectionDrain: "on" }),
    ];
}

function udpCases(): Case[] {
    const probes = ["healthCheckReq", "healthCheckExp"];
    return [
        ...[250, 4789, 4790].map((port) => bad(`listenerPort ${port} (reserved on UDP)`, { listenerPort: port })),
        ...[249, 251, 4788, 4791].map((port) => ok(`listenerPort ${port} (next to a reserved one)`, { listenerPort: port })),
        ...probes.flatMap((p) => [
            ok(`${p} of letters and digits`, { [p]: "Ping01" }),
            ok(`${p} of digits only`, { [p]: "0123456789" }),
            ...["_", "-", ".", "é", "%"].map((c) => bad(`${p} with ${JSON.stringify(c)}`, { [p]: `a${c}b` })),
        ]),
        ok("healthCheckReq without healthCheckExp", { healthCheckReq: "ping" }),
        ok("healthCheckExp without healthCheckReq", { healthCheckExp: "pong" }),
        ok("both probe strings with the check off", { healthCheckSwitch: "off", healthCheckReq: "ping", healthCheckExp: "pong" }),
        ok("qch with persistence", { scheduler: "qch", persistenceTimeout: 3600 }),
        ok("thresholds at both ends together", { healthyThreshold: 2, unhealthyThreshold: 10 }),
    ];
}

/**
 * Where the provider refuses what the service accepts, and why (each is in the README and the note):
 * settings that would have no effect (they are ignored by the service, so writing them is a mistake), and a
 * timeout shorter than an interval the user also wrote (the service would silently use the interval).
 */
function stricterCases(protocol: Protocol, groups: Groups): Case[] {
    const shared = [
        bad("aclId while aclStatus is off", { aclId: groups.acl }),
        bad("aclType while aclStatus is off", { aclType: "white" }),
        bad("healthCheckConnectTimeout below a healthCheckInterval also written", { healthCheckConnectTimeout: 3, healthCheckInterval: 4 }),
    ];
    if (protocol === TCP) {
        return [
            bad("healthCheckUri while healthCheckType is tcp", { healthCheckUri: "/a" }),
            bad("healthCheckDomain while healthCheckType is tcp", { healthCheckDomain: "a" }),
            bad("healthCheckHttpCode while healthCheckType is tcp", { healthCheckHttpCode: "http_2xx" }),
            bad("connectionDrainTimeout while connectionDrain is off", { connectionDrainTimeout: 60 }),
            ...shared,
        ];
    }
    // The UDP actions ignore TCP's parameters; a program that writes them on a UdpListener is mistaken.
    return [
        bad("healthCheckType (TCP only)", { healthCheckType: "tcp" }),
        bad("establishedTimeout (TCP only)", { establishedTimeout: 60 }),
        bad("connectionDrain (TCP only)", { connectionDrain: "off" }),
        bad("healthCheckUri (TCP only)", { healthCheckUri: "/a" }),
        ...shared,
    ];
}

for (const [protocol, ownCases, atLeast] of [[TCP, tcpCases, 140], [UDP, udpCases, 120]] as const) {
    describe(`the documented contract (${protocol.spec.title}): check() and the emulator agree on every rule of ${protocol.spec.actions.create}`, function () {
        this.timeout(60000);
        let emulator: Emulator;
        let slb: SlbClient;
        let lbId: string;
        let groups: Groups;
        let nextPort = 1000;

        before(async () => {
            emulator = await startEmulator({ timings: { transitionMs: 5, changeMs: 0 } });
            slb = slbClient(emulator.endpoint);
            // A performance-guaranteed instance, so that the hashing schedulers are allowed (the page: high-performance only).
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
            const failures = validateInputs(protocol, inputs);
            return failures.length === 0 ? "accepted" : { rejected: [...new Set(failures.map((f) => f.property))] };
        }

        /** The emulator's verdict on the Create the provider would send; an accepted listener is deleted again. */
        async function emulatorVerdict(inputs: Props): Promise<Verdict> {
            const action = protocol.spec.actions.create;
            try {
                await slb.call(action, createParams(protocol, inputs, REGION, "contract/test/l"));
            } catch (raw) {
                const e = raw as { code?: string; statusCode?: number; data?: { Message?: string; RequestId?: string } };
                const error = new SlbApiError(action, e.code ?? "", e.data?.Message ?? "", e.data?.RequestId, e.statusCode);
                return { rejected: [propertyOf(protocol, error) ?? `(${error.code}: ${error.apiMessage})`] };
            }
            await slb.call("DeleteLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: inputs.listenerPort, ListenerProtocol: protocol.name });
            return "accepted";
        }

        it("gives the same verdict for the boundary values of every documented rule", async () => {
            const disagreements: string[] = [];
            const all = [...tableCases(protocol, groups), ...sharedCases(groups), ...ownCases()];
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
            // A guard against a table or list that quietly lost its rows.
            expect(all.length).to.be.at.least(atLeast);
        });

        it("draws a boundary case from every row of the table the Create carries", () => {
            const drawn = new Set([...tableCases(protocol, groups), ...sharedCases(groups), ...ownCases()].flatMap((c) => Object.keys(c.inputs)));
            const sent = protocol.fields.filter((f) => f.api?.create !== undefined && f.input !== "loadBalancerId").map((f) => f.input);
            expect(sent.filter((input) => !drawn.has(input))).to.deep.equal([]);
        });

        it("is stricter than the page only where listed: settings without effect, and a timeout below a written interval", async () => {
            const unexpected: string[] = [];
            for (const c of stricterCases(protocol, groups)) {
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
}
