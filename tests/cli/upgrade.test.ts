// A stack made by the current release upgrades to this version with no diff, through the real engine. The fixtures
// are a real checkpoint written by release 0.1.0 (commit 14664b2: its TcpListener, the pinned CLI, `pulumi stack
// export`) and the emulator state it goes with (tests/fixtures/releases/README.md says how they were made). Both are
// imported into a fresh stack and emulator; this version's program (the same TcpListeners) previews with
// `--expect-no-changes`, an up after a change of the program updates in place, and the stack then holds this
// version's inputs.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, startEmulator } from "../../emulator";
import { TcpListener } from "../../provider";
import { ROOT } from "../../scripts/pulumi-cli";
import { slbClient } from "../support/slb-client";
import { describeWithCli, expectOk } from "./lab";
import { CliStack, stepList } from "./stack";

const FIXTURES = path.join(ROOT, "tests", "fixtures", "releases");
/** What the release's stack used (test values, see the README beside the fixtures). */
const RELEASE = {
    project: "slb-release", stack: "dev", passphrase: "slb-release-0.1.0-fixture",
    key: { accessKeyId: "release-test-key", accessKeySecret: "release-test-secret" },
};
const REGION = "cn-hangzhou";

interface Checkpoint {
    deployment: { resources: Array<{ type: string; urn: string; id?: string; inputs?: Record<string, unknown> }> };
}

describeWithCli("a stack made by release 0.1.0, upgraded to this version", (cli) => {
    let emulator: Emulator;
    let stack: CliStack;
    let work: string;
    const checkpoint = JSON.parse(fs.readFileSync(path.join(FIXTURES, "tcp-stack-0.1.0.json"), "utf8")) as Checkpoint;
    const listeners = checkpoint.deployment.resources.filter((r) => r.type === TcpListener.typeToken);
    const lbId = String(listeners[0].inputs!.loadBalancerId);

    /** The release's program, written against this version (tests/fixtures/releases/README.md). */
    const program = (webExtra: Record<string, unknown> = {}) => () => ({
        web: new TcpListener("web", { loadBalancerId: lbId, listenerPort: 80, backendServerPort: 8080, bandwidth: -1, tags: { app: "web" }, ...webExtra }).id,
        api: new TcpListener("api", {
            loadBalancerId: lbId, listenerPort: 443, backendServerPort: 8443, bandwidth: 50, scheduler: "rr", persistenceTimeout: 60,
            healthCheckType: "http", healthCheckUri: "/healthz", healthCheckDomain: "$_ip", healthCheckInterval: 5, description: "api",
            connectionDrain: "on", connectionDrainTimeout: 30, tags: { app: "api", team: "platform" },
        }).id,
    });

    before(async () => {
        work = fs.mkdtempSync(path.join(os.tmpdir(), "slb-upgrade-"));
        const statePath = path.join(work, "emulator.json");
        fs.copyFileSync(path.join(FIXTURES, "tcp-emulator-0.1.0.json"), statePath);
        emulator = await startEmulator({ statePath, accounts: [RELEASE.key], timings: { transitionMs: 30, changeMs: 5 } });
        stack = await CliStack.create({ cli: cli(), project: RELEASE.project, stack: RELEASE.stack, program: program(), label: "upgrade-0-1-0" });
        // The checkpoint's secrets (the secret key in the provider's inputs) are encrypted with the release stack's
        // passphrase: the stack takes it over before anything is encrypted with its own.
        const config = path.join(stack.workDir, `Pulumi.${RELEASE.stack}.yaml`);
        fs.writeFileSync(config, fs.readFileSync(config, "utf8").replace(/^encryptionsalt:.*\n/m, ""));
        stack.env.PULUMI_CONFIG_PASSPHRASE = RELEASE.passphrase;
        stack.stack.workspace.envVars.PULUMI_CONFIG_PASSPHRASE = RELEASE.passphrase;
        expectOk(await stack.command(["stack", "import", "--file", path.join(FIXTURES, "tcp-stack-0.1.0.json")]));
        await stack.stack.setAllConfig({
            "alicloud:region": { value: REGION },
            "alicloud:accessKey": { value: RELEASE.key.accessKeyId },
            "alicloud:secretKey": { value: RELEASE.key.accessKeySecret, secret: true },
            "alicloud:endpoints": { value: JSON.stringify([{ slb: emulator.endpoint }]) },
        });
    });
    after(async () => {
        await emulator?.close();
        if (!process.env.SLB_LISTENER_KEEP_CLI_WORK) stack?.close();
        fs.rmSync(work, { recursive: true, force: true });
    });

    it("holds what 0.1.0 wrote: its loader text, its owner input, no __program", () => {
        expect(listeners.map((r) => r.id).sort()).to.deep.equal([`${lbId}:tcp:443`, `${lbId}:tcp:80`]);
        for (const r of listeners) {
            expect(r.inputs).to.have.property("owner");
            expect(r.inputs).not.to.have.property("__program");
            expect(String(r.inputs!.__provider)).to.contain("new loaded.TcpListenerProvider()");
        }
    });

    it("previews the same program with --expect-no-changes (exit 0): one read per listener, no change", async () => {
        const before = emulator.requests().length;
        const plan = await stack.preview({ expectNoChanges: true, diff: true });
        expect(plan.exitCode, `${plan.stdout}\n${plan.stderr}`).to.equal(0);
        expect(stepList(plan).sort()).to.deep.equal(["same api", "same web"]);
        const calls = emulator.requests().slice(before);
        expect(calls.filter((c) => !c.action.startsWith("Describe")), "no change during a preview").to.deep.equal([]);
        // The operation's view: the first listener by its attribute call, the second from a listing of the load balancer.
        expect(calls.map((c) => c.action)).to.deep.equal(["DescribeLoadBalancerTCPListenerAttribute", "DescribeLoadBalancerListeners"]);
        expect(plan.diagnostics.filter((d) => d.severity !== "info"), "no warning or error").to.deep.equal([]);
    });

    it("a listener whose ownership tag was removed outside Pulumi is drift the preview shows, not a port taken by someone else", async () => {
        const slb = slbClient(emulator.endpoint, RELEASE.key);
        await slb.call("UntagResources", { RegionId: REGION, ResourceType: "listener", ResourceId: [`${lbId}_tcp_443`], TagKey: ["pulumi-owner"] });
        const plan = await stack.preview();
        expectOk(plan);
        // The ownership tag is the provider's own: restored without a drift line.
        expect(stepList(plan).sort()).to.deep.equal(["same web", "update api"]);
    });

    it("an up after a change of the program updates in place with one Set (and restores the tag), records this version's inputs, and is then in step", async () => {
        stack.setProgram(program({ healthyThreshold: 5 }));
        const before = emulator.requests().length;
        const up = await stack.up();
        expectOk(up);
        expect(stepList(up).sort()).to.deep.equal(["update api", "update web"]);
        const changes = emulator.requests().slice(before).filter((c) => !c.action.startsWith("Describe"));
        expect(changes.map((c) => `${c.action} ${c.params.ListenerPort ?? c.params["ResourceId.1"]}`).sort())
            .to.deep.equal(["SetLoadBalancerTCPListenerAttribute 80", `TagResources ${lbId}_tcp_443`]);
        const live = await slbClient(emulator.endpoint, RELEASE.key).call("DescribeLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 80 });
        expect(live).to.include({ HealthyThreshold: 5, Status: "running" });
        const web = (await stack.resources()).find((r) => r.urn.endsWith("::web"))!;
        expect(web.id).to.equal(`${lbId}:tcp:80`);
        expect(web.inputs).to.have.property("__program");
        expect(web.inputs).to.include({ healthyThreshold: 5, scheduler: "wrr" });
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);
    });
});
