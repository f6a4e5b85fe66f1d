// check() during a preview sees what only the service knows about a listener this resource does not hold yet: a
// load balancer the service does not know, a port used by someone else's listener. Certain answers are check
// failures; a read that fails is a warning and the preview goes on; unknown values are not looked at; one look per
// load balancer serves many listeners (the operation's view, listener-reads.ts).
import { expect } from "chai";
import { configured, ProviderFixture, providerFixture, REGION, stderrOf } from "../support/provider-fixture";
import { asResource } from "../support/resource-facts";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from "../support/slb-client";
import { UNKNOWN } from "../../provider";

type Props = Record<string, unknown>;

describe("check(): what only the service knows, seen in the preview", function () {
    this.timeout(30_000);
    let fx: ProviderFixture;
    let base: Props;

    beforeEach(async () => {
        fx = await providerFixture();
        base = { loadBalancerId: fx.lbId, listenerPort: 80, bandwidth: -1, backendServerPort: 8080, ...asResource("proj", "dev", "web") };
    });
    afterEach(() => fx.close());

    const byHand = (port: number, tags: Array<{ Key: string; Value: string }> = []) => fx.slb.call("CreateLoadBalancerTCPListener", {
        RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: port, BackendServerPort: 9000, Bandwidth: -1, ...(tags.length ? { Tag: tags } : {}),
    });

    it("a port used by a listener made outside Pulumi fails the check on listenerPort, suggesting adoptExisting", async () => {
        await byHand(80);
        fx.resetCalls();
        const { failures } = await fx.provider.check({}, base);
        expect(failures?.map((f) => f.property)).to.deep.equal(["listenerPort"]);
        expect(failures?.[0].reason).to.contain(`port 80 on load balancer ${fx.lbId}`).and.contain("did not create").and.contain("adoptExisting");
        expect(fx.calls(), "one look").to.equal(1);
        // adoptExisting: the program means to take it over.
        expect((await fx.provider.check({}, { ...base, adoptExisting: true })).failures).to.deep.equal([]);
    });

    it("a port used by another Pulumi resource names it; the resource's own listener (crash recovery) passes", async () => {
        await byHand(80, [{ Key: "pulumi-owner", Value: "proj/prod/api" }]);
        await byHand(81, [{ Key: "pulumi-owner", Value: "proj/dev/web" }]);
        const taken = await fx.provider.check({}, base);
        expect(taken.failures?.[0].reason).to.contain("the Pulumi resource proj/prod/api").and.contain("this resource is proj/dev/web");
        expect((await fx.provider.check({}, { ...base, listenerPort: 81 })).failures).to.deep.equal([]);
    });

    it("a load balancer the service does not know fails the check on loadBalancerId, naming the region and the AccessKey", async () => {
        const { failures } = await fx.provider.check({}, { ...base, loadBalancerId: "lb-doesnotexist" });
        expect(failures?.map((f) => f.property)).to.deep.equal(["loadBalancerId"]);
        expect(failures?.[0].reason).to.contain("lb-doesnotexist").and.contain(REGION).and.contain(DEFAULT_ACCESS_KEY_ID);
    });

    it("looks at nothing for a listener the resource holds already, or whose load balancer is not known yet", async () => {
        await byHand(80);
        fx.resetCalls();
        const olds = (await fx.provider.check({}, { ...base, adoptExisting: true })).inputs;
        fx.resetCalls();
        expect((await fx.provider.check(olds, base)).failures, "its own listener, recorded").to.deep.equal([]);
        expect((await fx.provider.check({}, { ...base, loadBalancerId: UNKNOWN })).failures).to.deep.equal([]);
        expect(fx.calls()).to.equal(0);
    });

    it("looks at nothing for a listener recorded by 0.1.0, whose inputs have no region (its tag removed outside is drift, not a taken port)", async () => {
        await byHand(80);
        fx.resetCalls();
        const recordedBy010 = { loadBalancerId: fx.lbId, listenerPort: 80, bandwidth: -1, backendServerPort: 8080, owner: "proj/dev/web" };
        expect((await fx.provider.check(recordedBy010, base)).failures).to.deep.equal([]);
        expect(fx.calls()).to.equal(0);
    });

    it("a read that fails is a warning, and the preview goes on within the look's bound", async () => {
        const unreachable = configured({
            "alicloud:region": REGION, "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID, "alicloud:secretKey": DEFAULT_ACCESS_KEY_SECRET,
            "alicloud:endpoints": JSON.stringify([{ slb: "http://127.0.0.1:9" }]), "slbListener:unreachableTimeoutSeconds": "1",
        });
        const started = Date.now();
        const { result, lines } = await stderrOf(() => unreachable.check({}, base));
        expect(result.failures).to.deep.equal([]);
        expect(lines.join("\n")).to.match(/^warning: .*:tcp:80: could not look at the load balancer during the preview/m);
        expect(Date.now() - started).to.be.below(5000);
    });

    it("one look per load balancer serves the checks of many new listeners (an attribute read, then a listing)", async () => {
        await byHand(150);
        fx.resetCalls();
        for (let port = 100; port < 120; port++) {
            expect((await fx.provider.check({}, { ...base, listenerPort: port })).failures).to.deep.equal([]);
        }
        expect((await fx.provider.check({}, { ...base, listenerPort: 150 })).failures?.map((f) => f.property)).to.deep.equal(["listenerPort"]);
        expect(fx.emulator.requests().map((r) => r.action)).to.deep.equal(["DescribeLoadBalancerTCPListenerAttribute", "DescribeLoadBalancerListeners"]);
    });
});
