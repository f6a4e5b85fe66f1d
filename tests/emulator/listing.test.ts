// DescribeLoadBalancerListeners through the REAL @alicloud/openapi-client, both signature versions: its shapes (and
// that the provider's normalisation turns each row into exactly what the attribute call answers), TotalCount and
// NextToken paging past 100, the ten-id limit, the ListenerProtocol filter, MaxResults 1-100 (default 20), the QPS
// limiter and the request log, and a RAM refusal (an account's deniedActions).
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator";
import { createSlbModel } from "../../emulator/model";
import type { SlbModel } from "../../emulator/types";
import { attributeShape } from "../../provider/api/listing";
import { TCP } from "../../provider/protocols";
import { slbClient, type SlbClient } from "../support/slb-client";
import { rejection } from "./wire-raw";

/* eslint-disable @typescript-eslint/no-explicit-any */

const REGION = "cn-hangzhou";
const FAST = { transitionMs: 0, changeMs: 0 };
const LISTING = "DescribeLoadBalancerListeners";

for (const sig of ["v3", "v1"] as const) {
    describe(`${LISTING} over HTTP (${sig} signatures)`, function () {
        this.timeout(30_000);
        let emu: Emulator;
        let model: SlbModel;
        let client: SlbClient;
        const call = (action: string, params: Record<string, unknown> = {}) => client.call(action, { RegionId: REGION, ...params });
        const newLb = async () => (await call("CreateLoadBalancer", {})).LoadBalancerId as string;
        const tcp = (lbId: string, port: number, params: Record<string, unknown> = {}) =>
            call("CreateLoadBalancerTCPListener", { LoadBalancerId: lbId, ListenerPort: port, BackendServerPort: 8080, Bandwidth: -1, ...params });
        const list = (params: Record<string, unknown>) => call(LISTING, params);

        before(async () => {
            model = createSlbModel({ timings: FAST });
            emu = await startEmulator({
                model, timings: FAST,
                accounts: [
                    { accessKeyId: "emulator-access-key-id", accessKeySecret: "emulator-access-key-secret" },
                    { accessKeyId: "no-listing", accessKeySecret: "no-listing-secret", accountId: "emulator-access-key-id", deniedActions: [LISTING] },
                ],
            });
            client = slbClient(emu.endpoint, { signature: sig });
        });
        after(() => emu.close());
        afterEach(() => emu.setFaults({}));

        it("each row, normalised by the provider, is what DescribeLoadBalancerTCPListenerAttribute answers (but SynProxy)", async () => {
            const lbId = await newLb();
            const acl = (await call("CreateAccessControlList", { AclName: `acl-${sig}` })).AclId;
            const vsg = (await call("CreateVServerGroup", {
                LoadBalancerId: lbId, VServerGroupName: "web", BackendServers: JSON.stringify([{ ServerId: "i-a", Port: "80" }]),
            })).VServerGroupId;
            await tcp(lbId, 80, {
                Scheduler: "rr", PersistenceTimeout: 30, EstablishedTimeout: 300, HealthCheckType: "http", HealthCheckURI: "/healthz",
                HealthCheckDomain: "example.com", HealthCheckHttpCode: "http_2xx,http_3xx", HealthCheckConnectPort: 8081, healthCheckInterval: 3,
                HealthCheckConnectTimeout: 4, HealthyThreshold: 4, UnhealthyThreshold: 5, AclStatus: "on", AclType: "white", AclId: acl,
                ConnectionDrain: "on", ConnectionDrainTimeout: 60, Description: "all-of-it", ProxyProtocolV2Enabled: true,
                Tag: [{ Key: "team", Value: "web" }, { Key: "empty", Value: "" }],
            });
            await tcp(lbId, 81, { BackendServerPort: undefined, VServerGroupId: vsg, HealthCheckSwitch: "off" });
            await tcp(lbId, 82);
            await call("StartLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 82 });

            const listed = await list({ LoadBalancerId: [lbId], ListenerProtocol: "tcp", MaxResults: 100 });
            expect(listed).to.include({ TotalCount: 3, MaxResults: 100, NextToken: "" });
            expect(listed.Listeners).to.be.an("array").with.length(3);
            const first = listed.Listeners[0];
            expect(first.Tags).to.deep.equal([{ TagKey: "team", TagValue: "web" }, { TagKey: "empty", TagValue: "" }]);
            expect(first.AclIds).to.deep.equal([acl]);
            expect(first.TCPListenerConfig).to.include({ ProxyProtocolV2Enabled: "true", HealthCheckConnectPort: 8081, ConnectionDrainTimeout: 60 });
            for (const row of listed.Listeners) {
                const { RequestId: _r, SynProxy: _s, ...attribute } = await call("DescribeLoadBalancerTCPListenerAttribute",
                    { LoadBalancerId: lbId, ListenerPort: row.ListenerPort });
                expect(attributeShape(TCP, row), `port ${row.ListenerPort}`).to.deep.equal(attribute);
            }
        });

        it("pages past 100 with MaxResults and NextToken; TotalCount counts every match; default page of 20", async () => {
            const lbs = [await newLb(), await newLb(), await newLb()];
            for (const lbId of lbs) for (let port = 1; port <= 40; port++) await tcp(lbId, port);
            const seen: string[] = [];
            const sizes: number[] = [];
            let token: string | undefined;
            do {
                const page = await list({ LoadBalancerId: lbs, ListenerProtocol: "tcp", MaxResults: 100, ...(token ? { NextToken: token } : {}) });
                expect(page).to.include({ TotalCount: 120, MaxResults: 100 });
                sizes.push(page.Listeners.length);
                seen.push(...page.Listeners.map((l: any) => `${l.LoadBalancerId}:${l.ListenerPort}`));
                token = page.NextToken || undefined;
            } while (token);
            expect(sizes).to.deep.equal([100, 20]);
            expect(new Set(seen).size).to.equal(120);
            const byDefault = await list({ LoadBalancerId: lbs });
            expect(byDefault).to.include({ TotalCount: 120, MaxResults: 20 });
            expect(byDefault.Listeners).to.have.length(20);
            expect(byDefault.NextToken).to.be.a("string").and.not.equal("");
            for (const bad of [0, 101, "x"]) {
                const e = await rejection(list({ LoadBalancerId: lbs, MaxResults: bad }));
                expect({ status: e.statusCode, code: e.code }).to.deep.equal({ status: 400, code: "InvalidParameter" });
                expect(e.data.Message).to.include("MaxResults");
            }
            const e = await rejection(list({ LoadBalancerId: lbs, NextToken: "not-a-token" }));
            expect({ status: e.statusCode, code: e.code }).to.deep.equal({ status: 400, code: "InvalidParameter" });
        });

        it("takes at most ten load balancer ids; unknown ids match nothing; no Listeners when nothing matches", async () => {
            const lbId = await newLb();
            await tcp(lbId, 80);
            const ten = [lbId, ...Array.from({ length: 9 }, (_, i) => `lb-unknown${i}`)];
            expect((await list({ LoadBalancerId: ten, MaxResults: 100 })).TotalCount).to.equal(1);
            const e = await rejection(list({ LoadBalancerId: [...ten, "lb-eleventh"] }));
            expect({ status: e.statusCode, code: e.code }).to.deep.equal({ status: 400, code: "InvalidParameter" });
            expect(e.data.Message).to.include("LoadBalancerId");
            const none = await list({ LoadBalancerId: ["lb-unknown"] });
            expect(none).to.include({ TotalCount: 0, NextToken: "" });
            expect(none).to.not.have.property("Listeners");
        });

        it("filters by ListenerProtocol", async () => {
            const lbId = await newLb();
            await tcp(lbId, 53);
            // No action makes a UDP listener: put one into the state.
            const snap = model.snapshot() as any;
            const lb = Object.values(snap.accounts as Record<string, any>)[0][REGION].loadBalancers[lbId];
            lb.listeners["53/udp"] = { ...lb.listeners["53/tcp"], protocol: "udp", tags: [] };
            model.restore(snap);
            const all = await list({ LoadBalancerId: [lbId] });
            expect(all.Listeners.map((l: any) => l.ListenerProtocol)).to.deep.equal(["tcp", "udp"]);
            const tcpOnly = await list({ LoadBalancerId: [lbId], ListenerProtocol: "tcp" });
            expect(tcpOnly.TotalCount).to.equal(1);
            expect(tcpOnly.Listeners[0]).to.have.property("TCPListenerConfig");
            const udpOnly = await list({ LoadBalancerId: [lbId], ListenerProtocol: "udp" });
            expect(udpOnly.Listeners[0]).to.have.property("UDPListenerConfig").and.to.not.have.property("TCPListenerConfig");
            const e = await rejection(list({ LoadBalancerId: [lbId], ListenerProtocol: "TCP" }));
            expect({ status: e.statusCode, code: e.code }).to.deep.equal({ status: 400, code: "InvalidParameter" });
        });

        it("counts against the QPS limit and is in the request log like any call", async () => {
            const lbId = await newLb();
            emu.clearRequests();
            await new Promise((r) => setTimeout(r, 1100));
            emu.setFaults({ qpsLimit: 3 });
            const outcomes = await Promise.all(Array.from({ length: 5 }, () => list({ LoadBalancerId: [lbId] }).then(() => "ok", (e) => e.code)));
            expect(outcomes.filter((o) => o === "ok")).to.have.length(3);
            expect(outcomes.filter((o) => o === "Throttling.User")).to.have.length(2);
            const logged = emu.requests().filter((r) => r.action === LISTING);
            expect(logged).to.have.length(5);
            expect(logged.filter((r) => r.fault === "qpsLimit")).to.have.length(2);
            expect(logged[0].params).to.include({ "LoadBalancerId.1": lbId, RegionId: REGION });
        });

        it("answers 403 Forbidden.RAM to an AccessKey without the action, which may still read each listener", async () => {
            const lbId = await newLb();
            await tcp(lbId, 80);
            const limited = slbClient(emu.endpoint, { signature: sig, accessKeyId: "no-listing", accessKeySecret: "no-listing-secret" });
            const e = await rejection(limited.call(LISTING, { RegionId: REGION, LoadBalancerId: [lbId] }));
            expect({ status: e.statusCode, code: e.code }).to.deep.equal({ status: 403, code: "Forbidden.RAM" });
            expect(e.data.Message).to.equal("User not authorized to operate on the specified resource.");
            const one = await limited.call("DescribeLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 80 });
            expect(one.ListenerPort).to.equal(80);
            const refused = emu.requests().filter((r) => r.accessKeyId === "no-listing" && r.action === LISTING);
            expect(refused.map((r) => [r.status, r.code])).to.deep.equal([[403, "Forbidden.RAM"]]);
        });
    });
}
