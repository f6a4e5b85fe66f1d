// The shipped programs - examples/basic, examples/full and the root index.ts - deployed as users would run
// them (their compiled dist/ output, project = their directory's Pulumi.yaml, stack config for the ids),
// through the engine harness against the emulator: up creates a running listener with the program's
// settings, a second preview shows no changes, destroy leaves nothing.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { expect } from "chai";
import { OperationResult } from "../harness";
import { ensureAcl, ensureVServerGroup } from "../../emulator/setup";
import { tagsOf } from "../support/listeners";
import { PACKAGE_NAME, installPackageAlias, packageRoot } from "../support/package-alias";
import { Lab, LiveListener, REGION, useLab } from "./lab";

const ROOT = packageRoot();

/** `name:` of a project's Pulumi.yaml: the namespace of the program's own config keys. */
function projectName(dir: string): string {
    const name = /^name:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(path.join(dir, "Pulumi.yaml"), "utf8"))?.[1];
    if (!name) throw new Error(`no project name in ${dir}/Pulumi.yaml`);
    return name;
}

describe("shipped programs (examples and the root program) through the engine harness", function () {
    this.timeout(60_000);
    // A fresh lab per test; after each: no access-key secret in any state file or output, a clean __provider.
    const currentLab = useLab();
    let lab: Lab;
    beforeEach(() => {
        lab = currentLab();
    });
    let removeAlias: () => void;

    before(() => {
        removeAlias = installPackageAlias();
    });
    after(() => removeAlias());

    const expectOk = (r: OperationResult) =>
        expect(r.ok, JSON.stringify({ errors: r.errors, failures: r.failures, diagnostics: r.diagnostics }, null, 1)).to.equal(true);

    /** up -> checks -> preview (no changes) -> destroy (nothing left), for the program of one project directory. */
    async function deploy(projectDir: string, program: string, config: Record<string, string>, port: number,
        check: (live: LiveListener, up: OperationResult) => void | Promise<void>) {
        const project = projectName(projectDir);
        const namespaced = Object.fromEntries(Object.entries(config).map(([k, v]) => [`${project}:${k}`, v]));
        lab.newEngine({ config: namespaced, engine: { projectDir } });

        const up = await lab.up(program);
        expectOk(up);
        expect(up.steps.map((s) => s.op)).to.deep.equal(up.steps.map(() => "create"));
        const live = await lab.listener(port);
        expect(live?.Status).to.equal("running");
        await check(live!, up);
        expect(up.steps.map((s) => `${project}/dev/${s.name}`), "the owner is one of the created resources").to.include(tagsOf(live)["pulumi-owner"]);

        const again = await lab.preview(program);
        expectOk(again);
        expect(again.changes, JSON.stringify(again.steps)).to.equal(false);
        expect(again.diagnostics.filter((l) => /: \S+ is .*, want /.test(l)), "no drift reported").to.deep.equal([]);

        expectOk(await lab.destroy());
        expect(await lab.ports()).to.deep.equal([]);
        expect(lab.engine.readState().resources).to.deep.equal([]);
    }

    it("the package name resolves to this checkout's build, from anywhere", () => {
        expect(require.resolve(PACKAGE_NAME, { paths: [os.tmpdir()] })).to.equal(path.join(ROOT, "dist", "provider", "index.js"));
        expect(require.resolve(`${PACKAGE_NAME}/emulator`, { paths: [os.tmpdir()] })).to.equal(path.join(ROOT, "dist", "emulator", "index.js"));
    });

    it("examples/basic: one listener, port 81 to 8080", async () => {
        await deploy(path.join(ROOT, "examples", "basic"), path.join(ROOT, "dist", "examples", "basic", "index.js"),
            { loadBalancerId: lab.lbId }, 81, (live, up) => {
                expect(live).to.include({ BackendServerPort: 8080, Bandwidth: -1, HealthCheckType: "tcp" });
                expect(up.outputs).to.deep.equal({ listenerId: `${lab.lbId}:tcp:81`, status: "running" });
            });
    });

    it("examples/full: vServer group, ACL whitelist, HTTP health check, drain, PROXY protocol, tags; a UDP listener beside it", async () => {
        const config = {
            loadBalancerId: lab.lbId,
            vServerGroupId: await ensureVServerGroup(lab.slb, REGION, lab.lbId, "api"),
            aclId: await ensureAcl(lab.slb, REGION, "office", ["203.0.113.0/24"]),
        };
        await deploy(path.join(ROOT, "examples", "full"), path.join(ROOT, "dist", "examples", "full", "index.js"), config, 443, async (live, up) => {
            expect(live).to.include({
                VServerGroupId: config.vServerGroupId,
                AclStatus: "on", AclType: "white", AclId: config.aclId,
                HealthCheckType: "http", HealthCheckURI: "/healthz", HealthCheckDomain: "api.example.com",
                HealthCheckHttpCode: "http_2xx,http_3xx", HealthCheckInterval: 5, EstablishedTimeout: 600,
                ConnectionDrain: "on", ConnectionDrainTimeout: 60,
                ProxyProtocolV2Enabled: true,
                Description: "api-tcp-443",
            });
            expect(tagsOf(live)).to.include({ team: "api", env: "dev" });
            expect(up.outputs).to.deep.equal({
                listenerId: `${lab.lbId}:tcp:443`, status: "running", healthCheck: "http /healthz", dnsListenerId: `${lab.lbId}:udp:53`,
            });
            expect(up.steps.map((s) => s.name).sort()).to.deep.equal(["api", "dns"]);
            expect(tagsOf(live)["pulumi-owner"]).to.equal("slb-listener-full/dev/api");
            const dns = await lab.slb.call("DescribeLoadBalancerUDPListenerAttribute", { RegionId: REGION, LoadBalancerId: lab.lbId, ListenerPort: 53 });
            expect(dns).to.include({ Status: "running", BackendServerPort: 53, HealthCheckReq: "ping", HealthCheckExp: "pong" });
            expect(tagsOf(dns)).to.include({ team: "dns", "pulumi-owner": "slb-listener-full/dev/dns" });
        });
    });

    it("the root program (index.ts, Pulumi.yaml at the repository root)", async () => {
        await deploy(ROOT, path.join(ROOT, "dist", "index.js"), { loadBalancerId: lab.lbId }, 80, (live, up) => {
            expect(live).to.include({ BackendServerPort: 8080, HealthCheckType: "http", HealthCheckURI: "/healthz" });
            expect(tagsOf(live)).to.include({ app: "web" });
            expect(up.outputs).to.deep.equal({ listenerId: `${lab.lbId}:tcp:80`, listenerStatus: "running" });
        });
    });
});
