// Scenario 2, crash mid-create: the provider host is SIGKILLed after CreateLoadBalancerTCPListener succeeded and
// before StartLoadBalancerListener got through. Like a real engine crash, the listener is then on the service but
// not in the state file. The next up (new host, same state) must finish it without a manual step: the provider
// recognises its own listener by the ownership tag `pulumi-owner` = <project>/<stack>/<name>. And it must not
// take over a listener it did not create: one made outside Pulumi, or one of another stack.
import { expect } from "chai";
import { ListenerSpec, Rig, expectOk, idOf, listenerProgram, mismatches, providerHostPids, stateIds, useRigs, waitUntil } from "./rig";

const CREATE = "CreateLoadBalancerTCPListener";
const START = "StartLoadBalancerListener";

describe("reliability: provider host killed between create and start", function () {
    this.timeout(60_000);
    const rigs = useRigs();

    it("the next up finishes the listeners the killed host created, recognising them by their ownership tag", async () => {
        const rig = rigs.add(await Rig.start({ loadBalancers: 3 }));
        const engine = rig.engine();
        const owner = (name: string) => `${engine.project}/${engine.stack}/${name}`;
        // One listener per load balancer gets as far as its Start, held by the emulator; "late" is created between web's
        // Create and Start (the load balancer's queue is first come, first served) and its Start waits behind web's.
        const specs: ListenerSpec[] = [
            { name: "web", loadBalancerId: rig.lbIds[0], listenerPort: 80, description: "crash-test", tags: { app: "web" } },
            { name: "api", loadBalancerId: rig.lbIds[1], listenerPort: 80 },
            { name: "admin", loadBalancerId: rig.lbIds[2], listenerPort: 8443, backendServerPort: 443 },
            { name: "late", loadBalancerId: rig.lbIds[0], listenerPort: 81 },
        ];

        // Every Start is held for 15 s (then its connection is dropped, so it never takes effect).
        await rig.emulator.setFaults({ rules: [{ action: START, latencyMs: 15_000, drop: true }] });
        const crashing = rig.run("crashing up", engine, "up", listenerProgram(specs));
        await waitUntil("four creates to succeed", async () => (await rig.log()).filter((e) => e.action === CREATE && e.status === 200).length === 4);
        await waitUntil("three starts to be on their way", async () => (await rig.emulator.faultStats()).byKind.rule === 3);
        const pids = providerHostPids();
        expect(pids, "one provider host running").to.have.length(1);
        process.kill(pids[0], "SIGKILL");
        const crash = await crashing;
        await rig.emulator.setFaults({});

        expect(crash.ok, "the operation reports the crash").to.equal(false);
        expect(crash.errors.map((e) => e.urn?.split("::").pop()).sort()).to.deep.equal(["admin", "api", "late", "web"]);
        expect(stateIds(engine), "the crashed creates are not in state").to.deep.equal([]);
        const all = specs.map((s) => idOf(s.loadBalancerId, s.listenerPort)).sort();
        expect(await rig.liveIds(), "created, not recorded").to.deep.equal(all);
        for (const s of specs) {
            const live = await rig.describe(s.loadBalancerId, s.listenerPort);
            expect(live?.Status, `${s.name}: created, never started`).to.equal("stopped");
            expect(live?.Tags?.Tag).to.deep.include({ TagKey: "pulumi-owner", TagValue: owner(s.name) });
        }

        // Next up: a new Engine and host on the same state file.
        const before = (await rig.log()).length;
        const t0 = Date.now();
        const recovery = await rig.run("recovery up", rig.engine({ statePath: engine.statePath }), "up", listenerProgram(specs));
        const recoveryMs = Date.now() - t0;
        expectOk(recovery, "recovery up");
        expect(recovery.steps.map((s) => `${s.op} ${s.name}`).sort()).to.deep.equal(["create admin", "create api", "create late", "create web"]);
        for (const s of specs) expect(mismatches(await rig.settled(s.loadBalancerId, s.listenerPort), s, owner(s.name))).to.deep.equal([]);
        expect(stateIds(engine)).to.deep.equal(all);
        expect(await rig.liveIds()).to.deep.equal(all);
        const calls = (await rig.log()).slice(before);
        expect(calls.filter((e) => e.action === CREATE).map((e) => e.code ?? "ok").sort(), "creates find their own listeners")
            .to.deep.equal(["ListenerAlreadyExists", "ListenerAlreadyExists", "ListenerAlreadyExists", "ListenerAlreadyExists"]);
        expect(calls.filter((e) => e.action === START && e.status === 200)).to.have.length(4);
        expect(calls.filter((e) => e.action === "DeleteLoadBalancerListener"), "nothing deleted").to.deep.equal([]);
        expect(recovery.diagnostics.join("\n"), "no adoptExisting needed").not.to.match(/adoptExisting/);

        expectOk(await rig.run("destroy", engine, "destroy"), "destroy");
        expect(await rig.liveIds()).to.deep.equal([]);
        console.log(`      [crash] host SIGKILLed with 4 Creates done, 3 Starts held and 1 queued; state after crash: 0 resources, ` +
            `4 stopped listeners with owner tags on the service; recovery up ${recoveryMs} ms: 4 Creates -> ListenerAlreadyExists, ` +
            `recognised by tag, 4 Starts, 0 Deletes; all 4 running and in state`);
        console.log(`      [crash] error of the crashed up: ${crash.errors[0].message.split("\n")[0]}`);
    });

    it("a host killed in the middle of destroy: the next destroy finishes, nothing left", async () => {
        const rig = rigs.add(await Rig.start());
        const lb = rig.lbIds[0];
        const engine = rig.engine();
        const specs: ListenerSpec[] = [80, 81, 82].map((p) => ({ name: `d${p}`, loadBalancerId: lb, listenerPort: p }));
        expectOk(await rig.run("up", engine, "up", listenerProgram(specs)), "up");
        // Deletes go through; every check that a listener is gone is held, and the host dies while it waits.
        await rig.emulator.setFaults({ rules: ["DescribeLoadBalancerTCPListenerAttribute", "DescribeLoadBalancerListeners"]
            .map((action) => ({ action, latencyMs: 15_000, drop: true })) });
        const before = (await rig.log()).length;
        const deletedOk = async () => (await rig.log()).slice(before).filter((e) => e.action === "DeleteLoadBalancerListener" && e.status === 200).length;
        const crashing = rig.run("crashing destroy", engine, "destroy");
        await waitUntil("a delete to be confirmed", deletedOk);
        await waitUntil("its check to be on its way", async () => (await rig.emulator.faultStats()).byKind.rule >= 1);
        process.kill(providerHostPids()[0], "SIGKILL");
        const crash = await crashing;
        await rig.emulator.setFaults({});
        const deleted = await deletedOk();
        expect(crash.ok).to.equal(false);
        expect(stateIds(engine), "no delete finished, so all are still in state").to.have.length(3);
        expect((await rig.liveIds()).length + deleted, "deleted on the service, or still there").to.equal(3);

        const again = await rig.run("destroy again", rig.engine({ statePath: engine.statePath }), "destroy");
        expectOk(again, "destroy again");
        expect(stateIds(engine)).to.deep.equal([]);
        expect(await rig.liveIds()).to.deep.equal([]);
        const answers = (await rig.log()).slice(before).filter((e) => e.action === "DeleteLoadBalancerListener").slice(deleted).map((e) => e.code ?? "ok");
        console.log(`      [crash] host SIGKILLed mid-destroy with ${deleted} of 3 listeners deleted on the service and none confirmed; ` +
            `next destroy: ${again.steps.length} deletes (answers: ${answers.join(", ")}), nothing left`);
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
        // check() looks at the ports of new listeners (one listing of the load balancer): both are refused before any change.
        expect(up.errors, JSON.stringify(up.errors)).to.deep.equal([]);
        const byName = Object.fromEntries(up.failures.map((f) => [f.name, f.reason]));
        expect(Object.keys(byName).sort(), JSON.stringify(up.failures)).to.deep.equal(["api", "legacy"]);
        expect(byName.legacy).to.include(`port 81 on load balancer ${lb}`).and.to.match(/did not create/)
            .and.to.include(`${dev.project}/dev/legacy`).and.to.include("adoptExisting");
        expect(byName.api).to.include(`port 82 on load balancer ${lb}`).and.to.include(`${dev.project}/prod/api`)
            .and.to.include(`${dev.project}/dev/api`);

        // Nothing of theirs was touched; only web is ours.
        expect([await rig.describe(lb, 81), await rig.describe(lb, 82)]).to.deep.equal(foreignBefore);
        const after = (await rig.log()).slice(before);
        const touched = after.filter((e) => ["81", "82"].includes(e.params.ListenerPort ?? "") ||
            /_tcp_8[12]$/.test(e.params["ResourceId.1"] ?? ""));
        // Their listeners are read (each on its own, or in a listing of the load balancer) and never changed: not even a Create.
        expect([...new Set(touched.map((e) => `${e.action} ${e.code ?? "ok"}`))].filter((c) => !c.startsWith("DescribeLoadBalancerTCPListenerAttribute ok")))
            .to.deep.equal([]);
        expect(after.some((e) => e.action === "DescribeLoadBalancerListeners" && e.code === null && e.params["LoadBalancerId.1"] === lb) ||
            touched.filter((e) => e.action === "DescribeLoadBalancerTCPListenerAttribute").length === 2, "both foreign listeners were read").to.equal(true);
        expect(stateIds(dev)).to.deep.equal([idOf(lb, 80)]);
        expect(stateIds(prod)).to.deep.equal([idOf(lb, 82)]);

        expectOk(await rig.run("dev destroy", dev, "destroy"), "dev destroy");
        expect(await rig.liveIds()).to.deep.equal([idOf(lb, 81), idOf(lb, 82)]);
        expectOk(await rig.run("prod destroy", prod, "destroy"), "prod destroy");
        console.log(`      [crash/ownership] refused 2 of 2 foreign listeners (untagged; owner ${prod.project}/prod/api); ` +
            `their calls: ${touched.length} (reads only, refused by check); our listener on port 80 created`);
    });
});
