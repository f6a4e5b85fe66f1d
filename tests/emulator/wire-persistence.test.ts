// --state / statePath: state survives a restart; writes are debounced and atomic; corrupt files are refused.
import { expect } from "chai";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StateFileInUseError, startEmulator } from "../../emulator";
import { slbClient } from "../support/slb-client";
import { fakeModel } from "./wire-fake-model";

const TIMINGS = { transitionMs: 20, changeMs: 5 };

describe("emulator persistence (statePath)", () => {
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "slb-emu-state-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("keeps load balancers and listeners across a restart (real model, both signatures)", async () => {
        const statePath = join(dir, "nested", "state.json");
        const first = await startEmulator({ statePath, timings: TIMINGS });
        const c = slbClient(first.endpoint);
        const lb = await c.call("CreateLoadBalancer", { RegionId: "cn-hangzhou", LoadBalancerName: "kept" });
        await c.call("CreateLoadBalancerTCPListener", {
            RegionId: "cn-hangzhou", LoadBalancerId: lb.LoadBalancerId, ListenerPort: 80, BackendServerPort: 8080, Bandwidth: -1,
        });
        await first.close();
        const saved = JSON.parse(readFileSync(statePath, "utf8"));
        expect(saved.format).to.equal("slb-emulator-state");
        expect(JSON.stringify(saved.state)).to.include(lb.LoadBalancerId);

        const second = await startEmulator({ statePath, timings: TIMINGS });
        try {
            const attr = await slbClient(second.endpoint, { signature: "v1" }).call("DescribeLoadBalancerTCPListenerAttribute", {
                RegionId: "cn-hangzhou", LoadBalancerId: lb.LoadBalancerId, ListenerPort: 80,
            });
            expect(attr.BackendServerPort).to.equal(8080);
            expect(second.snapshot()).to.deep.equal(saved.state);
        } finally {
            await second.close();
        }
    });

    it("writes soon after a change without waiting for close (debounced)", async () => {
        const statePath = join(dir, "state.json");
        const emu = await startEmulator({ statePath, model: fakeModel() });
        try {
            await slbClient(emu.endpoint).call("AddThing", { RegionId: "cn-hangzhou", Name: "a" });
            await slbClient(emu.endpoint).call("AddThing", { RegionId: "cn-hangzhou", Name: "b" });
            for (let i = 0; i < 40 && !existsSync(statePath); i++) await new Promise((r) => setTimeout(r, 25));
            expect(JSON.parse(readFileSync(statePath, "utf8")).state).to.deep.equal({ things: { "emulator-access-key-id/cn-hangzhou": ["a", "b"] } });
            emu.reset();
            await new Promise((r) => setTimeout(r, 400));
            expect(JSON.parse(readFileSync(statePath, "utf8")).state).to.deep.equal({ things: {} });
        } finally {
            await emu.close();
        }
    });

    it("one emulator per state file: a second is refused until the first closes", async () => {
        const statePath = join(dir, "state.json");
        const first = await startEmulator({ statePath, model: fakeModel() });
        let error: unknown;
        try {
            await startEmulator({ statePath, model: fakeModel() });
        } catch (e) {
            error = e;
        }
        expect(error).to.be.instanceOf(StateFileInUseError);
        expect(String(error)).to.include(`state file ${statePath} is in use by another emulator in this process`);
        await first.close();
        expect(existsSync(`${statePath}.lock`)).to.equal(false);
        const second = await startEmulator({ statePath, model: fakeModel() });
        await second.close();
    });

    it("gives the state file's lock back when it cannot start", async () => {
        const statePath = join(dir, "state.json");
        writeFileSync(statePath, "{not json");
        const blocker = await startEmulator({ model: fakeModel() });
        try {
            for (const options of [{ statePath }, { statePath: join(dir, "other.json"), port: blocker.port }]) {
                let failed = false;
                await startEmulator({ ...options, model: fakeModel() }).then((e) => e.close(), () => (failed = true));
                expect(failed, JSON.stringify(options)).to.equal(true);
                expect(existsSync(`${options.statePath}.lock`), JSON.stringify(options)).to.equal(false);
            }
        } finally {
            await blocker.close();
        }
    });

    it("refuses to start over a corrupt state file instead of overwriting it", async () => {
        const statePath = join(dir, "state.json");
        writeFileSync(statePath, "{not json");
        let error: unknown;
        try {
            await startEmulator({ statePath, model: fakeModel() });
        } catch (e) {
            error = e;
        }
        expect(String(error)).to.match(/not valid JSON/);
        expect(readFileSync(statePath, "utf8")).to.equal("{not json");
    });
});
