import { expect } from "chai";
import { ProviderFixture, providerFixture, REGION } from "../support/provider-fixture";
import { asResource } from "../support/resource-facts";
import { waitUntil } from "../support/timing";

type Props = Record<string, unknown>;

describe("TcpListenerProvider against the emulator", function () {
    this.timeout(30000);
    let fx: ProviderFixture;
    let base: Props;

    beforeEach(async () => {
        fx = await providerFixture();
        base = { loadBalancerId: fx.lbId, listenerPort: 80, bandwidth: -1, backendServerPort: 8080, ...asResource("proj", "dev", "web"), tags: { team: "web" } };
    });
    afterEach(() => fx.close());

    async function create(inputs: Props = base) {
        const result = await fx.provider.create(inputs);
        return { id: result.id, outs: result.outs as Props };
    }

    async function liveListener(port = 80) {
        return fx.slb.call("DescribeLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: port });
    }

    it("creates and starts with one Create carrying every setting and the tags, then reads outputs from the live listener", async () => {
        const { id, outs } = await create({ ...base, healthCheckType: "http", healthCheckUri: "/healthz", persistenceTimeout: 30, connectionDrain: "on", connectionDrainTimeout: 60 });
        expect(id).to.equal(`${fx.lbId}:tcp:80`);
        expect(fx.calls("CreateLoadBalancerTCPListener")).to.equal(1);
        expect(fx.calls("StartLoadBalancerListener")).to.equal(1);
        expect(fx.calls("SetLoadBalancerTCPListenerAttribute")).to.equal(0);
        expect(fx.calls("TagResources")).to.equal(0);
        // Create + Start + status polls only.
        expect(fx.calls() - fx.calls("DescribeLoadBalancerTCPListenerAttribute")).to.be.at.most(3);
        expect(outs).to.include({ status: "running", healthCheckUri: "/healthz", persistenceTimeout: 30, scheduler: "wrr", establishedTimeout: 900, regionId: REGION });
        expect(outs).not.to.have.any.keys("owner", "__program");
        expect(outs.tags).to.deep.equal({ team: "web" });
        const live = await liveListener();
        expect(live).to.include({ Status: "running", HealthCheckURI: "/healthz", ConnectionDrain: "on", ConnectionDrainTimeout: 60 });
        expect(live.Tags.Tag).to.deep.include({ TagKey: "pulumi-owner", TagValue: "proj/dev/web" });
    });

    it("creates a stopped listener with two calls when status is stopped", async () => {
        const { outs } = await create({ ...base, status: "stopped" });
        expect(outs.status).to.equal("stopped");
        expect(fx.calls()).to.equal(2);
        expect((await liveListener()).Status).to.equal("stopped");
    });

    it("a no-op diff costs exactly one call and reports no changes", async () => {
        const { id, outs } = await create();
        fx.resetCalls();
        const diff = await fx.provider.diff(id, { ...outs }, { ...base });
        expect(diff.changes).to.equal(false);
        expect(fx.calls()).to.equal(1);
    });

    it("refresh costs one call and returns props; inputs only when something changed; a deleted listener reads as gone", async () => {
        const { id, outs } = await create();
        fx.resetCalls();
        const read = await fx.provider.read!(id, outs) as { id: string; props: Props; inputs?: Props };
        expect(fx.calls()).to.equal(1);
        expect(read.id).to.equal(id);
        expect(read.props).to.include({ status: "running", bandwidth: -1 });
        // Nothing changed: the recorded inputs stand.
        expect(read.inputs).to.equal(undefined);
        // Changed outside Pulumi: the inputs check() makes of a program that writes what the service shows.
        const change = { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: 80, EstablishedTimeout: 300 };
        await waitUntil("the load balancer to accept a change", () => fx.slb.call("SetLoadBalancerTCPListenerAttribute", change).then(() => true, () => false));
        const drifted = await fx.provider.read!(id, outs) as { id: string; props: Props; inputs: Props };
        const program = { loadBalancerId: fx.lbId, listenerPort: 80, bandwidth: -1, backendServerPort: 8080, tags: { team: "web" }, establishedTimeout: 300 };
        expect(drifted.inputs).to.deep.equal((await fx.provider.check({}, program)).inputs);
        expect(drifted.inputs).to.include({ scheduler: "wrr", establishedTimeout: 300, regionId: REGION, status: "running" });
        expect(drifted.inputs).not.to.have.any.keys("healthCheckUri", "description");
        const removal = { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: 80 };
        await waitUntil("the load balancer to accept a delete", () => fx.slb.call("DeleteLoadBalancerListener", removal).then(() => true, () => false));
        expect((await fx.provider.read!(id, outs)).id).to.equal(undefined);
    });

    it("updates one field with one Set after diff (two calls in all), sending only that field", async () => {
        const { id, outs } = await create();
        fx.resetCalls();
        const news = { ...base, establishedTimeout: 300 };
        const diff = await fx.provider.diff(id, outs, news);
        expect(diff).to.include({ changes: true, deleteBeforeReplace: false });
        const updated = await fx.provider.update!(id, outs, news);
        expect(fx.calls()).to.be.at.most(2);
        const set = fx.emulator.requests().find((r) => r.action === "SetLoadBalancerTCPListenerAttribute")!;
        expect(Object.keys(set.params).sort()).to.deep.equal(["EstablishedTimeout", "ListenerPort", "LoadBalancerId", "RegionId"]);
        expect(updated.outs).to.include({ establishedTimeout: 300 });
        expect((await liveListener()).EstablishedTimeout).to.equal(300);
    });

    it("resets a removed input to the service default", async () => {
        const { id, outs } = await create({ ...base, persistenceTimeout: 120, description: "web" });
        await fx.provider.diff(id, outs, base);
        await fx.provider.update!(id, outs, base);
        const live = await liveListener();
        expect(live).to.include({ PersistenceTimeout: 0, Description: "" });
    });

    it("asks for replacement of identity fields and delete-first replacement of backendServerPort", async () => {
        const { id, outs } = await create();
        fx.resetCalls();
        expect(await fx.provider.diff(id, outs, { ...base, listenerPort: 81 })).to.deep.include({ replaces: ["listenerPort"], deleteBeforeReplace: false });
        expect(await fx.provider.diff(id, outs, { ...base, backendServerPort: 9090 })).to.deep.include({ replaces: ["backendServerPort"], deleteBeforeReplace: true });
        // A listener follows its load balancer: another region with another load balancer is a new listener, made first.
        expect(await fx.provider.diff(id, outs, { ...base, loadBalancerId: "lb-elsewhere", regionId: "cn-beijing" }))
            .to.deep.include({ replaces: ["loadBalancerId", "regionId"], deleteBeforeReplace: false });
        // With the same load balancer the plan could never succeed: the preview fails, deleting nothing.
        const moved = await fx.provider.diff(id, outs, { ...base, regionId: "cn-beijing" }).then(() => undefined, (e: Error) => e);
        expect(moved?.message).to.contain(`${id}:`).and.contain(`are in ${REGION}`).and.contain("cannot move").and.contain(`regionId: "${REGION}"`);
        expect(fx.calls()).to.equal(0);
    });

    describe("drift", () => {
        it("reports a field changed out of band on stderr and restores it", async () => {
            const { id, outs } = await create();
            await fx.slb.call("SetLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: 80, HealthyThreshold: 7 });
            const { result: diff, lines } = await fx.stderrOf(() => fx.provider.diff(id, outs, base));
            expect(diff.changes).to.equal(true);
            expect(lines).to.deep.equal([`${id}: healthyThreshold is 7, want 3`]);
            await fx.provider.update!(id, outs, base);
            await new Promise((r) => setTimeout(r, 60));
            expect((await liveListener()).HealthyThreshold).to.equal(3);
        });

        it("starts again a listener stopped out of band", async () => {
            const { id, outs } = await create();
            await fx.slb.call("StopLoadBalancerListener", { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: 80 });
            await new Promise((r) => setTimeout(r, 60));
            const { result: diff, lines } = await fx.stderrOf(() => fx.provider.diff(id, outs, base));
            expect(diff.changes).to.equal(true);
            expect(lines).to.deep.equal([`${id}: status is "stopped", want "running"`]);
            const updated = await fx.provider.update!(id, outs, base);
            expect(updated.outs).to.include({ status: "running" });
            expect((await liveListener()).Status).to.equal("running");
        });

        it("creates again, in an update under the same id, a listener deleted out of band (no replacement)", async () => {
            const { id, outs } = await create();
            await fx.slb.call("DeleteLoadBalancerListener", { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: 80 });
            const { result: diff, lines } = await fx.stderrOf(() => fx.provider.diff(id, outs, base));
            // No replacement: a protected listener could not be replaced, and nothing blames listenerPort.
            expect(diff).to.deep.include({ changes: true, replaces: [], deleteBeforeReplace: false });
            expect(lines[0]).to.contain("deleted outside Pulumi");
            const updated = await fx.provider.update!(id, outs, base);
            expect(updated.outs).to.include({ status: "running", listenerPort: 80 });
            expect(await liveListener()).to.include({ Status: "running", BackendServerPort: 8080 });
            expect((await liveListener()).Tags.Tag).to.deep.include({ TagKey: "pulumi-owner", TagValue: "proj/dev/web" });
        });

        it("restores tags changed out of band", async () => {
            const { id, outs } = await create();
            const resource = { RegionId: REGION, ResourceType: "listener", ResourceId: [`${fx.lbId}_tcp_80`] };
            await fx.slb.call("TagResources", { ...resource, Tag: [{ Key: "team", Value: "ops" }, { Key: "extra", Value: "x" }] });
            const { lines } = await fx.stderrOf(() => fx.provider.diff(id, outs, base));
            expect(lines).to.include(`${id}: tags.team is "ops", want "web"`);
            expect(lines).to.include(`${id}: tags.extra is "x", want unset`);
            await fx.provider.update!(id, outs, base);
            const tags = (await liveListener()).Tags.Tag.map((t: { TagKey: string; TagValue: string }) => `${t.TagKey}=${t.TagValue}`).sort();
            expect(tags).to.deep.equal(["pulumi-owner=proj/dev/web", "team=web"]);
        });
    });

    it("changes tags with UntagResources then TagResources only (removing first keeps within the limit)", async () => {
        const { id, outs } = await create();
        fx.resetCalls();
        const news = { ...base, tags: { env: "prod" } };
        await fx.provider.diff(id, outs, news);
        const updated = await fx.provider.update!(id, outs, news);
        expect(fx.emulator.requests().map((r) => r.action)).to.deep.equal(["DescribeLoadBalancerTCPListenerAttribute", "UntagResources", "TagResources"]);
        expect(updated.outs).to.deep.include({ tags: { env: "prod" } });
    });

    it("stops and starts the listener when status changes", async () => {
        const { id, outs } = await create();
        const stopped = await fx.provider.update!(id, outs, { ...base, status: "stopped" });
        expect(stopped.outs).to.include({ status: "stopped" });
        expect((await liveListener()).Status).to.equal("stopped");
        const running = await fx.provider.update!(id, stopped.outs, base);
        expect(running.outs).to.include({ status: "running" });
    });

    it("switches between server groups in place", async () => {
        const group = async (name: string) => (await fx.slb.call("CreateVServerGroup", { RegionId: REGION, LoadBalancerId: fx.lbId, VServerGroupName: name })).VServerGroupId as string;
        const [g1, g2] = [await group("a"), await group("b")];
        const { id, outs } = await create({ ...base, vServerGroupId: g1 });
        expect((await liveListener()).VServerGroupId).to.equal(g1);
        const toG2 = { ...base, vServerGroupId: g2 };
        expect(await fx.provider.diff(id, outs, toG2)).to.deep.include({ changes: true, replaces: [] });
        const moved = await fx.provider.update!(id, outs, toG2);
        expect((await liveListener()).VServerGroupId).to.equal(g2);
        await new Promise((r) => setTimeout(r, 60));
        await fx.provider.update!(id, moved.outs, base);
        const live = await liveListener();
        expect(live.VServerGroupId).to.equal(undefined);
        expect(live.BackendServerPort).to.equal(8080);
    });

    it("deletes with at most two calls, and an already deleted listener counts as deleted", async () => {
        const { id, outs } = await create();
        fx.resetCalls();
        await fx.provider.delete!(id, outs);
        expect(fx.calls()).to.be.at.most(2);
        await fx.provider.delete!(id, outs);
        expect((await fx.provider.read!(id, outs)).id).to.equal(undefined);
    });

    describe("ports already in use", () => {
        async function outsideListener() {
            await fx.slb.call("CreateLoadBalancerTCPListener", { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: 80, BackendServerPort: 9000, Bandwidth: -1, EstablishedTimeout: 60 });
        }

        it("fails with an error naming the port, the load balancer and adoptExisting", async () => {
            await outsideListener();
            const error = await fx.provider.create(base).then(() => undefined, (e: Error) => e);
            expect(error?.message).to.contain("port 80").and.contain(fx.lbId).and.contain("adoptExisting");
        });

        it("takes over and reconciles an existing listener with adoptExisting", async () => {
            await outsideListener();
            const { outs } = await create({ ...base, backendServerPort: 9000, adoptExisting: true });
            expect(outs).to.include({ establishedTimeout: 900, status: "running" });
            expect(await liveListener()).to.include({ EstablishedTimeout: 900, Status: "running" });
        });

        it("refuses to adopt when a replace-only field differs", async () => {
            await outsideListener();
            const error = await fx.provider.create({ ...base, adoptExisting: true }).then(() => undefined, (e: Error) => e);
            expect(error?.message).to.contain("backendServerPort");
        });

        it("recognises its own listener by the ownership tag without adoptExisting", async () => {
            await fx.slb.call("CreateLoadBalancerTCPListener", {
                RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: 80, BackendServerPort: 8080, Bandwidth: -1,
                Tag: [{ Key: "pulumi-owner", Value: "proj/dev/web" }],
            });
            const { outs } = await create();
            expect(outs).to.include({ status: "running" });
        });

        it("names the other Pulumi resource holding the port", async () => {
            await create({ ...base, ...asResource("proj", "dev", "other") });
            const error = await fx.provider.create(base).then(() => undefined, (e: Error) => e);
            expect(error?.message).to.contain("proj/dev/other").and.contain("proj/dev/web");
        });
    });

    it("records a partial failure (id and properties) when Start fails after Create, and update repairs it", async () => {
        fx.emulator.setFaults({ rules: [{ action: "StartLoadBalancerListener", status: 403, code: "Forbidden.RAM", message: "User not authorized to operate on the specified resource." }] });
        const error = await fx.provider.create({ ...base, __provider: "code" }).then(() => undefined, (e: Error & { id?: string; properties?: Props }) => e);
        expect(error?.id).to.equal(`${fx.lbId}:tcp:80`);
        expect(error?.properties).to.include({ __provider: "code", loadBalancerId: fx.lbId, status: "stopped" });
        expect(error?.message).to.contain("Forbidden.RAM").and.contain("recorded");
        expect(fx.calls("StartLoadBalancerListener")).to.equal(1);
        fx.emulator.setFaults({});
        const diff = await fx.provider.diff(error!.id!, error!.properties!, base);
        expect(diff.changes).to.equal(true);
        const repaired = await fx.provider.update!(error!.id!, error!.properties!, base);
        expect(repaired.outs).to.include({ status: "running" });
    });

    it("retries busy, throttled and 5xx answers and still converges", async () => {
        fx.emulator.setFaults({ seed: 7, errorRate: 0.4, errorKinds: { ServiceUnavailable: 1, "Throttling.User": 1, SystemBusy: 1, InternalError: 1 } } as never);
        const { outs } = await create();
        expect(outs.status).to.equal("running");
        const failed = fx.emulator.requests().filter((r) => r.fault).length;
        expect(failed).to.be.greaterThan(0);
    });

    it("fails at once on a non-retryable error, naming the input, code and request id", async () => {
        const error = await fx.provider.create({ ...base, aclStatus: "on", aclType: "white", aclId: "acl-doesnotexist" }).then(() => undefined, (e: Error) => e);
        expect(fx.calls("CreateLoadBalancerTCPListener")).to.equal(1);
        expect(error?.message).to.match(/rejected aclId/).and.contain("AclNotExist").and.match(/request id [0-9A-F-]{36}/);
        expect(error?.message).not.to.contain("emulator-access-key-secret");
    });

    it("explains an unknown load balancer", async () => {
        const error = await fx.provider.create({ ...base, loadBalancerId: "lb-missing" }).then(() => undefined, (e: Error) => e);
        expect(error?.message).to.contain("loadBalancerId").and.contain("InvalidLoadBalancerId.NotFound").and.contain("regionId");
    });
});

describe("TcpListenerProvider: a person's habits", function () {
    this.timeout(30000);
    let fx: ProviderFixture;
    afterEach(() => fx.close());

    it("says once on stderr what it is waiting for when retries last more than a few seconds", async () => {
        fx = await providerFixture();
        fx.emulator.setFaults({ rules: [{ action: "CreateLoadBalancerTCPListener", code: "SystemBusy", status: 449, message: "The system is busy." }] });
        const healed = setTimeout(() => fx.emulator.setFaults({}), 6000);
        const inputs = { loadBalancerId: fx.lbId, listenerPort: 80, bandwidth: -1, backendServerPort: 8080 };
        const { result, lines } = await fx.stderrOf(() => fx.provider.create(inputs));
        clearTimeout(healed);
        expect((result.outs as Record<string, unknown>).status).to.equal("running");
        expect(lines).to.have.length(1);
        expect(lines[0]).to.match(new RegExp(`^CreateLoadBalancerTCPListener for ${fx.lbId}:80: the load balancer is busy \\(SystemBusy\\); ` +
            "retrying for \\d+ s so far, at most \\d+ s more \\(the operation's bound is 20 s, slbListener:retryTimeoutSeconds\\)$"));
    });

    it("explains missing credentials by naming the keys to set", async () => {
        fx = await providerFixture();
        const bare = new (await import("../../provider")).TcpListenerProvider();
        const saved = { ...process.env };
        for (const k of Object.keys(process.env)) if (/^(ALICLOUD|ALIBABA_CLOUD)_/.test(k)) delete process.env[k];
        try {
            const error = await bare.read!(`${fx.lbId}:tcp:80`, { loadBalancerId: fx.lbId, listenerPort: 80, regionId: REGION })
                .then(() => undefined, (e: Error) => e);
            expect(error?.message).to.contain("alicloud:accessKey").and.contain("alicloud:secretKey").and.contain("ALICLOUD_ACCESS_KEY");
        } finally {
            process.env = saved;
        }
    });
});

describe("TcpListenerProvider: clearing a setting without a service default", function () {
    this.timeout(30000);
    let fx: ProviderFixture;
    afterEach(() => fx.close());

    it("resets healthCheckConnectPort to the backend port with the service's -520 marker", async () => {
        fx = await providerFixture();
        const base = { loadBalancerId: fx.lbId, listenerPort: 80, bandwidth: -1, backendServerPort: 8080 };
        const created = await fx.provider.create({ ...base, healthCheckConnectPort: 8081 });
        const live = () => fx.slb.call("DescribeLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: 80 });
        expect((await live()).HealthCheckConnectPort).to.equal(8081);
        await fx.provider.diff(created.id, created.outs, base);
        const updated = await fx.provider.update!(created.id, created.outs, base);
        const set = fx.emulator.requests().find((r) => r.action === "SetLoadBalancerTCPListenerAttribute")!;
        expect(set.params.HealthCheckConnectPort).to.equal("-520");
        expect((await live()).HealthCheckConnectPort).to.equal(undefined);
        expect(updated.outs).not.to.have.property("healthCheckConnectPort");
        const again = await fx.provider.diff(created.id, updated.outs as Record<string, unknown>, base);
        expect(again.changes).to.equal(false);
    });
});
