// Fault injection through the real client: seeded randomness, QPS limits, targeted rules, drops, latency.
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator";
import { FaultInjector, mulberry32, validateFaultSettings } from "../../emulator/faults";
import { slbClient } from "../support/slb-client";
import { fakeModel, startFakeEmulator, type FakeModel } from "./wire-fake-model";
import { rejection } from "./wire-raw";

const STATUS: Record<string, number> = { ServiceUnavailable: 503, InternalError: 500, "Throttling.User": 400, SystemBusy: 449 };

describe("emulator fault injection", () => {
    let emu: Emulator;
    let model: FakeModel;

    beforeEach(async () => {
        ({ emu, model } = await startFakeEmulator([{ accessKeyId: "other", accessKeySecret: "other-secret" }]));
    });
    afterEach(() => emu.close());

    /** Outcome of n sequential calls: "ok" or the error code. */
    async function outcomes(n: number, action = "Echo", sig: "v3" | "v1" = "v3"): Promise<string[]> {
        const c = slbClient(emu.endpoint, { signature: sig });
        const out: string[] = [];
        for (let i = 0; i < n; i++) {
            try {
                await c.call(action, { RegionId: "cn-hangzhou", Name: String(i) });
                out.push("ok");
            } catch (e) {
                const err = e as { code: string; statusCode: number };
                expect(err.statusCode, err.code).to.equal(STATUS[err.code]);
                out.push(err.code);
            }
        }
        return out;
    }

    it("reproduces the same random errors for the same seed, with the documented statuses", async () => {
        emu.setFaults({ errorRate: 0.5, seed: 1234 });
        const first = await outcomes(40);
        emu.setFaults({ errorRate: 0.5, seed: 1234 });
        const second = await outcomes(40, "Echo", "v1");
        expect(second).to.deep.equal(first);
        const errors = first.filter((o) => o !== "ok");
        expect(errors.length).to.be.within(8, 32);
        expect(new Set(errors).size).to.be.greaterThan(1);
        const stats = emu.getFaults().stats;
        expect(stats.total).to.equal(errors.length);
        emu.setFaults({ errorRate: 0.5, seed: 99 });
        expect(await outcomes(40)).not.to.deep.equal(first);
    });

    it("honours errorKinds weights and restricts random faults to `actions`", async () => {
        emu.setFaults({ errorRate: 1, errorKinds: { SystemBusy: 1 }, actions: ["AddThing"], seed: 1 });
        expect(await outcomes(5, "AddThing")).to.deep.equal(Array(5).fill("SystemBusy"));
        expect(await outcomes(3, "Echo")).to.deep.equal(["ok", "ok", "ok"]);
        // A faulted call never reaches the model: no state change.
        expect(model.calls.map((c) => c.action)).to.deep.equal(["Echo", "Echo", "Echo"]);
        expect(emu.snapshot()).to.deep.equal({ things: {} });
        expect(emu.getFaults().stats.byKind).to.deep.equal({ SystemBusy: 5 });
        expect(emu.requests().map((r) => r.fault)).to.deep.equal(["SystemBusy", "SystemBusy", "SystemBusy", "SystemBusy", "SystemBusy", null, null, null]);
    });

    it("throttles calls above qpsLimit per account with Throttling.User", async () => {
        emu.setFaults({ qpsLimit: 5 });
        const c = slbClient(emu.endpoint);
        const results = await Promise.allSettled(Array.from({ length: 12 }, () => c.call("Echo", {})));
        const rejected = results.filter((r) => r.status === "rejected") as PromiseRejectedResult[];
        expect(results.length - rejected.length).to.equal(5);
        for (const r of rejected) {
            expect(r.reason.code).to.equal("Throttling.User");
            expect(r.reason.statusCode).to.equal(400);
        }
        // Another account has its own window.
        expect((await slbClient(emu.endpoint, { accessKeyId: "other", accessKeySecret: "other-secret" }).call("Echo", {})).Action).to.equal("Echo");
        expect(emu.getFaults().stats.byKind.qpsLimit).to.equal(7);
        await new Promise((r) => setTimeout(r, 1050));
        expect((await c.call("Echo", {})).Action).to.equal("Echo");
    });

    it("fires targeted rules `count` times, before the model runs", async () => {
        emu.setFaults({ rules: [{ action: "AddThing", code: "ServiceIsConfiguring", count: 2 }, { action: "Echo", status: 503, count: 1 }] });
        const c = slbClient(emu.endpoint);
        for (let i = 0; i < 2; i++) {
            const e = await rejection(c.call("AddThing", { RegionId: "cn-hangzhou", Name: "x" }));
            expect(e.code).to.equal("ServiceIsConfiguring");
            expect(e.statusCode).to.equal(400);
            expect(e.data.Message).to.equal("A previous configuration is pending; please try again later.");
        }
        await c.call("AddThing", { RegionId: "cn-hangzhou", Name: "x" });
        expect(emu.snapshot()).to.deep.equal({ things: { "emulator-access-key-id/cn-hangzhou": ["x"] } });
        const e = await rejection(c.call("Echo", {}));
        expect(e.code).to.equal("ServiceUnavailable");
        expect(e.statusCode).to.equal(503);
        await c.call("Echo", {});
        expect(emu.getFaults().rules.map((r) => r.remaining)).to.deep.equal([0, 0]);
        expect(emu.getFaults().stats.byKind).to.deep.equal({ rule: 3 });
    });

    it("supports custom codes and messages, and rates on rules", async () => {
        emu.setFaults({ seed: 5, rules: [{ code: "Custom.Thing", status: 418, message: "I am a teapot", rate: 0.5 }] });
        const c = slbClient(emu.endpoint);
        let fired = 0;
        for (let i = 0; i < 20; i++) {
            try {
                await c.call("Echo", {});
            } catch (e) {
                const err = e as { code: string; statusCode: number; data: { Message: string } };
                expect([err.code, err.statusCode, err.data.Message]).to.deep.equal(["Custom.Thing", 418, "I am a teapot"]);
                fired++;
            }
        }
        expect(fired).to.be.within(3, 17);
    });

    it("drops the connection without an answer (rule and random kind), and the server stays healthy", async () => {
        emu.setFaults({ rules: [{ action: "Echo", drop: true, count: 1 }] });
        const c = slbClient(emu.endpoint);
        const e = await rejection(c.call("Echo", {}));
        expect(e.statusCode).to.equal(undefined);
        expect(String(e.message)).to.match(/socket hang up|ECONNRESET/);
        expect((await c.call("Echo", {})).Action).to.equal("Echo");
        emu.setFaults({ errorRate: 1, errorKinds: { drop: 1 } });
        expect(String((await rejection(c.call("Echo", {}))).message)).to.match(/socket hang up|ECONNRESET/);
        const log = emu.requests();
        expect(log.map((r) => [r.status, r.fault])).to.deep.equal([[0, "rule"], [200, null], [0, "drop"]]);
        expect(model.calls).to.have.length(1);
    });

    it("adds latency and jitter, and delay-only rules let the call through", async () => {
        emu.setFaults({ latencyMs: 60, jitterMs: 20, seed: 3 });
        const c = slbClient(emu.endpoint);
        let t = Date.now();
        await c.call("Echo", {});
        expect(Date.now() - t).to.be.within(55, 400);
        emu.setFaults({ rules: [{ action: "Echo", latencyMs: 80, count: 1 }] });
        t = Date.now();
        await c.call("Echo", {});
        expect(Date.now() - t).to.be.within(75, 400);
        t = Date.now();
        await c.call("Echo", {});
        expect(Date.now() - t).to.be.below(60);
        expect(emu.getFaults().stats).to.deep.equal({ total: 0, byKind: { delayed: 1 } });
        expect(emu.requests().at(-1)?.durationMs).to.be.below(60);
    });

    it("accepts fault settings at start and rejects invalid ones", async () => {
        const e2 = await startEmulator({ model: fakeModel(), faults: { errorRate: 1, errorKinds: { InternalError: 1 }, seed: 1 } });
        try {
            const e = await rejection(slbClient(e2.endpoint).call("Echo", {}));
            expect(e.code).to.equal("InternalError");
            expect(e.statusCode).to.equal(500);
        } finally {
            await e2.close();
        }
        let thrown: unknown;
        try {
            await startEmulator({ model: fakeModel(), faults: { errorRate: 7 } });
        } catch (e) {
            thrown = e;
        }
        expect(String(thrown)).to.match(/errorRate/);
        expect(() => emu.setFaults({ rules: [{ status: 302 }] })).to.throw(/status/);
    });
});

describe("fault injector unit", () => {
    it("mulberry32 is deterministic and in [0, 1)", () => {
        const a = mulberry32(42);
        const b = mulberry32(42);
        for (let i = 0; i < 1000; i++) {
            const x = a();
            expect(x).to.equal(b());
            expect(x).to.be.at.least(0).and.below(1);
        }
    });

    it("validates and normalises settings", () => {
        expect(validateFaultSettings(undefined)).to.deep.equal({});
        expect(validateFaultSettings({ latencyMs: 1, rules: [{ action: "X", remaining: 3 }] })).to.deep.equal({ latencyMs: 1, rules: [{ action: "X" }] });
        for (const bad of [5, "x", { rules: {} }, { actions: [1] }, { qpsLimit: 1.5 }, { seed: 0.5 }, { rules: [{ drop: "yes" }] }, { rules: [{ code: "" }] }]) {
            expect(() => validateFaultSettings(bad), JSON.stringify(bad)).to.throw();
        }
    });

    it("costs nothing when no faults are set", () => {
        const f = new FaultInjector();
        const d = f.decide("A", "acct", 0);
        expect(d).to.deep.equal({ delayMs: 0, error: null, drop: false, afterApply: false, kind: null });
    });

    it("counts the QPS window per account and slides it", () => {
        const f = new FaultInjector({ qpsLimit: 2 });
        expect(f.decide("A", "x", 0).kind).to.equal(null);
        expect(f.decide("A", "x", 100).kind).to.equal(null);
        expect(f.decide("A", "x", 200).kind).to.equal("qpsLimit");
        expect(f.decide("A", "y", 200).kind).to.equal(null);
        expect(f.decide("A", "x", 1001).kind).to.equal(null);
        expect(f.decide("A", "x", 1050).kind).to.equal("qpsLimit");
    });
});
