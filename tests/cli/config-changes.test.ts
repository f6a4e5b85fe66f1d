// Issue 17's rows about what changes between runs, through the real Pulumi engine: alicloud:region, the endpoint,
// the credentials (another key of the same account, a key of another account), a deleted load balancer, and which
// answers of the service mean that a listener is gone. The emulator knows three keys of two accounts.
import { expect } from "chai";
import { TcpListener, TcpListenerArgs } from "../../provider";
import { concurrentScenarios, REGION, describeWithCli, expectOk, idOf } from "./lab";
import { MAIN, OTHER_ACCOUNT, SAME_ACCOUNT, TCP_LISTENER, changes, opsOf, refreshWith, saidOn, shown, useAccountsLab } from "./matrix-support";
import { stepList } from "./stack";
import { closedPort } from "../support/closed-port";

const OTHER_REGION = "cn-shanghai";
const DELETE = "DeleteLoadBalancerListener";

const base = (lbId: string, port: number, more: Partial<TcpListenerArgs> = {}): TcpListenerArgs =>
    ({ loadBalancerId: lbId, listenerPort: port, backendServerPort: 8080, bandwidth: -1, ...more });

/** The provider's stderr line for a load balancer the service does not know. */
const notFoundLine = (lbId: string, keyId: string, region = REGION) => `load balancer ${lbId} was not found in region ${region} with AccessKey ${keyId}`;

describeWithCli("region, endpoint and credentials changed between runs, through the real Pulumi engine", (cli) => {
    const lab = useAccountsLab(cli);
    const scenarios = concurrentScenarios(3);

    scenarios.scenario("alicloud:region changed: with the same load balancer the preview fails naming both regions and nothing is deleted; with a load balancer in the new region the listener is replaced, new one first", async () => {
        const l = lab();
        const [here, there] = [await l.loadBalancer(), await l.loadBalancer(OTHER_REGION)];
        const program = (lbId: string) => () => ({ id: new TcpListener("web", base(lbId, 80)).id });
        const stack = await l.stack(program(here), "region");
        expectOk(await stack.up());

        await stack.stack.setConfig("alicloud:region", { value: OTHER_REGION });
        const mark = l.mark();
        const plan = await stack.preview();
        expect(plan.ok).to.equal(false);
        const [error] = saidOn(plan, stack.urn(TCP_LISTENER, "web"));
        expect(error).to.contain(`the listener and its load balancer ${here} are in ${REGION}, but this run's region is ${OTHER_REGION}`)
            .and.to.contain("its listener cannot move to another").and.to.contain("Nothing is planned");
        const up = await stack.up();
        expect(up.ok, "up refuses too").to.equal(false);
        expect(changes(l.emulator.requests(), here, mark), "nothing deleted").to.deep.equal([]);
        expect(await l.ports(here)).to.deep.equal([80]);

        stack.setProgram(program(there));
        const moved = await stack.up();
        expectOk(moved);
        const at = (op: string) => moved.steps.findIndex((s) => s.name === "web" && s.op === op && s.phase === "done");
        expect(at("create-replacement"), "new one first").to.be.within(0, at("delete-replaced"));
        expect(l.calls(there, "CreateLoadBalancerTCPListener", mark)[0].seq).to.be.lessThan(l.calls(here, DELETE, mark)[0].seq);
        expect(await l.ports(there, OTHER_REGION)).to.deep.equal([80]);
        expect(await l.ports(here)).to.deep.equal([]);
        const [recorded] = await stack.resources();
        expect(recorded.id).to.equal(idOf(there, 80));
        expect(recorded.outputs?.regionId).to.equal(OTHER_REGION);
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);
        expectOk(await stack.destroy());
    });

    scenarios.scenario("alicloud:endpoints pointing where nothing listens: an error naming the endpoint within slbListener:unreachableTimeoutSeconds, a retry line quoting the bounds; back again, nothing to do", async () => {
        const l = lab();
        const lbId = await l.loadBalancer();
        const stack = await l.stack(() => ({ id: new TcpListener("web", base(lbId, 80)).id }), "endpoint");
        expectOk(await stack.up());

        const dead = `127.0.0.1:${await closedPort()}`;
        await stack.stack.setAllConfig({
            "alicloud:endpoints": { value: JSON.stringify([{ slb: `http://${dead}` }]) },
            // 10 s: the progress line comes once retries pass 5 s; a shorter bound leaves a loaded machine too little
            // time for a retry after that mark (a failing call itself can take a second or more there).
            "slbListener:unreachableTimeoutSeconds": { value: "10" },
            "slbListener:retryTimeoutSeconds": { value: "40" },
        });
        const plan = await stack.preview();
        expect(plan.ok).to.equal(false);
        expect(plan.ms, "within the unreachable bound, not the operation's 40 s").to.be.lessThan(35_000);
        const said = saidOn(plan, stack.urn(TCP_LISTENER, "web"));
        const everything = `${said.join("\n")}\n--- stderr:\n${plan.stderr}`;
        expect(said.find((m) => m.includes("error") || m.includes("failed")) ?? said.join("\n"), "the error names the endpoint").to.contain(dead);
        expect(said.join("\n"), everything).to.contain("retrying for").and.to.contain("(an unreachable endpoint is retried for 10 s, " +
            "slbListener:unreachableTimeoutSeconds; the operation's bound is 40 s, slbListener:retryTimeoutSeconds)");

        await stack.stack.setConfig("alicloud:endpoints", l.config()["alicloud:endpoints"]);
        expect((await stack.preview({ expectNoChanges: true })).exitCode, "back on the emulator: nothing to do").to.equal(0);
        expectOk(await stack.destroy());
    });

    scenarios.scenario("credentials: another key of the same account works; refresh and destroy use the config the last up recorded; a key of another account then fails refresh and destroy, naming the key and the region once, and nothing is dropped; with missingLoadBalancerIsGone refresh drops the listeners", async () => {
        const l = lab();
        const lbId = await l.loadBalancer();
        const stack = await l.stack(() => ({ web: new TcpListener("web", base(lbId, 80)).id, api: new TcpListener("api", base(lbId, 81)).id }), "credentials");
        expectOk(await stack.up());
        const recorded = [idOf(lbId, 80), idOf(lbId, 81)];
        // This stack's calls only: the other scenarios run at the same time on the same emulator.
        const ours = (r: { params: Record<string, unknown> }) => Object.values(r.params).some((v) => String(v).includes(lbId));
        const keysSince = (m: number) => [...new Set(l.emulator.requests().filter((r) => r.seq > m && ours(r)).map((r) => r.accessKeyId))];

        await l.useAccount(stack, SAME_ACCOUNT);
        let mark = l.mark();
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);
        expect(keysSince(mark), "preview runs the program: the new key").to.deep.equal([SAME_ACCOUNT.accessKeyId]);

        await l.useAccount(stack, OTHER_ACCOUNT);
        mark = l.mark();
        expectOk(await stack.refresh());
        expect(keysSince(mark), "refresh: the key recorded by the last up").to.deep.equal([MAIN.accessKeyId]);

        const line = notFoundLine(lbId, OTHER_ACCOUNT.accessKeyId);
        const failures = [
            await refreshWith(stack, { runProgram: true }),
            await stack.up(), // fails too, and records the new config for the destroy
            await stack.destroy(),
        ];
        for (const failed of failures) {
            expect(failed.ok, failed.command).to.equal(false);
            const own = failed.diagnostics.filter((d) => !d.urn.includes(TCP_LISTENER) && d.message.includes(line));
            expect(own.length, `${failed.command}: one line for the load balancer\n${shown(failed)}`).to.equal(1);
            const onListeners = failed.diagnostics.filter((d) => d.urn.includes(TCP_LISTENER) && d.severity === "error");
            expect(onListeners.length, failed.command).to.be.at.least(1);
            for (const d of onListeners) expect(d.message, failed.command).to.contain(line);
            expect((await stack.resources()).map((r) => r.id).sort(), `${failed.command}: nothing dropped`).to.deep.equal(recorded);
        }
        // destroy tries its deletes with the key it was given; the service refuses each (the load balancer is not found).
        const succeeded = l.emulator.requests().filter((r) => r.code === null);
        expect(changes(succeeded, lbId, mark), "no change made").to.deep.equal([]);
        expect(await l.ports(lbId)).to.deep.equal([80, 81]);

        await stack.stack.setConfig("slbListener:missingLoadBalancerIsGone", { value: "true" });
        const dropped = await refreshWith(stack, { runProgram: true });
        expectOk(dropped);
        expect(stepList(dropped).filter((s) => !s.startsWith("refresh") && !s.startsWith("same")).sort()).to.deep.equal(["delete api", "delete web"]);
        expect(await stack.resources()).to.deep.equal([]);
        expect(await l.ports(lbId), "the main account's listeners are untouched").to.deep.equal([80, 81]);
    });

    scenarios.scenario("a deleted load balancer (InvalidLoadBalancerId.NotFound) is not taken as gone: destroy fails naming it; with SLB_LISTENER_MISSING_LB_IS_GONE it forgets the listener", async () => {
        const l = lab();
        const lbId = await l.loadBalancer();
        const stack = await l.stack(() => ({ id: new TcpListener("web", base(lbId, 80)).id }), "deleted-lb");
        expectOk(await stack.up());
        await l.slb.call("DeleteLoadBalancer", { RegionId: REGION, LoadBalancerId: lbId });

        const failed = await stack.destroy();
        expect(failed.ok).to.equal(false);
        expect(shown(failed)).to.contain(notFoundLine(lbId, MAIN.accessKeyId)).and.to.contain("slbListener:missingLoadBalancerIsGone");
        expect((await stack.resources()).map((r) => r.id)).to.deep.equal([idOf(lbId, 80)]);

        // The environment variable reaches the provider without an up (config would wait for one, or --run-program).
        stack.stack.workspace.envVars.SLB_LISTENER_MISSING_LB_IS_GONE = "true";
        const destroy = await stack.destroy();
        expectOk(destroy);
        expect(stepList(destroy)).to.deep.equal(["delete web"]);
        expect(await stack.resources()).to.deep.equal([]);
    });

    // Fault rules apply to the whole emulator: after the scenarios above.
    it("ListenerNotFound and InvalidParameter \"...resource does not exist\" mean the listener is gone: destroy succeeds", async function () {
        await scenarios.settle();
        const l = lab();
        const lbId = await l.loadBalancer();
        const stack = await l.stack(() => {
            const x = new TcpListener("x", base(lbId, 80));
            new TcpListener("y", base(lbId, 81), { dependsOn: [x] }); // deleted before x
            return {};
        }, "gone-codes");
        expectOk(await stack.up());
        await l.slb.call(DELETE, { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 80 });
        l.emulator.setFaults({ rules: [{ action: DELETE, code: "InvalidParameter", message: "The specified resource does not exist.", status: 400, count: 1 }] });
        const mark = l.mark();
        try {
            const destroy = await stack.destroy();
            expectOk(destroy);
            expect(opsOf(destroy, "x")).to.deep.equal(["delete"]);
        } finally {
            l.emulator.setFaults({});
        }
        expect(l.calls(lbId, DELETE, mark).map((c) => `${c.params.ListenerPort} ${c.code}`)).to.deep.equal(["81 InvalidParameter", "80 ListenerNotFound"]);
        expect(await stack.resources()).to.deep.equal([]);
        // The fault kept listener y: its Delete was answered "does not exist" and taken at its word.
        expect(await l.ports(lbId)).to.deep.equal([81]);
    });
});
