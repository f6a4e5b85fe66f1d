// Scenario 5, conflicts: two resources of one program ask for the same port on the same load balancer. One gets
// it; the other fails with an error naming both (the holder's owner <project>/<stack>/<name> and itself); every
// other listener of the same up is created; state holds exactly the listeners that exist. Running up again
// changes nothing and fails the same way.
import { expect } from "chai";
import { ListenerSpec, Rig, expectOk, idOf, listenerProgram, mismatches, stateIds, useRigs } from "./rig";

describe("reliability: two resources want the same port", function () {
    this.timeout(60_000);
    const rigs = useRigs();

    it("one gets it, the other fails naming both owners, nothing else is disturbed", async () => {
        const rig = rigs.add(await Rig.start({ loadBalancers: 2 }));
        const [lb0, lb1] = rig.lbIds;
        const engine = rig.engine();
        const owner = (name: string) => `${engine.project}/${engine.stack}/${name}`;
        const specs: ListenerSpec[] = [
            { name: "first", loadBalancerId: lb0, listenerPort: 80, backendServerPort: 8081 },
            { name: "second", loadBalancerId: lb0, listenerPort: 80, backendServerPort: 8082 },
            { name: "other81", loadBalancerId: lb0, listenerPort: 81 },
            { name: "other82", loadBalancerId: lb0, listenerPort: 82 },
            { name: "sameport", loadBalancerId: lb1, listenerPort: 80 }, // same port, another load balancer: no conflict
        ];
        const started = Date.now();
        const up = await rig.run("conflicting up", engine, "up", listenerProgram(specs));
        const upMs = Date.now() - started;
        expect(up.ok).to.equal(false);
        expect(up.errors, JSON.stringify(up.errors)).to.have.length(1);
        const loser = up.errors[0].urn!.split("::").pop()!;
        expect(loser).to.be.oneOf(["first", "second"]);
        const winner = loser === "first" ? "second" : "first";
        const message = up.errors[0].message;
        expect(message).to.include(`port 80 on load balancer ${lb0}`).and.to.include(owner(winner)).and.to.include(owner(loser));

        const live = await rig.settled(lb0, 80);
        expect(mismatches(live, specs.find((s) => s.name === winner)!, owner(winner)), "the winner's listener, untouched by the loser").to.deep.equal([]);
        for (const s of specs.filter((x) => x.name !== loser && x.name !== winner)) {
            expect(mismatches(await rig.settled(s.loadBalancerId, s.listenerPort), s, owner(s.name))).to.deep.equal([]);
        }
        const expectedIds = [idOf(lb0, 80), idOf(lb0, 81), idOf(lb0, 82), idOf(lb1, 80)].sort();
        expect(stateIds(engine)).to.deep.equal(expectedIds);
        expect(engine.readState().resources.map((r) => r.name).sort()).to.deep.equal([winner, "other81", "other82", "sameport"].sort());
        expect(await rig.liveIds()).to.deep.equal(expectedIds);
        const on80 = (await rig.log()).filter((e) => e.params.LoadBalancerId === lb0 && e.params.ListenerPort === "80" && e.action !== "DescribeLoadBalancerTCPListenerAttribute");
        expect(on80.map((e) => `${e.action} ${e.code ?? "ok"}`).sort(), "calls that changed port 80").to.deep.equal([
            "CreateLoadBalancerTCPListener ListenerAlreadyExists", "CreateLoadBalancerTCPListener ok", "StartLoadBalancerListener ok",
        ]);

        // Again: now check() sees the port taken (one look at the load balancer), so the same refusal comes before any
        // change, naming the holder; nothing else changes.
        const again = await rig.run("conflicting up again", engine, "up", listenerProgram(specs));
        expect(again.errors).to.deep.equal([]);
        expect(again.failures.map((f) => [f.name, f.property])).to.deep.equal([[loser, "listenerPort"]]);
        expect(again.failures[0].reason).to.include(`port 80 on load balancer ${lb0}`).and.to.include(owner(winner)).and.to.include(owner(loser));
        expect(again.steps.filter((s) => s.name !== loser).map((s) => s.op)).to.deep.equal(["same", "same", "same", "same"]);
        expect(stateIds(engine)).to.deep.equal(expectedIds);

        expectOk(await rig.run("destroy", engine, "destroy"), "destroy");
        expect(await rig.liveIds()).to.deep.equal([]);
        console.log(`      [conflicts] 5 resources, 2 on ${idOf("lb", 80)}: "${winner}" created, "${loser}" refused in ${upMs} ms up; ` +
            `3 others created; state ${expectedIds.length} listeners = service; second up: refused by check, 4 same`);
        console.log(`      [conflicts] error: ${message}`);
    });
});
