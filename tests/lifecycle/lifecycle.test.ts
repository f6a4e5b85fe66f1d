// Lifecycle scenarios: real programs registering TcpListener, deployed through the engine harness (the real
// dynamic-provider host over gRPC, one host process per operation, as each `pulumi` command starts its own)
// against a fresh emulator and a fresh state file per test.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { TcpListener, TcpListenerArgs } from "../../provider";
import { MockArgs, OperationResult } from "../harness";
import { Lab, REGION, assertCleanProviderText, providerTexts, useLab } from "./lab";

type Spec = Partial<TcpListenerArgs> & { listenerPort: number };

const LB_TYPE = "alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer";

/** Stand-in for @pulumi/alicloud's ApplicationLoadBalancer (answered by the harness `mocks` option). */
class StandInLoadBalancer extends pulumi.CustomResource {
    constructor(name: string, props: pulumi.Inputs) {
        super(LB_TYPE, name, props);
    }
}

describe("TcpListener lifecycle (engine harness + emulator)", function () {
    this.timeout(60_000);
    // A fresh lab per test; after each: no access-key secret in any state file or output, a clean __provider.
    const currentLab = useLab();
    let lab: Lab;
    beforeEach(() => {
        lab = currentLab();
    });

    /** A program with one TcpListener per entry (defaults: backend port 8080, unlimited bandwidth, the lab's LB). */
    function program(specs: Record<string, Spec>) {
        return () => {
            const ids: Record<string, pulumi.Output<string>> = {};
            for (const [name, spec] of Object.entries(specs)) {
                ids[name] = new TcpListener(name, { loadBalancerId: lab.lbId, backendServerPort: 8080, bandwidth: -1, ...spec }).id;
            }
            return ids;
        };
    }
    const web: Spec = { listenerPort: 80, tags: { app: "web" } };
    const api: Spec = { listenerPort: 81, healthCheckType: "http", healthCheckUri: "/healthz" };

    const ops = (r: OperationResult) => r.steps.map((s) => `${s.op} ${s.name}`);
    const expectOk = (r: OperationResult) =>
        expect(r.ok, JSON.stringify({ errors: r.errors, failures: r.failures, diagnostics: r.diagnostics }, null, 1)).to.equal(true);
    const idOf = (port: number) => `${lab.lbId}:tcp:${port}`;
    const state = () => lab.engine.readState().resources;
    /** Position of the first logged call of `action` on `port` (request parameters arrive as strings). */
    const seqOf = (action: string, port: number) => {
        const call = lab.calls(action).find((r) => r.params.ListenerPort === String(port));
        expect(call, `${action} on port ${port}`).to.not.equal(undefined);
        return call!.seq;
    };

    it("a fresh up creates the listener and starts it", async () => {
        const r = await lab.up(program({ web }));
        expectOk(r);
        expect(ops(r)).to.deep.equal(["create web"]);
        expect(r.outputs.web).to.equal(idOf(80));
        const [res] = state();
        expect(res.id).to.equal(idOf(80));
        expect(res.outputs).to.include({ status: "running", listenerPort: 80, backendServerPort: 8080, regionId: REGION });
        expect(await lab.listener(80)).to.include({ Status: "running", BackendServerPort: 8080, Bandwidth: -1 });
        expect(lab.calls("CreateLoadBalancerTCPListener")).to.have.length(1);
        expect(lab.calls("StartLoadBalancerListener")).to.have.length(1);
    });

    it("a second preview reports no changes and costs one API call for both listeners (one listing)", async () => {
        expectOk(await lab.up(program({ web, api })));
        lab.emulator.clearRequests();
        const r = await lab.preview(program({ web, api }));
        expectOk(r);
        expect(ops(r)).to.deep.equal(["same web", "same api"]);
        expect(r.changes).to.equal(false);
        // Both listeners are on one load balancer, so their drift reads share one DescribeLoadBalancerListeners.
        expect(lab.calls().map((c) => c.action)).to.deep.equal(["DescribeLoadBalancerListeners"]);
    });

    it("a changed field updates in place: same id, one Set call", async () => {
        expectOk(await lab.up(program({ web })));
        const plan = await lab.preview(program({ web: { ...web, establishedTimeout: 300 } }));
        expect(ops(plan)).to.deep.equal(["update web"]);
        expect(plan.steps[0].detail).to.equal("changed: establishedTimeout");
        lab.emulator.clearRequests();
        const r = await lab.up(program({ web: { ...web, establishedTimeout: 300 } }));
        expectOk(r);
        expect(ops(r)).to.deep.equal(["update web"]);
        expect(state().map((s) => s.id)).to.deep.equal([idOf(80)]);
        expect(lab.calls("SetLoadBalancerTCPListenerAttribute")).to.have.length(1);
        expect(lab.calls().filter((c) => /^(Create|Delete)/.test(c.action))).to.deep.equal([]);
        expect((await lab.listener(80))?.EstablishedTimeout).to.equal(300);
        expect(ops(await lab.preview(program({ web: { ...web, establishedTimeout: 300 } })))).to.deep.equal(["same web"]);
    });

    it("a changed listenerPort replaces create-before-delete: the new listener exists before the old one goes", async () => {
        expectOk(await lab.up(program({ web })));
        lab.emulator.clearRequests();
        const r = await lab.up(program({ web: { ...web, listenerPort: 8080 } }));
        expectOk(r);
        expect(r.steps).to.have.length(1);
        expect(r.steps[0]).to.deep.include({ op: "replace", deleteBeforeReplace: false });
        expect(r.steps[0].replaces).to.include("listenerPort");
        expect(seqOf("CreateLoadBalancerTCPListener", 8080)).to.be.lessThan(seqOf("DeleteLoadBalancerListener", 80));
        expect(await lab.ports()).to.deep.equal([8080]);
        expect((await lab.listener(8080))?.Status).to.equal("running");
        expect(state().map((s) => s.id)).to.deep.equal([idOf(8080)]);
    });

    it("a changed backendServerPort replaces delete-before-replace: the old listener goes first, same port", async () => {
        expectOk(await lab.up(program({ web })));
        lab.emulator.clearRequests();
        const r = await lab.up(program({ web: { ...web, backendServerPort: 9090 } }));
        expectOk(r);
        expect(r.steps[0]).to.deep.include({ op: "replace", deleteBeforeReplace: true, replaces: ["backendServerPort"] });
        expect(seqOf("DeleteLoadBalancerListener", 80)).to.be.lessThan(seqOf("CreateLoadBalancerTCPListener", 80));
        expect(await lab.listener(80)).to.include({ Status: "running", BackendServerPort: 9090 });
        expect(state().map((s) => s.id)).to.deep.equal([idOf(80)]);
    });

    it("an out-of-band change shows in preview with a drift line naming the field, and up restores it", async () => {
        expectOk(await lab.up(program({ web })));
        await lab.slb.call("SetLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: lab.lbId, ListenerPort: 80, HealthyThreshold: 7 });
        await lab.waitForStatus(80, "running");
        const plan = await lab.preview(program({ web }));
        expectOk(plan);
        expect(ops(plan)).to.deep.equal(["update web"]);
        expect(plan.diagnostics).to.include(`${idOf(80)}: healthyThreshold is 7, want 3`);
        expect((await lab.listener(80))?.HealthyThreshold, "preview changed nothing").to.equal(7);
        const r = await lab.up(program({ web }));
        expectOk(r);
        expect(ops(r)).to.deep.equal(["update web"]);
        expect((await lab.listener(80))?.HealthyThreshold).to.equal(3);
        expect(ops(await lab.preview(program({ web })))).to.deep.equal(["same web"]);
    });

    it("a listener stopped out of band is started again by up", async () => {
        expectOk(await lab.up(program({ web })));
        await lab.slb.call("StopLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lab.lbId, ListenerPort: 80 });
        await lab.waitForStatus(80, "stopped");
        const plan = await lab.preview(program({ web }));
        expect(ops(plan)).to.deep.equal(["update web"]);
        expect(plan.diagnostics).to.include(`${idOf(80)}: status is "stopped", want "running"`);
        const r = await lab.up(program({ web }));
        expectOk(r);
        expect((await lab.listener(80))?.Status).to.equal("running");
        expect(state()[0].outputs.status).to.equal("running");
    });

    it("a listener deleted out of band is created again by up", async () => {
        expectOk(await lab.up(program({ web })));
        await lab.slb.call("DeleteLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lab.lbId, ListenerPort: 80 });
        const plan = await lab.preview(program({ web }));
        expectOk(plan);
        expect(plan.changes).to.equal(true);
        expect(plan.diagnostics.join("\n")).to.contain("deleted outside Pulumi");
        lab.emulator.clearRequests();
        const r = await lab.up(program({ web }));
        expectOk(r);
        // Created again by an update under the same id: no replacement, so the engine never deletes the new listener
        // as the "old" one (a bug an earlier version of this test caught) and protect would not stand in the way.
        expect(r.steps[0]).to.deep.include({ op: "update" });
        const created = seqOf("CreateLoadBalancerTCPListener", 80);
        const deletedAfter = lab.calls("DeleteLoadBalancerListener").filter((c) => c.params.ListenerPort === "80" && c.seq > created);
        expect(deletedAfter, "the re-created listener was deleted again as the replaced one (same id)").to.deep.equal([]);
        expect(await lab.ports(), "listeners on the load balancer after up").to.deep.equal([80]);
        expect((await lab.listener(80))?.Status).to.equal("running");
        expect(state().map((s) => s.id)).to.deep.equal([idOf(80)]);
        expect(ops(await lab.preview(program({ web }))), "preview after the repair").to.deep.equal(["same web"]);
    });

    it("a listener deleted out of band is dropped from the stack by refresh; the others are kept as they are", async () => {
        expectOk(await lab.up(program({ web, api })));
        await lab.slb.call("DeleteLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lab.lbId, ListenerPort: 81 });
        lab.emulator.clearRequests();
        const r = await lab.refresh();
        expectOk(r);
        expect(ops(r)).to.deep.equal(["read web", "refresh-delete api"]);
        expect(lab.calls().every((c) => c.action.startsWith("Describe")), "refresh only reads").to.equal(true);
        expect(state().map((s) => s.id)).to.deep.equal([idOf(80)]);
        expect(await lab.ports()).to.deep.equal([80]);
        expect(ops(await lab.preview(program({ web }))), "preview after refresh").to.deep.equal(["same web"]);
    });

    it("a listener removed from the program is deleted", async () => {
        expectOk(await lab.up(program({ web, api })));
        const plan = await lab.preview(program({ web }));
        expect(ops(plan)).to.deep.equal(["same web", "delete api"]);
        expect(await lab.ports(), "preview deletes nothing").to.deep.equal([80, 81]);
        const r = await lab.up(program({ web }));
        expectOk(r);
        expect(ops(r)).to.deep.equal(["same web", "delete api"]);
        expect(await lab.ports()).to.deep.equal([80]);
        expect(state().map((s) => s.id)).to.deep.equal([idOf(80)]);
    });

    it("destroy leaves nothing behind", async () => {
        expectOk(await lab.up(program({ web, api })));
        const r = await lab.destroy();
        expectOk(r);
        expect(ops(r)).to.deep.equal(["delete api", "delete web"]);
        expect(await lab.ports()).to.deep.equal([]);
        expect(state()).to.deep.equal([]);
    });

    it("invalid inputs fail preview (and up) with every message at once, nothing created, no API call", async () => {
        const bad = program({
            web: {
                listenerPort: 70000, bandwidth: 0, healthCheckInterval: 99,
                scheduler: "fastest" as never, aclStatus: "on", tags: { "acs:team": "web" },
            },
        });
        for (const run of [() => lab.preview(bad), () => lab.up(bad)]) {
            const r = await run();
            expect(r.ok).to.equal(false);
            const properties = r.failures.map((f) => f.property);
            expect(properties).to.include.members(["listenerPort", "bandwidth", "healthCheckInterval", "scheduler", "aclId", "aclType", "tags"]);
            for (const f of r.failures) expect(f.reason, `reason for ${f.property}`).to.be.a("string").and.not.equal("");
            expect(r.steps.filter((s) => s.op !== "create")).to.deep.equal([]);
            expect(r.rpcs.map((c) => c.method)).to.not.include.members(["Create", "Update", "Delete"]);
        }
        expect(lab.calls(), "API calls").to.deep.equal([]);
        expect(await lab.ports()).to.deep.equal([]);
        expect(state()).to.deep.equal([]);
    });

    it("inputs unknown during preview (loadBalancerId from another resource) do not fail preview", async () => {
        // A stand-in for @pulumi/alicloud's load balancer: its id is unknown in preview and known after create.
        const mocks = (args: MockArgs) => args.type === LB_TYPE
            ? { id: args.preview ? undefined : lab.lbId, state: { ...args.inputs } }
            : { id: args.name, state: { ...args.inputs } };
        lab.newEngine({ engine: { mocks } });
        const withLb = () => {
            const lb = new StandInLoadBalancer("lb", { loadBalancerSpec: "slb.s1.small", addressType: "internet" });
            const listener = new TcpListener("web", { ...web, loadBalancerId: lb.id, backendServerPort: 8080, bandwidth: -1 });
            return { listenerId: listener.id };
        };
        const plan = await lab.preview(withLb);
        expectOk(plan);
        expect(ops(plan)).to.deep.equal(["create web"]);
        const check = plan.rpcs.find((c) => c.method === "Check")!;
        expect(check.props?.loadBalancerId, "sent as the unknown sentinel").to.equal("04da6b54-80e4-46f7-96ec-b56ff0331ba9");
        expect(lab.calls()).to.deep.equal([]);

        const r = await lab.up(withLb);
        expectOk(r);
        expect(r.outputs.listenerId).to.equal(idOf(80));
        expect((await lab.listener(80))?.Status).to.equal("running");
        // With the listener in the stack, an unknown load balancer id still previews without failing.
        expectOk(await lab.preview(withLb));
    });

    it("a permanent Start failure leaves the listener recorded (partial failure) and the next up repairs it", async () => {
        const message = "You are not authorized to operate on the specified resource.";
        lab.emulator.setFaults({ rules: [{ action: "StartLoadBalancerListener", status: 403, code: "Forbidden.RAM", message }] });
        const failed = await lab.up(program({ web }));
        expect(failed.ok).to.equal(false);
        expect(failed.errors.map((e) => e.message).join("\n")).to.contain("Forbidden.RAM");
        const [recorded] = state();
        expect(recorded?.id, "recorded with its id").to.equal(idOf(80));
        expect(recorded.initErrors ?? []).to.have.length.greaterThan(0);
        expect(recorded.outputs.__provider, "recorded with its provider, so it can be deleted").to.be.a("string");
        expect((await lab.listener(80))?.Status).to.equal("stopped");
        expect(lab.calls("StartLoadBalancerListener"), "a permanent error is not retried").to.have.length(1);

        lab.emulator.setFaults({});
        const plan = await lab.preview(program({ web }));
        expect(ops(plan)).to.deep.equal(["update web"]);
        const r = await lab.up(program({ web }));
        expectOk(r);
        expect(ops(r)).to.deep.equal(["update web"]);
        expect((await lab.listener(80))?.Status).to.equal("running");
        expect(state()[0]).to.deep.include({ id: idOf(80) });
        expect(state()[0].initErrors ?? []).to.deep.equal([]);
        expect(ops(await lab.preview(program({ web })))).to.deep.equal(["same web"]);
    });

    describe("a listener made outside Pulumi on the same port", () => {
        beforeEach(async () => {
            await lab.slb.call("CreateLoadBalancerTCPListener", {
                RegionId: REGION, LoadBalancerId: lab.lbId, ListenerPort: 80, BackendServerPort: 8080, Bandwidth: -1, HealthyThreshold: 5,
            });
            lab.emulator.clearRequests();
        });

        it("without adoptExisting, up fails (in check, before any change) naming the port, the load balancer and adoptExisting", async () => {
            const r = await lab.up(program({ web }));
            expect(r.ok).to.equal(false);
            expect(r.failures.map((f) => f.property)).to.deep.equal(["listenerPort"]);
            expect(lab.calls("CreateLoadBalancerTCPListener"), "refused before the Create").to.have.length(0);
            const message = r.failures.map((f) => f.reason).join("\n");
            expect(message).to.contain("port 80").and.contain(lab.lbId).and.contain("adoptExisting");
            expect(state()).to.deep.equal([]);
            const live = await lab.listener(80);
            expect(live, "the foreign listener is untouched").to.include({ HealthyThreshold: 5, Status: "stopped" });
        });

        it("adoptExisting: true takes it over and reconciles it with the program", async () => {
            const r = await lab.up(program({ web: { ...web, adoptExisting: true } }));
            expectOk(r);
            expect(ops(r)).to.deep.equal(["create web"]);
            expect(lab.calls("CreateLoadBalancerTCPListener")).to.have.length(1); // the attempt that found the port taken
            const live = await lab.listener(80);
            expect(live).to.include({ Status: "running", HealthyThreshold: 3 });
            const tags = (live?.Tags?.Tag ?? []).map((t) => `${t.TagKey}=${t.TagValue}`).sort();
            expect(tags).to.deep.equal([`app=web`, `pulumi-owner=${lab.engine.project}/${lab.engine.stack}/web`]);
            expect(state().map((s) => s.id)).to.deep.equal([idOf(80)]);
            expect(ops(await lab.preview(program({ web: { ...web, adoptExisting: true } })))).to.deep.equal(["same web"]);
        });
    });

    it("the __provider stored in state is small, machine-independent and carries no credential", async () => {
        expectOk(await lab.up(program({ web, api })));
        const text = lab.history[0].stateText;
        const texts = providerTexts(text);
        expect(texts).to.have.length(4); // inputs and outputs of two listeners
        expect(new Set(texts).size, "one provider text for every resource").to.equal(1);
        assertCleanProviderText(texts[0]);
        expect(texts[0]).to.not.contain(process.cwd());
        expect(text).to.not.contain(lab.emulator.endpoint); // the endpoint is configuration, not code or state
    });
});
