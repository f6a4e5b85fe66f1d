// Scenario 3, outage: the SLB endpoint goes away in the middle of an up (the emulator CLI, run as a child process
// with --state, is stopped while listeners are being created). Every operation in flight must keep retrying only
// until its time bound (slbListener:retryTimeoutSeconds, 3 s here) and then fail with an error that says the
// endpoint could not be reached and retries stopped, names the listener and carries no secret. With the emulator
// back (same port, same state file) the next up converges: nothing lost, nothing made twice.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { EmulatorProcess, ListenerSpec, Rig, SECRET, expectOk, idOf, listenerProgram, mismatches, stateIds, useRigs, waitUntil } from "./rig";

const RETRY_TIMEOUT_S = 3;
const CREATE = "CreateLoadBalancerTCPListener";

describe("reliability: the SLB endpoint goes away mid-up", function () {
    this.timeout(90_000);
    const rigs = useRigs();
    let dir: string;
    beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "reliability-outage-"))));
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it("in-flight operations fail within their time bound with a clear error; with the endpoint back, the next up converges", async () => {
        const emulator = await EmulatorProcess.start(path.join(dir, "emulator-state.json"));
        const rig = rigs.add(await Rig.on(emulator, 2));
        const engine = rig.engine({ retryTimeoutSeconds: RETRY_TIMEOUT_S });
        const owner = (name: string) => `${engine.project}/${engine.stack}/${name}`;
        const specs: ListenerSpec[] = rig.lbIds.flatMap((lb, l) => [0, 1, 2, 3].map((i) => (
            { name: `o${l}${i}`, loadBalancerId: lb, listenerPort: 80 + i, tags: { outage: "yes" } })));
        const portOf = Object.fromEntries(specs.map((s) => [s.name, idOf(s.loadBalancerId, s.listenerPort)]));
        // A little latency on every call, so that the outage lands while creates are under way.
        await emulator.setFaults({ latencyMs: 40 });

        const upStarted = Date.now();
        const running = rig.run("up into an outage", engine, "up", listenerProgram(specs));
        const createdBefore = await waitUntil("two creates to succeed", async () => {
            const n = (await rig.log()).filter((e) => e.action === CREATE && e.status === 200).length;
            return n >= 2 ? n : 0;
        });
        await emulator.kill("SIGTERM");
        const outageAt = Date.now();
        const up = await running;
        const failedAfterMs = Date.now() - outageAt;

        expect(up.ok).to.equal(false);
        expect(up.errors.length, "at least one operation was cut off").to.be.greaterThan(0);
        for (const e of up.errors) {
            const name = e.urn!.split("::").pop()!;
            // Either it retried until the bound, or an earlier call had already found the endpoint down, or it never got
            // its turn: its time bound ran out while it queued behind a change that was still retrying.
            expect(e.message, name).to.match(/no answer from the SLB endpoint.*(could not be reached for \d+ s|Retries stopped|already found the endpoint unreachable)|waited [\d.]+ s for earlier changes.*ran out before its turn came/i)
                .and.to.include(portOf[name]);
            expect(e.message.includes(SECRET), `${name}: secret in error`).to.equal(false);
        }
        const recordedPartial = engine.readState().resources.filter((r) => r.initErrors?.length).length;

        // The emulator comes back on the same port with the same state file.
        await emulator.restart();
        const survived = await rig.liveIds(); // created before the outage (the state file kept them)
        const t0 = Date.now();
        const again = await rig.run("up after the outage", rig.engine({ statePath: engine.statePath, retryTimeoutSeconds: RETRY_TIMEOUT_S }),
            "up", listenerProgram(specs));
        const recoveryMs = Date.now() - t0;
        expectOk(again, "up after the outage");
        const problems: string[] = [];
        for (const s of specs) problems.push(...mismatches(await rig.settled(s.loadBalancerId, s.listenerPort), s, owner(s.name)));
        expect(problems).to.deep.equal([]);
        const ids = Object.values(portOf).sort();
        expect(stateIds(engine)).to.deep.equal(ids);
        expect(await rig.liveIds()).to.deep.equal(ids);
        // The restarted emulator's log starts empty: its successful creates are exactly the listeners that did not survive.
        const createdAfter = (await rig.log()).filter((e) => e.action === CREATE && e.status === 200)
            .map((e) => idOf(e.params.LoadBalancerId, Number(e.params.ListenerPort))).sort();
        expect([...survived, ...createdAfter].sort(), "each listener created exactly once").to.deep.equal(ids);

        expectOk(await rig.run("destroy", engine, "destroy"), "destroy");
        expect(await rig.liveIds()).to.deep.equal([]);
        console.log(`      [outage] ${specs.length} listeners on 2 LBs, retryTimeoutSeconds ${RETRY_TIMEOUT_S}; emulator stopped ` +
            `${outageAt - upStarted} ms into the up after ${createdBefore} creates; ${up.errors.length} operations failed, the last ` +
            `${(failedAfterMs / 1000).toFixed(1)} s after the outage (${recordedPartial} recorded as partial failures); ` +
            `${survived.length} listeners kept by the emulator's state file; recovery up ${(recoveryMs / 1000).toFixed(1)} s converged ` +
            `(${createdAfter.length} created, ${survived.length} found or finished)`);
        console.log(`      [outage] sample error: ${up.errors[0].message}`);
        // Each operation's retrying is bounded by retryTimeoutSeconds, also when it had to wait for the load balancer's
        // lock behind others that were retrying: the whole up reports the outage within about one bound.
        expect(failedAfterMs, `the last operation failed ${failedAfterMs} ms after the outage began; bound ${RETRY_TIMEOUT_S} s`)
            .to.be.at.most((RETRY_TIMEOUT_S + 2) * 1000);
    });
});
