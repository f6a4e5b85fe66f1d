// The shipped programs - the root index.ts, examples/basic and examples/full - through the real Pulumi engine:
// preview plans the creates and changes nothing, up creates running listeners with the program's settings,
// `preview --expect-no-changes` exits 0, refresh finds nothing to change, destroy leaves nothing.
// (examples/with-alicloud needs @pulumi/alicloud's provider plugin, a separate binary that is not available
// offline; its TcpListener part is the same code as examples/full.)
import * as path from "path";
import { expect } from "chai";
import { PACKAGE_NAME, installPackageAlias, packageRoot } from "../support/package-alias";
import { Concurrent, LiveListener, REGION, describeWithCli, driftLines, expectOk, idOf, tagsOf, useCliLab } from "./lab";
import { projectFile, stepList } from "./stack";

const ROOT = packageRoot();

describeWithCli("shipped programs through the real Pulumi engine", (cli) => {
    const lab = useCliLab(cli);
    const scenarios = new Concurrent();
    let removeAlias: () => void;
    before(function () {
        this.timeout(120_000);
        // The compiled examples import the package by its name, as they do once it is installed.
        removeAlias = installPackageAlias();
        scenarios.start(3);
    });
    after(async function () {
        this.timeout(120_000);
        await scenarios.settle();
        removeAlias();
    });

    /**
     * preview -> up -> check -> preview --expect-no-changes -> refresh -> destroy, for one project directory: its TCP
     * listener `[name, port]` and, where the program has one, a UDP listener `udp` beside it.
     */
    async function deploy(projectDir: string, compiled: string, config: (lbId: string) => Promise<Record<string, string>>,
        [name, port]: [string, number], check: (live: LiveListener, outputs: Record<string, unknown>, lbId: string) => void, udp?: [string, number]) {
        const project = projectFile(projectDir);
        const lbId = await lab().loadBalancer(project.name);
        const own = await config(lbId);
        const stack = await lab().stack(compiled, {
            project: project.name, label: path.basename(projectDir),
            settings: { description: project.description, config: project.config },
            config: Object.fromEntries(Object.entries(own).map(([k, v]) => [`${project.name}:${k}`, v])),
        });

        const names = [name, ...(udp ? [udp[0]] : [])].sort();
        const ids = [idOf(lbId, port), ...(udp ? [`${lbId}:udp:${udp[1]}`] : [])];
        const steps = (op: string) => names.map((n) => `${op} ${n}`);
        const mark = lab().mark();
        const plan = await stack.preview();
        expectOk(plan);
        expect(stepList(plan).sort()).to.deep.equal(steps("create"));
        expect(await lab().ports(lbId), "preview creates nothing").to.deep.equal([]);
        // Creates are planned, not made: the only calls are check()'s looks at the new listeners' ports (one read each: free).
        expect(lab().calls(lbId, undefined, mark).map((c) => `${c.action} ${c.code ?? "ok"}`).sort(), "preview changes nothing").to.deep.equal([
            "DescribeLoadBalancerTCPListenerAttribute InvalidParameter", ...(udp ? ["DescribeLoadBalancerUDPListenerAttribute InvalidParameter"] : []),
        ]);

        const up = await stack.up();
        expectOk(up);
        expect(stepList(up).sort()).to.deep.equal(steps("create"));
        const live = await lab().listener(lbId, port);
        expect(live?.Status).to.equal("running");
        expect(tagsOf(live)["pulumi-owner"]).to.equal(`${project.name}/dev/${name}`);
        check(live!, up.outputs, lbId);
        if (udp) {
            const dns = await lab().slb.call("DescribeLoadBalancerUDPListenerAttribute", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: udp[1] });
            expect(dns.Status).to.equal("running");
            expect(tagsOf(dns)["pulumi-owner"]).to.equal(`${project.name}/dev/${udp[0]}`);
        }
        expect((await stack.resources()).map((r) => r.id).sort()).to.deep.equal(ids.sort());

        const again = await stack.preview({ expectNoChanges: true });
        expect(again.exitCode, again.stdout + again.stderr).to.equal(0);
        expect(stepList(again).sort()).to.deep.equal(steps("same"));
        expect(driftLines(again), "no drift reported").to.deep.equal([]);

        const refresh = await stack.refresh();
        expectOk(refresh);
        expect(refresh.steps.filter((s) => s.op !== "same" && s.op !== "refresh"), "refresh changes nothing").to.deep.equal([]);
        expect((await stack.resources()).map((r) => r.id).sort()).to.deep.equal(ids.sort());

        const destroy = await stack.destroy();
        expectOk(destroy);
        expect(stepList(destroy).sort()).to.deep.equal(steps("delete"));
        expect(await lab().ports(lbId), "nothing left in the emulator").to.deep.equal([]);
        expect(await stack.resources()).to.deep.equal([]);
    }

    it("the programs import the package by name, resolved to this checkout's build", () => {
        expect(require.resolve(PACKAGE_NAME)).to.equal(path.join(ROOT, "dist", "provider", "index.js"));
    });

    scenarios.scenario("the root program (index.ts and the Pulumi.yaml at the repository root)", () =>
        deploy(ROOT, path.join(ROOT, "dist", "index.js"), async (lbId) => ({ loadBalancerId: lbId }), ["web", 80], (live, outputs, lbId) => {
            expect(live).to.include({ BackendServerPort: 8080, HealthCheckType: "http", HealthCheckURI: "/healthz" });
            expect(tagsOf(live)).to.include({ app: "web" });
            expect(outputs).to.deep.equal({ listenerId: idOf(lbId, 80), listenerStatus: "running" });
        }));

    scenarios.scenario("examples/basic: one listener, port 80 to 8080", () =>
        deploy(path.join(ROOT, "examples", "basic"), path.join(ROOT, "dist", "examples", "basic", "index.js"),
            async (lbId) => ({ loadBalancerId: lbId }), ["web", 80], (live, outputs, lbId) => {
                expect(live).to.include({ BackendServerPort: 8080, Bandwidth: -1, HealthCheckType: "tcp" });
                expect(outputs).to.deep.equal({ listenerId: idOf(lbId, 80), status: "running" });
            }));

    scenarios.scenario("examples/full: vServer group, ACL whitelist, HTTP health check, drain, PROXY protocol, tags; a UDP listener beside it", () => {
        const ids: Record<string, string> = {};
        return deploy(path.join(ROOT, "examples", "full"), path.join(ROOT, "dist", "examples", "full", "index.js"), async (lbId) => {
            const slb = lab().slb;
            const group = await slb.call("CreateVServerGroup", { RegionId: REGION, LoadBalancerId: lbId, VServerGroupName: "api" });
            const acl = await slb.call("CreateAccessControlList", { RegionId: REGION, AclName: `office-${lbId}` });
            await slb.call("AddAccessControlListEntry", {
                RegionId: REGION, AclId: acl.AclId, AclEntrys: JSON.stringify([{ entry: "203.0.113.0/24", comment: "office" }]),
            });
            ids.vServerGroupId = String(group.VServerGroupId);
            ids.aclId = String(acl.AclId);
            return { loadBalancerId: lbId, ...ids };
        }, ["api", 443], (live, outputs, lbId) => {
            expect(live).to.include({
                VServerGroupId: ids.vServerGroupId, AclStatus: "on", AclType: "white", AclId: ids.aclId,
                HealthCheckType: "http", HealthCheckURI: "/healthz", HealthCheckDomain: "api.example.com",
                HealthCheckHttpCode: "http_2xx,http_3xx", HealthCheckInterval: 5, EstablishedTimeout: 600,
                ConnectionDrain: "on", ConnectionDrainTimeout: 60, ProxyProtocolV2Enabled: true, Description: "api-tcp-443",
            });
            expect(tagsOf(live)).to.include({ team: "api", env: "dev" });
            expect(outputs).to.deep.equal({ listenerId: idOf(lbId, 443), status: "running", healthCheck: "http /healthz", dnsListenerId: `${lbId}:udp:53` });
        }, ["dns", 53]);
    });
});
