// Admin API (/_emulator/*) and the request log, against a fake model.
import { expect } from "chai";
import { type Emulator } from "../../emulator";
import { isLoopback } from "../../emulator/admin";
import { RequestLog } from "../../emulator/request-log";
import { admin, slbClient } from "../support/slb-client";
import { startFakeEmulator, type FakeModel } from "./wire-fake-model";
import { rejection } from "./wire-raw";

describe("emulator admin API", () => {
    let emu: Emulator;
    let model: FakeModel;

    beforeEach(async () => {
        ({ emu, model } = await startFakeEmulator([{ accessKeyId: "sts-key", accessKeySecret: "very-secret-value", securityToken: "very-secret-token" }]));
    });
    afterEach(() => emu.close());

    it("GET /_emulator/requests lists every API call in order, without secrets", async () => {
        const c = slbClient(emu.endpoint, { signature: "v1" });
        await c.call("AddThing", { RegionId: "cn-hangzhou", Name: "a" });
        await rejection(c.call("Fail", { RegionId: "cn-beijing", Code: "OperationBusy" }));
        await rejection(slbClient(emu.endpoint, { accessKeyId: "nobody" }).call("Echo", {}));
        await slbClient(emu.endpoint, { accessKeyId: "sts-key", accessKeySecret: "very-secret-value", securityToken: "very-secret-token" })
            .call("Echo", { RegionId: "us-east-1" });
        await slbClient(emu.endpoint, { signature: "v1", accessKeyId: "sts-key", accessKeySecret: "very-secret-value", securityToken: "very-secret-token" })
            .call("Echo", { RegionId: "us-east-1" });

        const log = await admin(emu.endpoint).requests();
        expect(log.map((e) => [e.seq, e.action, e.status, e.code, e.regionId, e.accessKeyId])).to.deep.equal([
            [1, "AddThing", 200, null, "cn-hangzhou", "emulator-access-key-id"],
            [2, "Fail", 400, "OperationBusy", "cn-beijing", "emulator-access-key-id"],
            [3, "Echo", 404, "InvalidAccessKeyId.NotFound", "", "nobody"],
            [4, "Echo", 200, null, "us-east-1", "sts-key"],
            [5, "Echo", 200, null, "us-east-1", "sts-key"],
        ]);
        expect(log[0].params).to.deep.equal({ RegionId: "cn-hangzhou", Name: "a" });
        expect(log[4].params).to.deep.equal({ RegionId: "us-east-1" });
        for (const e of log) {
            expect(new Date(e.time).toISOString()).to.equal(e.time);
            expect(e.durationMs).to.be.a("number").and.at.least(0);
            expect(e.fault).to.equal(null);
        }
        const text = JSON.stringify(log);
        expect(text).not.to.include("very-secret");
        expect(text).not.to.include("emulator-access-key-secret");
        expect(emu.requests()).to.deep.equal(log);

        await admin(emu.endpoint).clearRequests();
        expect(await admin(emu.endpoint).requests()).to.deep.equal([]);
        await slbClient(emu.endpoint).call("Echo", {});
        expect(emu.requests().map((e) => e.seq)).to.deep.equal([6]);
        emu.clearRequests();
        expect(emu.requests()).to.deep.equal([]);
    });

    it("GET/PUT /_emulator/faults reads and replaces fault settings, validating them", async () => {
        const a = admin(emu.endpoint);
        const initial = await a.faults();
        expect(initial.stats).to.deep.equal({ total: 0, byKind: {} });
        expect(initial.seed).to.be.a("number");
        expect(initial.rules).to.deep.equal([]);

        const set = await a.setFaults({ errorRate: 0.25, seed: 7, rules: [{ action: "Echo", code: "SystemBusy", count: 2 }] });
        expect(set).to.include({ errorRate: 0.25, seed: 7 });
        expect(set.rules).to.deep.equal([{ action: "Echo", code: "SystemBusy", count: 2, remaining: 2 }]);
        expect(emu.getFaults().seed).to.equal(7);
        // What GET returns can be PUT back.
        expect((await a.setFaults(await a.faults())).seed).to.equal(7);

        for (const bad of [{ errorRate: 2 }, { latencyMs: -1 }, { rules: [{ status: 200 }] }, { nonsense: 1 }, [], { errorKinds: { Oops: 1 } }]) {
            const r = await a.fetch("/_emulator/faults", { method: "PUT", body: JSON.stringify(bad) });
            expect(r.status, JSON.stringify(bad)).to.equal(400);
            expect(r.body.Code).to.equal("InvalidParameter");
            expect(r.body.RequestId).to.be.a("string");
        }
        const notJson = await a.fetch("/_emulator/faults", { method: "PUT", body: "{nope" });
        expect(notJson.status).to.equal(400);
        expect(notJson.body.Code).to.equal("InvalidJson");
        expect(emu.getFaults().seed).to.equal(7);
    });

    it("PUT /_emulator/timings updates the model's timings", async () => {
        const a = admin(emu.endpoint);
        await a.setTimings({ transitionMs: 50 });
        expect(model.timings).to.deep.equal({ transitionMs: 50, changeMs: 5 });
        const bad = await a.fetch("/_emulator/timings", { method: "PUT", body: JSON.stringify({ transitionMs: "fast" }) });
        expect(bad.status).to.equal(400);
        emu.setTimings({ changeMs: 1 });
        expect(model.timings.changeMs).to.equal(1);
        expect((await a.health()).timings).to.deep.equal({ transitionMs: 50, changeMs: 1 });
    });

    it("GET /_emulator/state shows the model snapshot; POST /_emulator/reset clears state and the log", async () => {
        const a = admin(emu.endpoint);
        await slbClient(emu.endpoint).call("AddThing", { RegionId: "cn-hangzhou", Name: "x" });
        expect(await a.state()).to.deep.equal({ things: { "emulator-access-key-id/cn-hangzhou": ["x"] } });
        expect(emu.snapshot()).to.deep.equal(await a.state());
        await a.reset();
        expect(await a.state()).to.deep.equal({ things: {} });
        expect(await a.requests()).to.deep.equal([]);
        await slbClient(emu.endpoint).call("AddThing", { RegionId: "cn-hangzhou", Name: "y" });
        emu.reset();
        expect(emu.snapshot()).to.deep.equal({ things: {} });
    });

    it("GET /_emulator/health answers, unknown paths and methods get JSON 404/405", async () => {
        const a = admin(emu.endpoint);
        const h = await a.health();
        expect(h).to.include({ status: "ok", version: "2014-05-15", accounts: 2 });
        const missing = await a.fetch("/_emulator/nothing");
        expect(missing.status).to.equal(404);
        expect(missing.body.Code).to.equal("NotFound");
        const method = await a.fetch("/_emulator/state", { method: "DELETE" });
        expect(method.status).to.equal(405);
        expect(method.body.Code).to.equal("MethodNotAllowed");
        expect((await a.fetch("/_emulator/health/")).status).to.equal(200);
    });

    it("only loopback addresses count as local", () => {
        for (const ok of ["127.0.0.1", "127.1.2.3", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(ok), ok).to.equal(true);
        for (const no of [undefined, "", "10.0.0.1", "::ffff:10.0.0.1", "fe80::1", "128.0.0.1"]) expect(isLoopback(no), String(no)).to.equal(false);
    });
});

describe("emulator request log", () => {
    it("is bounded to its limit and keeps the newest entries", () => {
        const log = new RequestLog(10);
        for (let i = 0; i < 35; i++) {
            log.add({ time: "", action: "A" + i, status: 200, code: null, regionId: "", accessKeyId: "", params: {}, durationMs: 0, fault: null });
        }
        const list = log.list();
        expect(list).to.have.length(10);
        expect(list[0].seq).to.equal(26);
        expect(list[9].action).to.equal("A34");
        expect(log.size).to.equal(10);
    });
});
