// Lifecycle claims through the real Pulumi engine: drift (a field, a stop, a delete made outside Pulumi), updates
// in place, both replacement orders, two listeners swapping ports, import,
// and secrets. Scenarios run at the same time, each on its own load balancer and stack, against one emulator.
import { expect } from "chai";
import { TcpListener } from "../../provider";
import { CliLab, concurrentScenarios, REGION, SECRET, describeWithCli, driftLines, expectOk, idOf, listeners, useCliLab } from "./lab";
import { stepList } from "./stack";

const CREATE = "CreateLoadBalancerTCPListener";
const DELETE = "DeleteLoadBalancerListener";

describeWithCli("TcpListener through the real Pulumi engine", (cli) => {
    const lab = useCliLab(cli);
    const scenarios = concurrentScenarios(3);

    /** Position of the first successful call of `action` on `port` after `since`. */
    const seqOf = (l: CliLab, lbId: string, action: string, port: number, since: number) => {
        const call = l.calls(lbId, action, since).find((c) => c.params.ListenerPort === String(port) && c.status === 200);
        expect(call, `${action} on port ${port}`).to.not.equal(undefined);
        return call!.seq;
    };
    /** Index of a step event in the run's event order. */
    const at = (r: { steps: Array<{ op: string; name: string; phase: string }> }, op: string, name: string, phase = "done") =>
        r.steps.findIndex((s) => s.op === op && s.name === name && s.phase === phase);

    scenarios.scenario("drift made outside Pulumi is shown by preview as our drift lines, fails --expect-no-changes, and up repairs it", async () => {
        const lbId = await lab().loadBalancer();
        const stack = await lab().stack(listeners(lbId, { web: { listenerPort: 80 }, api: { listenerPort: 81 } }), { label: "drift" });
        expectOk(await stack.up());
        await lab().slb.call("SetLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 80, EstablishedTimeout: 300 });
        await lab().slb.call("StopLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 81 });

        const plan = await stack.preview();
        expectOk(plan);
        expect(driftLines(plan).sort()).to.deep.equal([
            `${idOf(lbId, 80)}: establishedTimeout is 300, want 900`,
            `${idOf(lbId, 81)}: status is "stopped", want "running"`,
        ]);
        expect(plan.stdout, "the lines are in what the user sees").to.contain(`${idOf(lbId, 80)}: establishedTimeout is 300, want 900`);
        expect(stepList(plan).sort()).to.deep.equal(["update api", "update web"]);

        const strict = await stack.preview({ expectNoChanges: true });
        expect(strict.ok, "preview --expect-no-changes fails on drift").to.equal(false);
        expect(strict.stderr + strict.stdout).to.match(/no changes were expected/);

        const mark = lab().mark();
        const up = await stack.up();
        expectOk(up);
        expect(stepList(up).sort()).to.deep.equal(["update api", "update web"]);
        expect(lab().calls(lbId, undefined, mark).filter((c) => !c.action.startsWith("Describe")).map((c) => `${c.action} ${c.params.ListenerPort}`).sort())
            .to.deep.equal(["SetLoadBalancerTCPListenerAttribute 80", "StartLoadBalancerListener 81"]);
        expect(await lab().listener(lbId, 80)).to.include({ EstablishedTimeout: 900, Status: "running" });
        expect((await lab().listener(lbId, 81))?.Status, "the stopped listener is started").to.equal("running");
        expect((await stack.preview({ expectNoChanges: true })).exitCode, "no changes after the repair").to.equal(0);
        expectOk(await stack.destroy());
    });

    scenarios.scenario("a listener deleted outside Pulumi is created again by up (same id); refresh drops it from the stack instead", async () => {
        const lbId = await lab().loadBalancer();
        const stack = await lab().stack(listeners(lbId, { web: { listenerPort: 80 }, api: { listenerPort: 81 } }), { label: "deleted" });
        expectOk(await stack.up());
        await lab().slb.call(DELETE, { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 81 });

        const plan = await stack.preview();
        expectOk(plan);
        // Said under the listener itself (the engine's log service, with its URN), not under the stack.
        const said = plan.diagnostics.find((d) => d.message.includes("deleted outside Pulumi"));
        expect(said?.message.trim()).to.equal(`${idOf(lbId, 81)}: the listener no longer exists (deleted outside Pulumi); up creates it again under the same id`);
        expect(said?.urn).to.equal(stack.urn("pulumi-nodejs:dynamic/slb:TcpListener", "api"));
        // An update, not a replacement: nothing blames listenerPort, and protect would not stand in the way.
        expect(stepList(plan)).to.include.members(["same web", "update api"]);

        const up = await stack.up();
        expectOk(up);
        expect(stepList(up)).to.include.members(["same web", "update api"]);
        expect((await lab().listener(lbId, 81))?.Status).to.equal("running");
        expect((await stack.resources()).map((r) => r.id).sort()).to.deep.equal([idOf(lbId, 80), idOf(lbId, 81)]);
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);

        await lab().slb.call(DELETE, { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 81 });
        const refresh = await stack.refresh();
        expectOk(refresh);
        expect(stepList(refresh)).to.include("delete api");
        expect((await stack.resources()).map((r) => r.id)).to.deep.equal([idOf(lbId, 80)]);
        expect(await lab().ports(lbId)).to.deep.equal([80]);
        expectOk(await stack.destroy());
        expect(await lab().ports(lbId)).to.deep.equal([]);
    });

    scenarios.scenario("an update in place keeps the id; listenerPort replaces create-first, backendServerPort delete-first", async () => {
        const lbId = await lab().loadBalancer();
        const stack = await lab().stack(listeners(lbId, { web: { listenerPort: 80 } }), { label: "replace" });
        expectOk(await stack.up());

        let mark = lab().mark();
        stack.setProgram(listeners(lbId, { web: { listenerPort: 80, establishedTimeout: 300 } }));
        const update = await stack.up();
        expectOk(update);
        expect(stepList(update)).to.deep.equal(["update web"]);
        expect(lab().calls(lbId, undefined, mark).filter((c) => !c.action.startsWith("Describe")).map((c) => c.action)).to.deep.equal(["SetLoadBalancerTCPListenerAttribute"]);
        expect((await stack.resources()).map((r) => r.id)).to.deep.equal([idOf(lbId, 80)]);

        mark = lab().mark();
        stack.setProgram(listeners(lbId, { web: { listenerPort: 8080, establishedTimeout: 300 } }));
        const moved = await stack.up();
        expectOk(moved);
        // create-first: the new listener is created (and started) before the old one is deleted.
        expect(at(moved, "create-replacement", "web"), "create-replacement").to.be.greaterThan(-1);
        expect(at(moved, "create-replacement", "web")).to.be.lessThan(at(moved, "delete-replaced", "web"));
        expect(seqOf(lab(), lbId, CREATE, 8080, mark)).to.be.lessThan(seqOf(lab(), lbId, DELETE, 80, mark));
        expect(await lab().ports(lbId)).to.deep.equal([8080]);

        mark = lab().mark();
        stack.setProgram(listeners(lbId, { web: { listenerPort: 8080, establishedTimeout: 300, backendServerPort: 9090 } }));
        const rebacked = await stack.up();
        expectOk(rebacked);
        // delete-first: the service cannot change the backend port and the new listener needs the same port.
        expect(at(rebacked, "delete-replaced", "web")).to.be.greaterThan(-1);
        expect(at(rebacked, "delete-replaced", "web")).to.be.lessThan(at(rebacked, "create-replacement", "web"));
        expect(seqOf(lab(), lbId, DELETE, 8080, mark)).to.be.lessThan(seqOf(lab(), lbId, CREATE, 8080, mark));
        expect(await lab().listener(lbId, 8080)).to.include({ BackendServerPort: 9090, EstablishedTimeout: 300, Status: "running" });
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);
        expectOk(await stack.destroy());
    });

    scenarios.scenario("two listeners swapping ports in one up fail with a message naming both, and nothing is lost", async () => {
        const lbId = await lab().loadBalancer();
        const stack = await lab().stack(listeners(lbId, { a: { listenerPort: 80 }, b: { listenerPort: 81 } }), { label: "swap" });
        expectOk(await stack.up());
        stack.setProgram(listeners(lbId, { a: { listenerPort: 81 }, b: { listenerPort: 80 } }));
        const swap = await stack.up();
        expect(swap.ok).to.equal(false);
        // Each create-first replacement meets the other resource's listener on its new port; the engine stops at the
        // first failure, so one or both report it, each naming both resources.
        const errors = swap.diagnostics.filter((d) => d.severity === "error" && (d.urn.endsWith("::a") || d.urn.endsWith("::b")));
        expect(errors.length, swap.stdout).to.be.within(1, 2);
        for (const e of errors) {
            const [self, other, port] = e.urn.endsWith("::a") ? ["a", "b", 81] : ["b", "a", 80];
            expect(e.message).to.contain(`port ${port} on load balancer ${lbId} is already used by the Pulumi resource ${stack.project}/dev/${other}`)
                .and.to.contain(`this resource is ${stack.project}/dev/${self}`);
        }
        // Nothing lost: both listeners are still there and recorded as they were.
        expect(await lab().ports(lbId)).to.deep.equal([80, 81]);
        const recorded = Object.fromEntries((await stack.resources()).map((r) => [r.urn.split("::").pop(), r.id]));
        expect(recorded).to.deep.equal({ a: idOf(lbId, 80), b: idOf(lbId, 81) });
        stack.setProgram(listeners(lbId, { a: { listenerPort: 80 }, b: { listenerPort: 81 } }));
        expect((await stack.preview({ expectNoChanges: true })).exitCode, "the old program is still in step").to.equal(0);
        expectOk(await stack.destroy());
    });

    scenarios.scenario("import: the engine cannot import a dynamic resource; adoptExisting takes the listener over instead", async () => {
        const lbId = await lab().loadBalancer();
        await lab().slb.call(CREATE, { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 8080, Bandwidth: -1, HealthyThreshold: 5 });
        const web = (opts: { import?: string }, adopt = false) => () => ({
            web: new TcpListener("web", { loadBalancerId: lbId, listenerPort: 80, backendServerPort: 8080, bandwidth: -1, adoptExisting: adopt }, opts).id,
        });
        const stack = await lab().stack(web({ import: idOf(lbId, 80) }), { label: "import" });
        // The engine's import step calls Read with the id only, so the dynamic-provider host has no __provider.
        const imported = await stack.up();
        expect(imported.ok).to.equal(false);
        expect(imported.diagnostics.map((d) => d.message).join("\n")).to.contain("code must be a string, not undefined");
        expect(await stack.resources()).to.deep.equal([]);
        expect((await lab().listener(lbId, 80))?.HealthyThreshold, "the listener is untouched").to.equal(5);

        stack.setProgram(web({}, true));
        const mark = lab().mark();
        const adopted = await stack.up();
        expectOk(adopted);
        expect(stepList(adopted)).to.deep.equal(["create web"]);
        expect(lab().calls(lbId, CREATE, mark).map((c) => c.code), "one Create, which finds the port taken").to.deep.equal(["ListenerAlreadyExists"]);
        expect(await lab().listener(lbId, 80)).to.include({ HealthyThreshold: 3, Status: "running" });
        expect(await lab().ports(lbId)).to.deep.equal([80]);
        expect((await stack.resources()).map((r) => r.id)).to.deep.equal([idOf(lbId, 80)]);
        expectOk(await stack.destroy());
        expect(await lab().ports(lbId)).to.deep.equal([]);
    });

    it("the secret key appears in no CLI output, no event, no exported state and no backend file", async function () {
        await scenarios.settle();
        const l = lab();
        const covered = l.scanned();
        expect(covered.runs, "runs scanned").to.be.greaterThan(20);
        for (const s of l.stacks) {
            const exported = JSON.stringify(await s.exportState());
            expect(exported.includes(SECRET), `${s.stackName}: stack export`).to.equal(false);
            // The secret is in the stack's config, encrypted: the scan below would see it in plain text.
            const config = s.storedFiles().find((f) => /Pulumi\.[^/]*\.yaml$/.test(f.file));
            expect(config?.text, "stack config holds the key encrypted").to.match(/alicloud:secretKey:\s*\n\s*secure: /);
        }
        expect(l.leaks()).to.deep.equal([]);
        console.log(`      [cli secrets] ${covered.runs} CLI runs (output and events) and ${covered.files} stored files, ` +
            `${(covered.bytes / 1024 / 1024).toFixed(1)} MiB: 0 occurrences of the secret key`);
    });
});
