// UDP listeners through the REAL @alicloud/openapi-client over HTTP, with both signature versions: the three
// UDP actions with their wire spellings and answer shapes, defaults, validation codes, reserved ports, qch,
// PersistenceTimeout, tags with `_udp_` ids, Start/Stop/Delete with ListenerProtocol=udp, a TCP and a UDP
// listener on one port, the listing's UDP rows, filter and paging; then the emulator's own machinery (busy
// lock, faults, request log, state file) with UDP listeners. Rules: docs/slb-api-facts.md (UDP section) and
// emulator/MODEL.md ("UDP listeners").
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmulator, type Emulator } from "../../emulator";
import { slbClient, type SlbClient } from "../support/slb-client";
import { setEachUdpField } from "./udp-cases";
import { rejection } from "./wire-raw";

/* eslint-disable @typescript-eslint/no-explicit-any */

const REGION = "cn-hangzhou";
const FAST = { transitionMs: 20, changeMs: 5 };
const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const CREATE = "CreateLoadBalancerUDPListener";
const SET = "SetLoadBalancerUDPListenerAttribute";
const DESCRIBE = "DescribeLoadBalancerUDPListenerAttribute";
const LISTING = "DescribeLoadBalancerListeners";

/** Names a UDP answer never has: request spellings, and TCP-only settings. */
const NEVER_IN_UDP_ANSWERS = [
    "healthCheckReq", "healthCheckExp", "healthCheckInterval", "HealthCheckSwitch", "HealthCheckType", "HealthCheckMethod",
    "HealthCheckDomain", "HealthCheckURI", "HealthCheckHttpCode", "EstablishedTimeout", "ConnectionDrain", "ConnectionDrainTimeout", "SynProxy",
];

async function expectCode(p: Promise<unknown>, status: number, code: string, message?: string): Promise<void> {
    const e = await rejection(p);
    expect({ code: e.code, status: e.statusCode }, String(e.message)).to.deep.equal({ code, status });
    expect(e.data.RequestId).to.match(UUID);
    if (message) expect(e.data.Message).to.include(message);
}

/** A listing row in the attribute call's shape: config block merged in, lists wrapped, ProxyProtocolV2Enabled a boolean. */
function rowAsAttribute(row: any): Record<string, unknown> {
    const { ListenerProtocol: _p, UDPListenerConfig: config, Tags, AclIds, ...top } = row;
    return {
        ...top, ...config, ProxyProtocolV2Enabled: config.ProxyProtocolV2Enabled === "true", Tags: { Tag: Tags },
        ...(AclIds ? { AclIds: { AclId: AclIds } } : {}),
    };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const sig of ["v3", "v1"] as const) {
    describe(`UDP listeners over HTTP (${sig} signatures)`, function () {
        this.timeout(20_000);
        let emu: Emulator;
        let client: SlbClient;
        const call = (action: string, params: Record<string, unknown> = {}) => client.call(action, { RegionId: REGION, ...params });
        const newLb = async (params: Record<string, unknown> = {}) => (await call("CreateLoadBalancer", params)).LoadBalancerId as string;
        const udp = (lbId: string, port: number, params: Record<string, unknown> = {}) =>
            call(CREATE, { LoadBalancerId: lbId, ListenerPort: port, BackendServerPort: 5353, Bandwidth: -1, ...params });
        const tcp = (lbId: string, port: number) =>
            call("CreateLoadBalancerTCPListener", { LoadBalancerId: lbId, ListenerPort: port, BackendServerPort: 8080, Bandwidth: -1 });
        /** The attribute answer without its RequestId. */
        const describeUdp = async (lbId: string, port: number) => {
            const { RequestId, ...body } = await call(DESCRIBE, { LoadBalancerId: lbId, ListenerPort: port });
            expect(RequestId).to.match(UUID);
            return body;
        };
        const statusOf = async (lbId: string, port: number, protocol: "tcp" | "udp") =>
            (await call(`DescribeLoadBalancer${protocol.toUpperCase()}ListenerAttribute`, { LoadBalancerId: lbId, ListenerPort: port })).Status;
        const waitStatus = async (lbId: string, port: number, protocol: "tcp" | "udp", status: string) => {
            for (let i = 0; i < 100; i++) {
                if ((await statusOf(lbId, port, protocol)) === status) return;
                await sleep(10);
            }
            throw new Error(`${protocol} listener ${port} never reached ${status}`);
        };

        before(async () => {
            emu = await startEmulator({ timings: FAST });
            client = slbClient(emu.endpoint, { signature: sig });
        });
        after(() => emu.close());
        afterEach(() => emu.setTimings(FAST));

        it("creates with every field; Describe and the listing answer under their own spellings and JSON types", async () => {
            const lbId = await newLb({ LoadBalancerSpec: "slb.s2.small" });
            const acl = (await call("CreateAccessControlList", { AclName: `udp-${sig}` })).AclId;
            await udp(lbId, 53, {
                Bandwidth: -1, Scheduler: "qch", PersistenceTimeout: 300, HealthCheckSwitch: "on", HealthCheckConnectPort: 5454,
                HealthCheckConnectTimeout: 6, healthCheckInterval: 3, HealthyThreshold: 4, UnhealthyThreshold: 5, healthCheckReq: "ping",
                healthCheckExp: "pong", AclStatus: "on", AclType: "white", AclId: acl, Description: "dns_53", ProxyProtocolV2Enabled: true,
                Tag: [{ Key: "team", Value: "dns" }, { Key: "empty", Value: "" }],
            });
            const d = await describeUdp(lbId, 53);
            expect(d).to.deep.equal({
                LoadBalancerId: lbId, ListenerPort: 53, BackendServerPort: 5353, Status: "stopped", Bandwidth: -1, Scheduler: "qch",
                PersistenceTimeout: 300, HealthCheck: "on", HealthCheckConnectPort: 5454, HealthCheckConnectTimeout: 6, HealthCheckInterval: 3,
                HealthyThreshold: 4, UnhealthyThreshold: 5, HealthCheckReq: "ping", HealthCheckExp: "pong", AclStatus: "on", AclType: "white",
                AclId: acl, AclIds: { AclId: [acl] }, Description: "dns_53", ProxyProtocolV2Enabled: true,
                Tags: { Tag: [{ TagKey: "team", TagValue: "dns" }, { TagKey: "empty", TagValue: "" }] },
            });

            const listed = await call(LISTING, { LoadBalancerId: [lbId] });
            expect(listed).to.include({ TotalCount: 1, MaxResults: 20, NextToken: "" });
            const row = listed.Listeners[0];
            expect(row).to.include({ ListenerProtocol: "udp", ListenerPort: 53, Scheduler: "qch" });
            expect(row).to.not.have.any.keys("TCPListenerConfig", "HTTPListenerConfig", "HTTPSListenerConfig", ...NEVER_IN_UDP_ANSWERS);
            expect(row.UDPListenerConfig).to.include({ HealthCheckReq: "ping", HealthCheckExp: "pong", PersistenceTimeout: 300, ProxyProtocolV2Enabled: "true" });
            expect(row.UDPListenerConfig).to.not.have.any.keys(NEVER_IN_UDP_ANSWERS);
            expect(row.Tags).to.deep.equal([{ TagKey: "team", TagValue: "dns" }, { TagKey: "empty", TagValue: "" }]);
            expect(row.AclIds).to.deep.equal([acl]);
            expect(rowAsAttribute(row)).to.deep.equal(d);
        });

        it("fills in the defaults and leaves unset optional fields out", async () => {
            const lbId = await newLb();
            await udp(lbId, 53);
            expect(await describeUdp(lbId, 53)).to.deep.equal({
                LoadBalancerId: lbId, ListenerPort: 53, BackendServerPort: 5353, Status: "stopped", Bandwidth: -1, Scheduler: "wrr",
                PersistenceTimeout: 0, HealthCheck: "on", HealthCheckConnectTimeout: 5, HealthCheckInterval: 2, HealthyThreshold: 3,
                UnhealthyThreshold: 3, AclStatus: "off", Description: "", ProxyProtocolV2Enabled: false, Tags: { Tag: [] },
            });
            const row = (await call(LISTING, { LoadBalancerId: [lbId] })).Listeners[0];
            expect(row.UDPListenerConfig).to.deep.equal({
                PersistenceTimeout: 0, HealthCheck: "on", HealthCheckConnectTimeout: 5, HealthCheckInterval: 2, HealthyThreshold: 3,
                UnhealthyThreshold: 3, ProxyProtocolV2Enabled: "false",
            });
        });

        it("sets each field with Set's spellings (lower-case probe strings, capital HealthCheckInterval) and ignores the others", async () => {
            const lbId = await newLb({ LoadBalancerSpec: "slb.s1.small" });
            const acl = (await call("CreateAccessControlList", { AclName: `udp-set-${sig}` })).AclId;
            const vsg = (await call("CreateVServerGroup", { LoadBalancerId: lbId })).VServerGroupId;
            await udp(lbId, 53);
            for (const [params, shown] of setEachUdpField({ acl, vServerGroup: vsg })) {
                await call(SET, { LoadBalancerId: lbId, ListenerPort: 53, ...params });
                expect(await describeUdp(lbId, 53), JSON.stringify(params)).to.include(shown);
            }
            const before = await describeUdp(lbId, 53);
            await call(SET, {
                LoadBalancerId: lbId, ListenerPort: 53, healthCheckInterval: 9, HealthCheckReq: "Capital", BackendServerPort: 1,
                HealthCheckType: "http", EstablishedTimeout: 10, ConnectionDrain: "on", SynProxy: "enable",
            });
            expect(await describeUdp(lbId, 53)).to.deep.equal(before);
            await call(SET, { LoadBalancerId: lbId, ListenerPort: 53, healthCheckReq: "", healthCheckExp: "", Description: "", HealthCheckConnectPort: -520 });
            expect(await describeUdp(lbId, 53)).to.include({ Description: "" }).and.not.have.any.keys("HealthCheckReq", "HealthCheckExp", "HealthCheckConnectPort");
        });

        it("answers bad and missing values with the documented codes naming the parameter", async () => {
            const lbId = await newLb();
            await expectCode(udp(lbId, 53, { healthCheckInterval: 51 }), 400, "InvalidParameter", "healthCheckInterval");
            await expectCode(udp(lbId, 53, { HealthyThreshold: 1 }), 400, "InvalidParameter", "HealthyThreshold");
            await expectCode(udp(lbId, 53, { Scheduler: "wlc" }), 400, "InvalidParameter", "Scheduler");
            await expectCode(udp(lbId, 53, { healthCheckReq: "not ok" }), 400, "InvalidParameter", "healthCheckReq");
            await expectCode(udp(lbId, 53, { healthCheckReq: "x".repeat(65) }), 400, "InvalidParamLength.HealthCheckReq", "healthCheckReq");
            await expectCode(udp(lbId, 53, { healthCheckExp: "" }), 400, "InvalidParamLength.HealthCheckExp", "healthCheckExp");
            await expectCode(udp(lbId, 53, { Description: "x".repeat(257) }), 400, "InvalidParameter", "Description");
            await expectCode(udp(lbId, 53, { Bandwidth: undefined }), 400, "MissingParameter", "Bandwidth");
            await expectCode(udp(lbId, 53, { BackendServerPort: undefined }), 400, "MissingParameter", "BackendServerPort");
            await expectCode(udp(lbId, 53, { AclStatus: "on", AclType: "white" }), 400, "MissingParameter", "AclId");
            await expectCode(udp(lbId, 53, { Scheduler: "qch" }), 400, "InvalidParameterValue.SpecNotSupport");
            await expectCode(udp("lb-doesnotexist", 53), 404, "InvalidLoadBalancerId.NotFound");
            for (const port of [250, 4789, 4790]) await expectCode(udp(lbId, port), 400, "InvalidParam.ListenerPort", `Port ${port} is reserved`);
            await udp(lbId, 53);
            await expectCode(udp(lbId, 53), 400, "ListenerAlreadyExists", "A listener with the specified port already exists");
            await expectCode(call(SET, { LoadBalancerId: lbId, ListenerPort: 53, HealthCheckInterval: 0 }), 400, "InvalidParameter", "HealthCheckInterval");
            await expectCode(call(SET, { LoadBalancerId: lbId, ListenerPort: 54 }), 404, "ListenerNotFound");
            await expectCode(call(DESCRIBE, { LoadBalancerId: lbId, ListenerPort: 54 }), 400, "InvalidParameter", "The specified resource does not exist.");
        });

        it("keeps PersistenceTimeout, which the current metadata no longer lists, through Create, Set and both reads", async () => {
            const lbId = await newLb();
            await udp(lbId, 53, { PersistenceTimeout: 3600 });
            expect((await describeUdp(lbId, 53)).PersistenceTimeout).to.equal(3600);
            await call(SET, { LoadBalancerId: lbId, ListenerPort: 53, PersistenceTimeout: 3000 });
            expect((await describeUdp(lbId, 53)).PersistenceTimeout).to.equal(3000);
            const row = (await call(LISTING, { LoadBalancerId: [lbId], ListenerProtocol: "udp" })).Listeners[0];
            expect(row.UDPListenerConfig.PersistenceTimeout).to.equal(3000);
            await expectCode(call(SET, { LoadBalancerId: lbId, ListenerPort: 53, PersistenceTimeout: 3601 }), 400, "InvalidParameter", "PersistenceTimeout");
        });

        it("keeps a TCP and a UDP listener on one port apart: started, stopped, tagged and deleted independently", async () => {
            const lbId = await newLb();
            await tcp(lbId, 80);
            await udp(lbId, 80);
            const on = (protocol?: string) => ({ LoadBalancerId: lbId, ListenerPort: 80, ...(protocol ? { ListenerProtocol: protocol } : {}) });
            for (const a of ["StartLoadBalancerListener", "StopLoadBalancerListener", "DeleteLoadBalancerListener"]) {
                await expectCode(call(a, on()), 400, "MissingParameter", "ListenerProtocol");
            }
            await call("StartLoadBalancerListener", on("udp"));
            await waitStatus(lbId, 80, "udp", "running");
            expect(await statusOf(lbId, 80, "tcp")).to.equal("stopped");

            await call("TagResources", { ResourceType: "listener", ResourceId: [`${lbId}_udp_80`], Tag: [{ Key: "proto", Value: "udp" }] });
            await call("TagResources", { ResourceType: "listener", ResourceId: [`${lbId}_tcp_80`], Tag: [{ Key: "proto", Value: "tcp" }] });
            const tagged = await call("ListTagResources", { ResourceType: "listener", ResourceId: [`${lbId}_udp_80`, `${lbId}_tcp_80`] });
            expect(tagged.TagResources.TagResource).to.deep.equal([
                { ResourceId: `${lbId}_udp_80`, ResourceType: "listener", TagKey: "proto", TagValue: "udp" },
                { ResourceId: `${lbId}_tcp_80`, ResourceType: "listener", TagKey: "proto", TagValue: "tcp" },
            ]);
            await call("UntagResources", { ResourceType: "listener", ResourceId: [`${lbId}_udp_80`], TagKey: ["proto"] });
            expect((await describeUdp(lbId, 80)).Tags).to.deep.equal({ Tag: [] });
            expect((await call("DescribeLoadBalancerTCPListenerAttribute", on())).Tags).to.deep.equal({ Tag: [{ TagKey: "proto", TagValue: "tcp" }] });

            const ports = await call("DescribeLoadBalancerAttribute", { LoadBalancerId: lbId });
            expect(ports.ListenerPorts).to.deep.equal({ ListenerPort: [80] });
            expect(ports.ListenerPortsAndProtocol.ListenerPortAndProtocol.map((l: any) => l.ListenerProtocol)).to.deep.equal(["tcp", "udp"]);

            await call("StopLoadBalancerListener", on("udp"));
            await waitStatus(lbId, 80, "udp", "stopped");
            await call("DeleteLoadBalancerListener", on("udp"));
            await expectCode(call(DESCRIBE, on()), 400, "InvalidParameter", "The specified resource does not exist.");
            await expectCode(call("TagResources", { ResourceType: "listener", ResourceId: [`${lbId}_udp_80`], Tag: [{ Key: "k" }] }),
                404, "InvalidResourceId.NotFound");
            expect(await statusOf(lbId, 80, "tcp")).to.equal("stopped");
            await call("DeleteLoadBalancerListener", on()); // the TCP listener is now alone on the port
            expect((await call(LISTING, { LoadBalancerId: [lbId] })).TotalCount).to.equal(0);
        });

        it("lists TCP and UDP rows by ListenerProtocol, with TotalCount, MaxResults and NextToken", async () => {
            const lbId = await newLb();
            for (let port = 1; port <= 30; port++) {
                await udp(lbId, port);
                if (port <= 20) await tcp(lbId, port);
            }
            const pages = async (filter: Record<string, unknown>) => {
                const rows: any[] = [];
                const sizes: number[] = [];
                let token = "";
                do {
                    const page = await call(LISTING, { LoadBalancerId: [lbId], MaxResults: 12, ...filter, ...(token ? { NextToken: token } : {}) });
                    expect(page.MaxResults).to.equal(12);
                    sizes.push(page.Listeners.length);
                    rows.push(...page.Listeners.map((l: any) => ({ ...l, total: page.TotalCount })));
                    token = page.NextToken;
                } while (token);
                return { rows, sizes };
            };
            const onlyUdp = await pages({ ListenerProtocol: "udp" });
            expect(onlyUdp.sizes).to.deep.equal([12, 12, 6]);
            expect(new Set(onlyUdp.rows.map((r) => r.total))).to.deep.equal(new Set([30]));
            expect(onlyUdp.rows.every((r) => r.ListenerProtocol === "udp" && "UDPListenerConfig" in r)).to.equal(true);
            const onlyTcp = await pages({ ListenerProtocol: "tcp" });
            expect(onlyTcp.sizes).to.deep.equal([12, 8]);
            expect(onlyTcp.rows.every((r) => r.ListenerProtocol === "tcp" && "TCPListenerConfig" in r)).to.equal(true);
            const all = await pages({});
            expect(all.sizes).to.deep.equal([12, 12, 12, 12, 2]);
            expect(all.rows.slice(0, 4).map((r) => `${r.ListenerPort}/${r.ListenerProtocol}`)).to.deep.equal(["1/tcp", "1/udp", "2/tcp", "2/udp"]);
            expect(new Set(all.rows.map((r) => `${r.ListenerPort}/${r.ListenerProtocol}`)).size).to.equal(50);
            const byPort = await call(LISTING, { LoadBalancerId: [lbId], ListenerPort: 25 });
            expect(byPort.Listeners.map((l: any) => l.ListenerProtocol)).to.deep.equal(["udp"]);
        });

        it("answers operations on a transitional UDP listener with the busy codes, and a busy load balancer with OperationBusy", async () => {
            const lbId = await newLb();
            await udp(lbId, 53);
            await tcp(lbId, 53);
            emu.setTimings({ transitionMs: 5000, changeMs: 5 });
            const at = { LoadBalancerId: lbId, ListenerPort: 53, ListenerProtocol: "udp" };
            await call("StartLoadBalancerListener", at);
            expect(await statusOf(lbId, 53, "udp")).to.equal("starting");
            await expectCode(call("StartLoadBalancerListener", at), 400, "OperationBusy");
            await expectCode(call(SET, { ...at, Description: "x" }), 400, "OperationFailed.ListenerStatusNotSupport");
            await expectCode(call("DeleteLoadBalancerListener", at), 400, "OperationBusy");
            emu.setTimings({ transitionMs: 20, changeMs: 400 });
            const first = call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 53, Description: "first" });
            await sleep(50);
            await expectCode(call("StopLoadBalancerListener", at), 400, "OperationBusy", "A previous operation is pending.");
            await first;
        });
    });
}

describe("UDP listeners and the emulator's machinery: faults, request log, state file", function () {
    this.timeout(20_000);
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "slb-emu-udp-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("a lost Create answer still creates; the log keeps the wire names; the state file keeps the listener mid-transition", async () => {
        const statePath = join(dir, "state.json");
        const first = await startEmulator({ statePath, timings: { transitionMs: 60_000, changeMs: 5 } });
        let saved: unknown;
        let lbId: string;
        try {
            const c = slbClient(first.endpoint);
            lbId = (await c.call("CreateLoadBalancer", { RegionId: REGION })).LoadBalancerId;
            first.setFaults({ rules: [{ action: CREATE, status: 503, afterApply: true, count: 1 }] });
            const params = { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 53, BackendServerPort: 5353, Bandwidth: -1, healthCheckReq: "ping" };
            const e = await rejection(c.call(CREATE, params));
            expect({ status: e.statusCode, code: e.code }).to.deep.equal({ status: 503, code: "ServiceUnavailable" });
            // The retry meets its own listener.
            const again = await rejection(c.call(CREATE, params));
            expect(again.code).to.equal("ListenerAlreadyExists");
            await c.call("StartLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 53, ListenerProtocol: "udp" });

            const logged = first.requests().filter((r) => r.action === CREATE);
            expect(logged.map((r) => [r.status, r.code, r.fault])).to.deep.equal([[503, "ServiceUnavailable", "rule"], [400, "ListenerAlreadyExists", null]]);
            expect(logged[0].params).to.include({ healthCheckReq: "ping", ListenerPort: "53" });
            saved = first.snapshot();
        } finally {
            await first.close();
        }
        const second = await startEmulator({ statePath, timings: { transitionMs: 60_000, changeMs: 5 } });
        try {
            expect(second.snapshot()).to.deep.equal(saved);
            const d = await slbClient(second.endpoint, { signature: "v1" }).call(DESCRIBE, { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 53 });
            expect(d).to.include({ Status: "starting", HealthCheckReq: "ping", BackendServerPort: 5353 });
        } finally {
            await second.close();
        }
    });
});
