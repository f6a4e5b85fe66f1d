// The examples as users run them: a copy of examples/<name> next to the packed tarball (as its package.json
// expects), `npm install`, then the commands of the example's README against the emulator it starts with
// `npx slb-emulator` (`pulumi stack init`, the `config set` lines, preview, up), then `preview
// --expect-no-changes`, refresh, `stack output` and destroy. Plain `pulumi` commands in the project directory: the
// CLI starts the Node.js language host, which runs index.ts with ts-node. examples/with-alicloud needs
// @pulumi/alicloud's plugin, which cannot be had offline: its run stops there, with the error naming the plugin.
// The three run side by side, each with its own emulator.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { LiveListener, listenerPorts, readListener, tagsOf } from "../support/listeners";
import { shBlocks } from "../support/markdown";
import { SlbClient, admin, slbClient } from "../support/slb-client";
import { PulumiCli, ROOT } from "../../scripts/pulumi-cli";
import { ProjectDir, expectRan, runDocumented } from "./directory";
import { Concurrent, describeWithCli } from "./lab";
import { WORK_ROOT, describeProcesses, projectFile } from "./stack";

const EMULATOR_SECRET = "emulator-access-key-secret";
const PATH_WARNING = "using pulumi-language-nodejs from $PATH";

let packed: string | undefined;
/** `npm pack` of this checkout (dist/ as `npm test` built it), once per process. */
function tarball(): string {
    if (!packed) {
        const dest = path.join(WORK_ROOT, `${process.pid}-pack`);
        fs.mkdirSync(dest, { recursive: true });
        const name = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dest], { cwd: ROOT, encoding: "utf8" }).trim().split("\n").pop()!;
        packed = path.join(dest, name);
        process.once("exit", () => fs.rmSync(dest, { recursive: true, force: true }));
    }
    return packed;
}

/** examples/<name> copied to <work>/examples/<name>, the tarball to <work>/, and the README's `npm install` run. */
async function installedExample(cli: PulumiCli, name: string): Promise<ProjectDir> {
    const source = path.join(ROOT, "examples", name);
    const dir = ProjectDir.create(cli, name, path.join("examples", name), (d) => fs.cpSync(source, d, { recursive: true }));
    fs.copyFileSync(tarball(), path.join(dir.root, path.basename(tarball())));
    const [install] = shBlocks(fs.readFileSync(path.join(source, "README.md"), "utf8"));
    expect(install.map((l) => l.replace(/\s+#.*$/, "")), "the README packs, then installs").to.include.members(["(cd ../.. && npm ci && npm pack)", "npm install"]);
    // The pack step is done once for all (above); npm install as the README says, kept fast.
    expectRan(await dir.sh("npm install --prefer-offline --no-audit --no-fund", { timeoutMs: 300_000 }));
    return dir;
}

describeWithCli("the examples as directory programs: npm install from the packed tarball, the README's commands, plain pulumi", (cli) => {
    const scenarios = new Concurrent();
    const dirs: ProjectDir[] = [];
    before(function () {
        this.timeout(10_000);
        tarball();
        scenarios.start(3);
    });
    after(async function () {
        this.timeout(120_000);
        await scenarios.settle();
        for (const d of dirs) d.close();
    });

    /** The README's emulator block, then the rest of a user's lifecycle; returns what `check` needs. */
    async function lifecycle(name: string, resource: string, port: number,
        check: (live: LiveListener, outputs: Record<string, unknown>, ids: string[], slb: SlbClient) => Promise<void> | void, listenerCount = 1) {
        const dir = await installedExample(cli(), name);
        dirs.push(dir);
        const project = projectFile(dir.dir).name;
        const [, offline] = shBlocks(fs.readFileSync(path.join(dir.dir, "README.md"), "utf8"));
        const emulator = await runDocumented(dir, offline);
        try {
            expect(emulator, "the README starts the emulator").to.not.equal(undefined);
            const { endpoint, ids } = emulator!;
            const lbId = ids[0];
            const slb = slbClient(endpoint);
            const [preview, up] = dir.runs.slice(-2);
            expect([preview.command, up.command]).to.deep.equal(["pulumi preview", "pulumi up"]);
            expect(preview.stdout).to.match(new RegExp(`\\+ +pulumi-nodejs:dynamic/slb:TcpListener ${resource} create`));
            const creates = (await admin(endpoint).requests()).filter((r: { action: string }) => r.action === "CreateLoadBalancerTCPListener");
            expect(creates, "up created the listener once").to.have.length(1);
            if (cli().languageHost?.standIn && cli().source === "tools/pulumi") {
                expect(preview.stdout + preview.stderr, "the stand-in is found next to the CLI, not on PATH").to.not.contain(PATH_WARNING);
            }

            const live = await readListener(slb, lbId, port);
            expect(live?.Status).to.equal("running");
            expect(tagsOf(live)["pulumi-owner"]).to.equal(`${project}/dev/${resource}`);

            expect((await dir.pulumi(["preview", "--expect-no-changes"])).exitCode, "no changes").to.equal(0);
            const refresh = expectRan(await dir.pulumi(["refresh"]));
            expect(refresh.stdout).to.match(new RegExp(`Resources:\\s+${listenerCount + 1} unchanged`));
            const outputs = JSON.parse(expectRan(await dir.pulumi(["stack", "output", "--json"])).stdout) as Record<string, unknown>;
            expect(outputs.listenerId).to.equal(`${lbId}:tcp:${port}`);
            await check(live!, outputs, ids, slb);

            expectRan(await dir.pulumi(["destroy"]));
            expect(await listenerPorts(slb, lbId), "nothing left").to.deep.equal([]);
            const state = JSON.parse(expectRan(await dir.pulumi(["stack", "export"])).stdout) as { deployment: { resources?: unknown[] } };
            expect(state.deployment.resources ?? []).to.deep.equal([]);
        } finally {
            emulator?.stop();
        }
        const left = await dir.leftovers();
        expect(left, `no process left running in the project:\n${describeProcesses(left)}`).to.deep.equal([]);
        for (const text of [...dir.runs.map((r) => r.stdout + r.stderr), ...dir.storedFiles().map((f) => f.text)]) {
            expect(text.includes(EMULATOR_SECRET), "the secret key appears in output or stored files").to.equal(false);
        }
    }

    scenarios.scenario("examples/basic: one listener, port 81 to 8080", () =>
        lifecycle("basic", "web", 81, (live, outputs) => {
            expect(live).to.include({ BackendServerPort: 8080, Bandwidth: -1, HealthCheckType: "tcp" });
            expect(outputs).to.deep.include({ status: "running" });
        }));

    scenarios.scenario("examples/full: vServer group and ACL made by `slb-emulator --vserver-group --acl`, HTTP health check, drain, PROXY protocol, tags; a UDP listener beside it", () =>
        lifecycle("full", "api", 443, async (live, outputs, [, group, acl], slb) => {
            expect(live).to.include({
                VServerGroupId: group, AclStatus: "on", AclType: "white", AclId: acl, HealthCheckType: "http", HealthCheckURI: "/healthz",
                HealthCheckDomain: "api.example.com", ConnectionDrain: "on", ConnectionDrainTimeout: 60, ProxyProtocolV2Enabled: true, Description: "api-tcp-443",
            });
            expect(tagsOf(live)).to.include({ team: "api", env: "dev" });
            expect(outputs).to.deep.include({ status: "running", healthCheck: "http /healthz" });
            // The UDP listener beside it, on port 53.
            const dns = await slb.call("DescribeLoadBalancerUDPListenerAttribute", { RegionId: "cn-hangzhou", LoadBalancerId: live.LoadBalancerId, ListenerPort: 53 });
            expect(dns).to.include({ Status: "running", BackendServerPort: 53, HealthCheckReq: "ping", HealthCheckExp: "pong" });
            expect(tagsOf(dns)).to.include({ team: "dns", "pulumi-owner": "slb-listener-full/dev/dns" });
        }, 2));

    scenarios.scenario("examples/with-alicloud: runs until @pulumi/alicloud's provider plugin is needed, which cannot be had offline", async () => {
        const dir = await installedExample(cli(), "with-alicloud");
        dirs.push(dir);
        const [commands] = shBlocks(fs.readFileSync(path.join(dir.dir, "README.md"), "utf8"));
        const pulumiLines = commands.filter((l) => l.startsWith("pulumi "));
        expect(pulumiLines.at(-1)).to.equal("pulumi up");
        // Its placeholders stand for a real account; the run ends before any call to it.
        await runDocumented(dir, pulumiLines.slice(0, -1), { "<your AccessKey id>": "LTAI-placeholder", "<your AccessKey secret>": "placeholder" });
        const preview = await dir.pulumi(["preview"]);
        expect(preview.exitCode).to.not.equal(0);
        expect(preview.stdout + preview.stderr).to.contain("no resource plugin 'pulumi-resource-alicloud' found");
        const left = await dir.leftovers();
        expect(left, `no process left running in the project:\n${describeProcesses(left)}`).to.deep.equal([]);
    });
});
