// What only the service knows, seen by `pulumi preview` through the real engine: check() looks at a new listener's
// load balancer and port, from the operation's view of the load balancer (provider/api/listener-reads.ts). A load
// balancer the service does not know, and a port held by a listener made by hand or by another stack, fail the preview
// on the property at fault; a look that cannot reach the endpoint is a warning and the preview goes on; a
// loadBalancerId not known yet (another resource's output) is not looked at.
import { expect } from "chai";
import { TcpListener } from "../../provider";
import { CliLab, concurrentScenarios, REGION, describeWithCli, expectOk, idOf, listeners, useCliLab } from "./lab";
import { RunResult, stepList } from "./stack";

const TYPE = "pulumi-nodejs:dynamic/slb:TcpListener";

/** Calls about a load balancer after `mark` (attribute calls name it, listings list it among theirs). */
const callsOn = (l: CliLab, lbId: string, mark: number) => l.emulator.requests().filter((c) => c.seq > mark && Object.values(c.params).includes(lbId));

/** The error diagnostics the engine showed under a resource. */
const errorsOf = (r: RunResult, urn: string) => r.diagnostics.filter((d) => d.severity === "error" && d.urn === urn).map((d) => d.message);

describeWithCli("preview: check() looks at the service for new listeners", (cli) => {
    const lab = useCliLab(cli);
    const scenarios = concurrentScenarios(3);

    /** The preview fails, on `property` of `name`, with every fragment in the engine's message. */
    function expectCheckFailure(r: RunResult, urn: string, property: string, fragments: string[]): void {
        expect(r.ok, `the preview fails\n${r.stdout}\n${r.stderr}`).to.equal(false);
        const errors = errorsOf(r, urn);
        // The engine's wording of a check failure: "property <name> value {...} has a problem: <ours>".
        expect(errors.join("\n"), "the failure is shown under the listener, on the property").to.contain(`property ${property} value`);
        for (const f of fragments) expect(errors.join("\n")).to.contain(f);
    }

    scenarios.scenario("a load balancer the service does not know fails the preview on loadBalancerId", async () => {
        const missing = "lb-doesnotexist00000000";
        const stack = await lab().stack(listeners(missing, { web: { listenerPort: 80 } }), { label: "looks-unknown-lb" });
        const r = await stack.preview();
        expectCheckFailure(r, stack.urn(TYPE, "web"), "loadBalancerId", [missing, REGION]);
    });

    scenarios.scenario("a port taken by a listener made by hand fails the preview on listenerPort, suggesting adoptExisting", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("looks-by-hand");
        await l.slb.call("CreateLoadBalancerTCPListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 90, BackendServerPort: 9000, Bandwidth: -1 });
        const stack = await l.stack(listeners(lbId, { web: { listenerPort: 90 }, free: { listenerPort: 91 } }), { label: "looks-by-hand" });
        const mark = l.mark();
        const r = await stack.preview();
        expectCheckFailure(r, stack.urn(TYPE, "web"), "listenerPort", [`port 90 on load balancer ${lbId}`, "did not create", "adoptExisting: true"]);
        expect(errorsOf(r, stack.urn(TYPE, "free")), "the free port passes").to.deep.equal([]);
        // One look per load balancer: a lone attribute read, then a listing for the second listener at most.
        expect(callsOn(l, lbId, mark).length, "calls of the two looks").to.be.at.most(2);

        // adoptExisting says the program means to take it over: the preview plans it.
        stack.setProgram(listeners(lbId, { web: { listenerPort: 90, adoptExisting: true } }));
        const adopting = await stack.preview();
        expectOk(adopting);
        expect(stepList(adopting)).to.deep.equal(["create web"]);
    });

    scenarios.scenario("a port held by another stack's listener fails the preview on listenerPort, naming that resource", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("looks-other-stack");
        const other = await l.stack(listeners(lbId, { api: { listenerPort: 92 } }), { stack: "other", label: "looks-other" });
        expectOk(await other.up());
        const stack = await l.stack(listeners(lbId, { web: { listenerPort: 92 } }), { stack: "dev", label: "looks-this" });
        const r = await stack.preview();
        expectCheckFailure(r, stack.urn(TYPE, "web"), "listenerPort", [`port 92 on load balancer ${lbId}`, `the Pulumi resource ${other.project}/other/api`]);
        // The stack that holds it previews as usual.
        expectOk(await other.preview({ expectNoChanges: true }));
    });

    scenarios.scenario("an unreachable endpoint during the preview is a warning under the listener, not a failure", async () => {
        const l = lab();
        const stack = await l.stack(listeners("lb-anywhere0000000000", { web: { listenerPort: 80 } }), {
            label: "looks-unreachable",
            // Port 9 (discard) is closed here: the connection is refused at once; give up on it after a second.
            config: { "alicloud:endpoints": JSON.stringify([{ slb: "http://127.0.0.1:9" }]), "slbListener:unreachableTimeoutSeconds": "1" },
        });
        const r = await stack.preview();
        expectOk(r);
        expect(stepList(r)).to.deep.equal(["create web"]);
        const warnings = r.diagnostics.filter((d) => d.severity === "warning" && d.urn === stack.urn(TYPE, "web")).map((d) => d.message.trim());
        expect(warnings.join("\n")).to.match(new RegExp(`^${idOf("lb-anywhere0000000000", 80)}: could not look at the load balancer during the preview`, "m"));
    });

    scenarios.scenario("a loadBalancerId not known until another resource is created is not looked at", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("looks-unknown-value");
        const stack = await l.stack(() => {
            const first = new TcpListener("first", { loadBalancerId: lbId, listenerPort: 93, backendServerPort: 8080, bandwidth: -1 });
            // The id is an output: unknown in a preview of its create.
            const follower = new TcpListener("follower", {
                loadBalancerId: first.id.apply((id) => id.split(":")[0]), listenerPort: 94, backendServerPort: 8080, bandwidth: -1,
            });
            return { first: first.id, follower: follower.id };
        }, { label: "looks-unknown-value" });
        const mark = l.mark();
        const r = await stack.preview();
        expectOk(r);
        expect(stepList(r).sort()).to.deep.equal(["create first", "create follower"]);
        expect(callsOn(l, lbId, mark).map((c) => `${c.action} ${c.params.ListenerPort ?? ""}`.trim()), "only the first listener's port is looked at")
            .to.deep.equal(["DescribeLoadBalancerTCPListenerAttribute 93"]);
    });
});
