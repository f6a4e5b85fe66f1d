// The README's command sequences, run as they stand in a fresh copy of the checkout, so that the README cannot
// drift from what works: "Use it with the Pulumi CLI and an Alibaba Cloud account" (npm ci, build, login, stack
// init, config, preview, up), with this file's emulator standing in for the account (ALICLOUD_SLB_ENDPOINT, the
// placeholders filled in); then "Point the CLI at the local emulator instead" (the emulator started by its
// `npm run emulator` line on a free port, a second stack, preview, up, a change made with `slb-emulator call`,
// the drift preview, up, `preview --expect-no-changes`, refresh, `stack output`, destroy). The root program runs
// as a directory program: the CLI's Node.js language host runs index.ts (and provider/*.ts) with ts-node.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { ROOT } from "../../scripts/pulumi-cli";
import { shBlocks } from "../support/markdown";
import { readListener, listenerPorts } from "../support/listeners";
import { slbClient } from "../support/slb-client";
import { ProjectDir, expectRan, runDocumented } from "./directory";
import { ACCESS_KEY_ID, SECRET, describeWithCli, idOf, useCliLab } from "./lab";
import { describeProcesses } from "./stack";

const ACCOUNT_SECTION = "Use it with the Pulumi CLI and an Alibaba Cloud account";
const EMULATOR_SECTION = "Point the CLI at the local emulator instead";

/**
 * The checkout as a clone has it: tracked files and new ones git does not ignore (no node_modules), with their
 * modification times. Also the build output `npm test` has just made (dist/, with its times): the README's
 * `npm run build` then finds it up to date and takes a second instead of a full compile. Building from nothing is
 * what .ci/run does on its fresh clone; here it would only cost a minute of CPU for what the rest of the suite
 * proves already.
 */
function copyCheckout(into: string): void {
    const files = execFileSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], { cwd: ROOT, encoding: "utf8" }).split("\0").filter(Boolean);
    for (const f of files) {
        const from = path.join(ROOT, f);
        if (!fs.existsSync(from)) continue; // deleted in the working tree
        fs.mkdirSync(path.dirname(path.join(into, f)), { recursive: true });
        fs.cpSync(from, path.join(into, f), { preserveTimestamps: true });
    }
    fs.cpSync(path.join(ROOT, "dist"), path.join(into, "dist"), { recursive: true, preserveTimestamps: true });
}

describeWithCli("the README's command sequences, in a fresh copy of the checkout", (cli) => {
    const lab = useCliLab(cli);
    const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
    let dir: ProjectDir;
    before(function () {
        this.timeout(60_000);
        dir = lab().dir("readme", copyCheckout);
    });
    after(() => {
        const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
        console.log(`      [readme] ${dir.runs.length} commands, ${seconds(dir.runs.reduce((n, r) => n + r.ms, 0))}: ` +
            dir.runs.map((r) => `${r.command.replace(/\s+#.*$/, "").slice(0, 40)} ${seconds(r.ms)}`).join("; "));
    });

    it(`"${ACCOUNT_SECTION}": npm ci, build, stack init, config, preview, up (the emulator in the account's place)`, async function () {
        this.timeout(600_000);
        const lbId = await lab().loadBalancer("readme-account");
        const lines = shBlocks(readme, ACCOUNT_SECTION).flat();
        expect(lines[0]).to.match(/^npm ci && npm run build\b/);
        // npm as it is, kept quick and quiet: the lockfile's packages come from the local cache.
        const npm = { npm_config_prefer_offline: "true", npm_config_audit: "false", npm_config_fund: "false" };
        for (const [key, value] of Object.entries(npm)) dir.env[key] = value;
        dir.env.ALICLOUD_SLB_ENDPOINT = lab().emulator.endpoint;
        await runDocumented(dir, lines, { "<your AccessKey id>": ACCESS_KEY_ID, "<your AccessKey secret>": SECRET, "lb-xxxxxxxxxxxxxxxx": lbId });
        delete dir.env.ALICLOUD_SLB_ENDPOINT;

        const live = await lab().listener(lbId, 80);
        expect(live).to.include({ Status: "running", BackendServerPort: 8080, HealthCheckType: "http", HealthCheckURI: "/healthz" });
        const outputs = JSON.parse(expectRan(await dir.pulumi(["stack", "output", "--json", "--stack", "dev"])).stdout);
        expect(outputs).to.deep.equal({ listenerId: idOf(lbId, 80), listenerStatus: "running" });
        expectRan(await dir.pulumi(["destroy", "--stack", "dev"], { env: { ALICLOUD_SLB_ENDPOINT: lab().emulator.endpoint } }));
        expect(await lab().ports(lbId)).to.deep.equal([]);
    });

    it(`"${EMULATOR_SECTION}": the emulator from npm run, a second stack, drift made with slb-emulator call, repaired, destroyed`, async function () {
        this.timeout(600_000);
        const lines = shBlocks(readme, EMULATOR_SECTION).flat();
        const emulator = await runDocumented(dir, lines);
        try {
            expect(emulator?.ids[0]).to.match(/^lb-/);
            const lbId = emulator!.ids[0];
            const at = (command: string) => {
                const found = dir.runs.filter((r) => r.command.replace(/\s+#.*$/, "") === command);
                expect(found, command).to.not.deep.equal([]);
                return found;
            };
            const drift = dir.runs[dir.runs.findIndex((r) => / call SetLoadBalancerTCPListenerAttribute /.test(r.command)) + 1];
            expect(drift.command).to.match(/^pulumi preview\b/);
            expect(drift.stdout + drift.stderr).to.contain(`${idOf(lbId, 80)}: establishedTimeout is 300, want 900`);
            expect(at("pulumi refresh")[0].stdout).to.match(/Resources:\s+2 unchanged/);
            expect(at("pulumi stack output")[0].stdout).to.match(new RegExp(`listenerId\\s+${idOf(lbId, 80)}`));
            expect(await listenerPorts(slbClient(emulator!.endpoint), lbId), "destroy left nothing").to.deep.equal([]);
            const calls = lines.filter((l) => / call /.test(l));
            expect(calls, "the README changes the listener with slb-emulator call").to.have.length(1);
            expect(await readListener(slbClient(emulator!.endpoint), lbId, 80)).to.equal(undefined);
        } finally {
            emulator?.stop();
        }
        const left = await dir.leftovers();
        expect(left, `no process left running in the checkout:\n${describeProcesses(left)}`).to.deep.equal([]);
    });
});
