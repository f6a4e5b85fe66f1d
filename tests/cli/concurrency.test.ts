// Two stacks, two `pulumi up` processes at once, 10 listeners each on the same load balancer: each provider host
// serializes its own changes per load balancer, but cannot see the other process's, so the service's "busy"
// answers must be carried by retries. Both converge with 0 failed operations; both destroys leave nothing.
import { expect } from "chai";
import { BUSY_CODES } from "../support/timing";
import { Spec, describeWithCli, expectOk, listeners, useCliLab } from "./lab";
import { stepList } from "./stack";

const BUSY = new Set(BUSY_CODES);

describeWithCli("two stacks deploying to one load balancer at once through the real Pulumi engine", (cli) => {
    // A configuration change holds the load balancer long enough for the two processes to collide.
    const lab = useCliLab(cli, { transitionMs: 40, changeMs: 40 });

    it("both ups converge with 0 failed operations, both destroys leave nothing", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("shared");
        const specs = (base: number) => Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`l${i}`, { listenerPort: base + i } as Spec]));
        const alpha = await l.stack(listeners(lbId, specs(1000)), { stack: "alpha" });
        const beta = await l.stack(listeners(lbId, specs(2000)), { stack: "beta" });
        const mark = l.mark();

        const [a, b] = await Promise.all([alpha.up(), beta.up()]);
        expectOk(a);
        expectOk(b);
        for (const r of [a, b]) expect(stepList(r).filter((s) => s.startsWith("create"))).to.have.length(10);
        const ports = await l.ports(lbId);
        expect(ports).to.have.length(20);
        for (const port of ports) expect((await l.listener(lbId, port))?.Status, `port ${port}`).to.equal("running");
        const calls = l.calls(lbId, undefined, mark);
        const busy = calls.filter((c) => c.code && BUSY.has(c.code));
        // check()'s look at a new listener's port answers "does not exist": that is no error.
        const failedErrors = calls.filter((c) => c.code && !BUSY.has(c.code) && !(c.action === "DescribeLoadBalancerTCPListenerAttribute" && c.code === "InvalidParameter"));
        expect(failedErrors.map((c) => `${c.action} ${c.code}`), "no error but busy answers").to.deep.equal([]);
        expect(calls.filter((c) => c.action === "CreateLoadBalancerTCPListener" && c.status === 200)).to.have.length(20);

        const [da, db] = await Promise.all([alpha.destroy(), beta.destroy()]);
        expectOk(da);
        expectOk(db);
        expect(await l.ports(lbId)).to.deep.equal([]);
        console.log(`      [cli two stacks] 2 x 10 listeners on one load balancer: ups ${a.ms} / ${b.ms} ms, ${busy.length} busy answers ` +
            `retried, 0 failed operations; destroys ${da.ms} / ${db.ms} ms, nothing left`);
    });
});
