// Scenario 2, crash mid-create: the provider host is SIGKILLed after CreateLoadBalancerTCPListener succeeded and
// before StartLoadBalancerListener got through. Like a real engine crash, the listener is then on the service but
// not in the state file. The next up (new host, same state) must finish it without a manual step: the provider
// recognises its own listener by the ownership tag `pulumi-owner` = <project>/<stack>/<name>. And it must not
// take over a listener it did not create: one made outside Pulumi, or one of another stack.
import { expect } from "chai";
import { Rig, expectOk, idOf, listenerProgram, mismatches, providerHostPids, stateIds, useRigs, waitUntil } from "./rig";

const CREATE = "CreateLoadBalancerTCPListener";
const START = "StartLoadBalancerListener";

describe("reliability: provider host killed between create and start", function () {
    this.timeout(60_000);
    const rigs = useRigs();

    it("the next up finishes the listener the killed host created, recognising it by its ownership tag", async () => {
        const rig = rigs.add(await Rig.start());
        const lb = rig.lbIds[0];
        const engine = rig.engine();
        const spec = { name: "web", loadBalancerId: lb, listenerPort: 80, description: "crash test", tags: { app: "web" } };
        const owner = `${engine.project}/${engine.stack}/web`;

        // The first Start is held for 15 s (then its connection is dropped, so it never takes effect).
        await rig.emulator.setFaults({ rules: [{ action: START, latencyMs: 15_000, drop: true, count: 1 }] });
        const crashing = rig.run("crashing up", engine, "up", listenerProgram([spec]));
        const created = await waitUntil("the create to succeed", async () => (await rig.log()).find((e) => e.action === CREATE && e.status === 200));
        await waitUntil("the start to be on its way", async () => (await rig.emulator.faultStats()).byKind.rule === 1);
        const pids = providerHostPids();
        expect(pids, "one provider host running").to.have.length(1);
        process.kill(pids[0], "SIGKILL");
        const killedAfterMs = Date.now() - Date.parse(created.time);
        const crash = await crashing;
        await rig.emulator.setFaults({});

        expect(crash.ok, "the operation reports the crash").to.equal(false);
        expect(crash.errors.map((e) => e.urn)).to.deep.equal([engine.urn("pulumi-nodejs:dynamic/slb:TcpListener", "web")]);
        expect(stateIds(engine), "the crashed create is not in state").to.deep.equal([]);
        const orphan = await rig.describe(lb, 80);
        expect(orphan?.Status, "created, never started").to.equal("stopped");
        expect(orphan?.Tags?.Tag).to.deep.include({ TagKey: "pulumi-owner", TagValue: owner });

        // Next up: a new Engine and host on the same state file.
        const before = (await rig.log()).length;
        const t0 = Date.now();
        const recovery = await rig.run("recovery up", rig.engine({ statePath: engine.statePath }), "up", listenerProgram([spec]));
        const recoveryMs = Date.now() - t0;
        expectOk(recovery, "recovery up");
        expect(recovery.steps.map((s) => `${s.op} ${s.name}`)).to.deep.equal(["create web"]);
        expect(mismatches(await rig.describe(lb, 80), spec, owner)).to.deep.equal([]);
        expect(stateIds(engine)).to.deep.equal([idOf(lb, 80)]);
        expect(await rig.liveIds()).to.deep.equal([idOf(lb, 80)]);
        const calls = (await rig.log()).slice(before);
        expect(calls.filter((e) => e.action === CREATE).map((e) => e.code), "create finds its own listener").to.deep.equal(["ListenerAlreadyExists"]);
        expect(calls.filter((e) => e.action === START && e.status === 200)).to.have.length(1);
        expect(calls.filter((e) => e.action === "DeleteLoadBalancerListener"), "nothing deleted").to.deep.equal([]);
        expect(recovery.diagnostics.join("\n"), "no adoptExisting needed").not.to.match(/adoptExisting/);

        const destroyed = await rig.run("destroy", engine, "destroy");
        expectOk(destroyed, "destroy");
        expect(await rig.liveIds()).to.deep.equal([]);
        console.log(`      [crash] host SIGKILLed ${killedAfterMs} ms after Create succeeded, Start held; state after crash: 0 resources, ` +
            `listener stopped with owner tag; recovery up ${recoveryMs} ms: Create -> ListenerAlreadyExists, recognised by tag, ` +
            `${calls.filter((e) => e.action === START).length} Start, 0 Delete; listener running and in state`);
    });

    it("does not take over a listener made outside Pulumi or by another stack: up fails naming both owners", async () => {
        const rig = rigs.add(await Rig.start());
        const lb = rig.lbIds[0];
        // Port 81: made with the console or another tool (no ownership tag).
        await rig.observer.call(CREATE, { RegionId: "cn-hangzhou", LoadBalancerId: lb, ListenerPort: 81, BackendServerPort: 9090, Bandwidth: 5 });
        // Port 82: made by the same program's resource "api", but in stack "prod".
        const prod = rig.engine({ stack: "prod" });
        expectOk(await rig.run("prod up", prod, "up", listenerProgram([{ name: "api", loadBalancerId: lb, listenerPort: 82 }])), "prod up");
        const foreignBefore = [await rig.describe(lb, 81), await rig.describe(lb, 82)];

        const dev = rig.engine();
        const before = (await rig.log()).length;
        const up = await rig.run("dev up", dev, "up", listenerProgram([
            { name: "web", loadBalancerId: lb, listenerPort: 80 },
            { name: "legacy", loadBalancerId: lb, listenerPort: 81 },
            { name: "api", loadBalancerId: lb, listenerPort: 82 },
        ]));
        expect(up.ok).to.equal(false);
        const byName = Object.fromEntries(up.errors.map((e) => [e.urn?.split("::").pop(), e.message]));
        expect(Object.keys(byName).sort(), JSON.stringify(up.errors)).to.deep.equal(["api", "legacy"]);
        expect(byName.legacy).to.include(`port 81 on load balancer ${lb}`).and.to.match(/did not create/)
            .and.to.include(`${dev.project}/dev/legacy`).and.to.include("adoptExisting");
        expect(byName.api).to.include(`port 82 on load balancer ${lb}`).and.to.include(`${dev.project}/prod/api`)
            .and.to.include(`${dev.project}/dev/api`);

        // Nothing of theirs was touched; only web is ours.
        expect([await rig.describe(lb, 81), await rig.describe(lb, 82)]).to.deep.equal(foreignBefore);
        const touched = (await rig.log()).slice(before).filter((e) => ["81", "82"].includes(e.params.ListenerPort ?? "") ||
            /_tcp_8[12]$/.test(e.params["ResourceId.1"] ?? ""));
        expect([...new Set(touched.map((e) => `${e.action} ${e.code ?? "ok"}`))].sort()).to.deep.equal([
            `${CREATE} ListenerAlreadyExists`, "DescribeLoadBalancerTCPListenerAttribute ok",
        ]);
        expect(stateIds(dev)).to.deep.equal([idOf(lb, 80)]);
        expect(stateIds(prod)).to.deep.equal([idOf(lb, 82)]);

        expectOk(await rig.run("dev destroy", dev, "destroy"), "dev destroy");
        expect(await rig.liveIds()).to.deep.equal([idOf(lb, 81), idOf(lb, 82)]);
        expectOk(await rig.run("prod destroy", prod, "destroy"), "prod destroy");
        console.log(`      [crash/ownership] refused 2 of 2 foreign listeners (untagged; owner ${prod.project}/prod/api); ` +
            `their calls: ${touched.length} (Create refused + Describe only); our listener on port 80 created`);
    });
});
