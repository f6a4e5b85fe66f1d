// Regression tests of the convergence defects (issue "Converge on every configuration"), one per numbered
// defect, each played the way the engine calls the provider: check → diff(olds = recorded outputs) → update /
// replace, against the emulator.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { configured, ProviderFixture, providerFixture, REGION } from "../support/provider-fixture";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from "../support/slb-client";
import { CheckFailed, Recorded, previewDiff, up } from "../support/provider-steps";
import { validateInputs } from "../../provider";
import { PROGRAM_KEY } from "../../provider/core/context";
import { asResource } from "../support/resource-facts";

type Props = Record<string, unknown>;

describe("convergence: the numbered defects stay fixed", function () {
    this.timeout(30000);
    let fx: ProviderFixture;
    let base: Props;

    beforeEach(async () => {
        fx = await providerFixture({ spec: "slb.s2.small" });
        base = { loadBalancerId: fx.lbId, listenerPort: 80, bandwidth: -1, backendServerPort: 8080, ...asResource("proj", "dev", "web") };
    });
    afterEach(() => fx.close());

    const describeLive = (port = 80) =>
        fx.slb.call("DescribeLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: port });
    const key = (port = 80) => ({ RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: port });
    const settle = () => new Promise((r) => setTimeout(r, 80));

    /** up(A), then up(B); asserts B converged: the next diff is clean. */
    async function converge(a: Props, b: Props): Promise<Recorded> {
        const first = await up(fx.provider, undefined, a);
        const second = await up(fx.provider, first, b);
        await settle();
        const again = await previewDiff(fx.provider, second, b);
        expect(again, "the diff after converging").to.deep.include({ changes: false });
        return second;
    }

    it("1: a listener on a primary/secondary group with backendServerPort is not replaced on every up", async () => {
        const group = await fx.slb.call("CreateMasterSlaveServerGroup", {
            RegionId: REGION, LoadBalancerId: fx.lbId, MasterSlaveServerGroupName: "ms",
            MasterSlaveBackendServers: JSON.stringify([
                { ServerId: "i-aaaa", Port: 80, Weight: 100, ServerType: "Master" },
                { ServerId: "i-bbbb", Port: 80, Weight: 100, ServerType: "Slave" },
            ]),
        });
        const program = { ...base, masterSlaveServerGroupId: group.MasterSlaveServerGroupId };
        const created = await up(fx.provider, undefined, program);
        expect((await describeLive()).BackendServerPort, "the service hides the port while a group is attached").to.equal(undefined);
        const diff = await previewDiff(fx.provider, created, program);
        expect(diff).to.deep.include({ changes: false });
        expect(diff.replaces ?? []).to.deep.equal([]);
    });

    it("2: a run without a region does not plan a replacement on regionId; it fails naming the keys to set", async () => {
        const created = await up(fx.provider, undefined, base);
        const saved = { a: process.env.ALICLOUD_REGION, b: process.env.ALIBABA_CLOUD_REGION_ID };
        delete process.env.ALICLOUD_REGION;
        delete process.env.ALIBABA_CLOUD_REGION_ID;
        try {
            const noRegion = configured({
                "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID,
                "alicloud:secretKey": DEFAULT_ACCESS_KEY_SECRET,
                "alicloud:endpoints": JSON.stringify([{ slb: fx.emulator.endpoint }]),
            });
            let error: Error | undefined;
            try {
                await previewDiff(noRegion, created, base);
            } catch (e) {
                error = e as Error;
            }
            expect(error?.message).to.match(/alicloud:region/).and.match(/ALICLOUD_REGION/);
        } finally {
            if (saved.a !== undefined) process.env.ALICLOUD_REGION = saved.a;
            if (saved.b !== undefined) process.env.ALIBABA_CLOUD_REGION_ID = saved.b;
        }
        expect((await describeLive()).Status).to.equal("running");
    });

    for (const code of ["ListenerAlreadyExists", "ListenerPortConflict", "InvalidParameter.ListenerPortConflict"]) {
        it(`3: a Create whose answer is lost is recognised on the retry (answered ${code}), not orphaned`, async () => {
            fx.emulator.setFaults({
                rules: [
                    { action: "CreateLoadBalancerTCPListener", status: 503, afterApply: true, count: 1 },
                    ...(code === "ListenerAlreadyExists" ? [] : [{ action: "CreateLoadBalancerTCPListener", status: 400, code, count: 1 }]),
                ],
            });
            const created = await up(fx.provider, undefined, base);
            expect(created.id).to.equal(`${fx.lbId}:tcp:80`);
            expect(fx.calls("CreateLoadBalancerTCPListener")).to.equal(2);
            expect(created.outs.status).to.equal("running");
            const live = await describeLive();
            expect(live.Status).to.equal("running");
            expect(live.Tags.Tag).to.deep.include({ TagKey: "pulumi-owner", TagValue: "proj/dev/web" });
        });
    }

    it("4: healthCheckUri and healthCheckDomain go back to their defaults when removed", async () => {
        const http = { ...base, healthCheckType: "http" };
        await converge({ ...http, healthCheckUri: "/healthz", healthCheckDomain: "example.com" }, http);
        expect(await describeLive()).to.include({ HealthCheckURI: "/", HealthCheckDomain: "" });
    });

    it("4: healthCheckDomain \"$_ip\" can be used at create and converges", async () => {
        const program = { ...base, healthCheckType: "http", healthCheckDomain: "$_ip" };
        const created = await up(fx.provider, undefined, program);
        expect(await describeLive()).to.include({ HealthCheckDomain: "" });
        expect(await previewDiff(fx.provider, created, program)).to.deep.include({ changes: false });
    });

    it("4: setting healthCheckDomain to \"$_ip\" resets a domain", async () => {
        const http = { ...base, healthCheckType: "http" };
        await converge({ ...http, healthCheckDomain: "example.com" }, { ...http, healthCheckDomain: "$_ip" });
        expect(await describeLive()).to.include({ HealthCheckDomain: "" });
    });

    it("5: replacing 15 tags by 15 others stays within the tag limit", async () => {
        const tags = (prefix: string) => Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`${prefix}${i}`, "v"]));
        await converge({ ...base, tags: tags("old") }, { ...base, tags: tags("new") });
        const live = await describeLive();
        expect(live.Tags.Tag.map((t: { TagKey: string }) => t.TagKey).sort()).to.deep.equal([...Object.keys(tags("new")), "pulumi-owner"].sort());
    });

    it("6: sch → tch is planned as a delete-first replacement and converges", async () => {
        const first = await up(fx.provider, undefined, { ...base, scheduler: "sch" });
        const second = await up(fx.provider, first, { ...base, scheduler: "tch" });
        expect(second.op).to.equal("replace");
        expect(second.diff).to.deep.include({ replaces: ["scheduler"], deleteBeforeReplace: true });
        expect((await describeLive()).Scheduler).to.equal("tch");
    });

    it("7: refresh reports what the service shows: a detached group, draining off, a cleared probe port", async () => {
        const group = await fx.slb.call("CreateVServerGroup", { RegionId: REGION, LoadBalancerId: fx.lbId, VServerGroupName: "vs" });
        const created = await up(fx.provider, undefined, {
            ...base, vServerGroupId: group.VServerGroupId, connectionDrain: "on", connectionDrainTimeout: 60, healthCheckConnectPort: 9000,
        });
        await fx.slb.call("SetLoadBalancerTCPListenerAttribute", { ...key(), VServerGroup: "off", ConnectionDrain: "off", HealthCheckConnectPort: -520 });
        await settle();
        const read = await fx.provider.read!(created.id, created.outs) as { props: Props; inputs: Props };
        for (const gone of ["vServerGroupId", "connectionDrainTimeout", "healthCheckConnectPort"]) {
            expect(read.props, `props.${gone}`).not.to.have.property(gone);
            expect(read.inputs, `inputs.${gone}`).not.to.have.property(gone);
        }
        expect(read.props).to.include({ connectionDrain: "off", backendServerPort: 8080 });
    });

    it("8: one busy load balancer fails queued changes within one time bound, not one bound each", async () => {
        const bound = configured({
            "alicloud:region": REGION,
            "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID,
            "alicloud:secretKey": DEFAULT_ACCESS_KEY_SECRET,
            "alicloud:endpoints": JSON.stringify([{ slb: fx.emulator.endpoint }]),
            "slbListener:retryTimeoutSeconds": "1.5",
        });
        const ports = [80, 81, 82, 83, 84];
        const recorded = await Promise.all(ports.map((p) => up(bound, undefined, { ...base, listenerPort: p })));
        fx.emulator.setFaults({ rules: [{ action: "SetLoadBalancerTCPListenerAttribute", code: "OperationBusy" }] });
        const started = Date.now();
        const outcomes = await Promise.allSettled(recorded.map((r) => up(bound, r, { ...base, listenerPort: r.outs.listenerPort, establishedTimeout: 60 })));
        const elapsed = Date.now() - started;
        expect(outcomes.every((o) => o.status === "rejected"), "every change fails: the load balancer stays busy").to.equal(true);
        // Five queued changes: within one bound (1.5 s) plus slack, not 5 × 1.5 s.
        expect(elapsed).to.be.below(3500);
        const reason = (outcomes[4] as PromiseRejectedResult).reason as Error;
        expect(reason.message).to.match(/OperationBusy|busy/);
    });

    it("9: healthCheckInterval 50 alone is accepted; the timeout the service stores is expected, no endless diff", async () => {
        expect(validateInputs({ ...base, healthCheckInterval: 50 })).to.deep.equal([]);
        const created = await up(fx.provider, undefined, { ...base, healthCheckInterval: 50 });
        expect(await describeLive()).to.include({ HealthCheckInterval: 50, HealthCheckConnectTimeout: 50 });
        expect(await previewDiff(fx.provider, created, { ...base, healthCheckInterval: 50 })).to.deep.include({ changes: false });
        // Back to the defaults: interval 2, timeout 5.
        await up(fx.provider, created, base);
        expect(await describeLive()).to.include({ HealthCheckInterval: 2, HealthCheckConnectTimeout: 5 });
    });

    it("9: a timeout below the default interval alone converges on what the service stores", async () => {
        await converge(base, { ...base, healthCheckConnectTimeout: 1 });
        expect(await describeLive()).to.include({ HealthCheckConnectTimeout: 2 });
    });

    it("9: a timeout and an interval the user wrote that contradict each other are refused, naming both", () => {
        const failures = validateInputs({ ...base, healthCheckConnectTimeout: 3, healthCheckInterval: 10 });
        expect(failures.map((f) => f.property)).to.deep.equal(["healthCheckConnectTimeout"]);
        expect(failures[0].reason).to.contain("healthCheckInterval");
    });

    it("10: ignoreChanges: drift of an ignored property (and of a single tag) is reported, not repaired", async () => {
        const program = { ...base, tags: { team: "web", app: "shop" }, ...asResource("proj", "dev", "web", { ignoreChanges: ["healthyThreshold", "tags.team"] }) };
        const created = await up(fx.provider, undefined, program);
        await fx.slb.call("SetLoadBalancerTCPListenerAttribute", { ...key(), HealthyThreshold: 7 });
        await fx.slb.call("TagResources", { RegionId: REGION, ResourceType: "listener", ResourceId: [`${fx.lbId}_tcp_80`], Tag: [{ Key: "team", Value: "ops" }] });
        await settle();
        const { result: diff, lines } = await fx.stderrOf(() => previewDiff(fx.provider, created, program));
        expect(diff).to.deep.include({ changes: false });
        expect(lines.join("\n")).to.contain("healthyThreshold is 7").and.contain("tags.team is \"ops\"").and.contain("ignoreChanges");
        // A drift of a property that is not ignored is still repaired.
        await fx.slb.call("SetLoadBalancerTCPListenerAttribute", { ...key(), EstablishedTimeout: 60 });
        await settle();
        const after = await up(fx.provider, created, program);
        expect(after.op).to.equal("update");
        await settle();
        const live = await describeLive();
        expect(live).to.include({ EstablishedTimeout: 900, HealthyThreshold: 7 });
        expect(live.Tags.Tag).to.deep.include({ TagKey: "team", TagValue: "ops" });
    });

    it("11: service-managed tags (acs:, aliyun) are never drift and never removed", async () => {
        const program = { ...base, tags: { team: "web" } };
        const created = await up(fx.provider, undefined, program);
        const state = fx.emulator.snapshot() as { accounts: Record<string, Record<string, { loadBalancers: Record<string, { listeners: Record<string, { tags: Array<{ key: string; value: string }> }> }> }>> };
        const listener = Object.values(state.accounts)[0][REGION].loadBalancers[fx.lbId].listeners["80/tcp"];
        listener.tags.push({ key: "acs:ros:stackId", value: "stack-1" }, { key: "aliyun-managed", value: "yes" });
        fx.emulator.restore(state);
        const { result: diff, lines } = await fx.stderrOf(() => previewDiff(fx.provider, created, program));
        expect(diff).to.deep.include({ changes: false });
        expect(lines).to.deep.equal([]);
        await up(fx.provider, created, { ...base, tags: { team: "ops" } });
        const keys = (await describeLive()).Tags.Tag.map((t: { TagKey: string }) => t.TagKey);
        expect(keys).to.include.members(["acs:ros:stackId", "aliyun-managed", "team"]);
        expect((await fx.provider.read!(created.id, created.outs)).props?.tags).to.deep.equal({ team: "ops" });
    });

    it("12: a secret input is printed as [secret] in drift lines and check failures", async () => {
        const program = { ...base, description: "s3cr3t-name", ...asResource("proj", "dev", "web", { secretInputs: ["description"] }) };
        const created = await up(fx.provider, undefined, program);
        await fx.slb.call("SetLoadBalancerTCPListenerAttribute", { ...key(), Description: "other-name" });
        const { lines } = await fx.stderrOf(() => previewDiff(fx.provider, created, program));
        expect(lines).to.deep.equal([`${created.id}: description is [secret], want [secret]`]);
        let failure: CheckFailed | undefined;
        try {
            await up(fx.provider, undefined, { ...program, description: "s3cr3t!value" });
        } catch (e) {
            failure = e as CheckFailed;
        }
        expect(failure?.failures.map((f) => f.property)).to.deep.equal(["description"]);
        expect(failure?.message).to.contain("[secret]").and.not.contain("s3cr3t");
    });
});

describe("TcpListener hands the provider what only the program knows", () => {
    before(() => pulumi.runtime.setMocks({
        newResource: (args) => ({ id: `${args.name}-id`, state: args.inputs }),
        call: () => ({}),
    }, "proj", "dev", false));

    async function programFactsOf(make: () => pulumi.CustomResource): Promise<Props> {
        const resource = make() as unknown as Record<string, pulumi.Output<unknown>>;
        return new Promise((resolve) => resource[PROGRAM_KEY].apply((v) => resolve(v as Props)));
    }

    it("names its URN, the secret inputs and the options the provider honours (ignoreChanges, replaceOnChanges, retainOnDelete)", async () => {
        const { TcpListener } = await import("../../provider");
        const got = await programFactsOf(() => new TcpListener("web", {
            loadBalancerId: "lb-1", listenerPort: 80, bandwidth: -1, backendServerPort: 80,
            description: pulumi.secret("hidden"), tags: { team: "web", token: pulumi.secret("t") },
        }, { ignoreChanges: ["healthyThreshold", "tags.team"], replaceOnChanges: ["bandwidth"], retainOnDelete: true }));
        expect(got).to.deep.equal({
            urn: "urn:pulumi:dev::proj::pulumi-nodejs:dynamic/slb:TcpListener::web",
            secretInputs: ["description", 'tags["token"]'],
            ignoreChanges: ["healthyThreshold", "tags.team"], replaceOnChanges: ["bandwidth"], retainOnDelete: true,
        });
    });
});
