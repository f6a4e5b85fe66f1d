// The emulator CLI's helpers for trying things by hand: `slb-emulator call ACTION Key=Value ...` (one signed API
// call through the SDK, e.g. to change a listener outside Pulumi), and --vserver-group / --acl, which create what
// examples/full refers to and print their ids after the endpoint.
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Emulator, startEmulator } from "../../emulator";
import { parseCall } from "../../emulator/cli-call";
import { runNode } from "../support/node-process";
import { readListener } from "../support/listeners";
import { FAST_TIMINGS } from "../support/timing";
import { SlbClient, slbClient } from "../support/slb-client";

const CLI = resolve(__dirname, "../../emulator/cli.js");
const REGION = "cn-hangzhou";

/** Runs the emulator CLI until it printed the endpoint and `count` ids, then stops it; returns the ids. */
function ids(args: string[], count: number): Promise<{ ids: string[]; stderr: string }> {
    return new Promise((res, rej) => {
        const child = spawn(process.execPath, [CLI, "--port", "0", ...args], { stdio: "pipe" });
        let stdout = "";
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        child.stdout.on("data", (d) => {
            stdout += d;
            if (stdout.split("\n").length > count + 1) child.kill("SIGTERM");
        });
        child.on("exit", (code) => (code === 0 ? res({ ids: stdout.trim().split("\n").slice(1), stderr }) : rej(new Error(`exit ${code}: ${stderr}`))));
    });
}

describe("slb-emulator: call, --vserver-group, --acl", function () {
    this.timeout(15000);

    it("--vserver-group and --acl create them through the API, print their ids after the load balancer's, reuse them from --state", async () => {
        const dir = mkdtempSync(join(tmpdir(), "slb-emu-call-"));
        try {
            const flags = ["--state", join(dir, "state.json"), "--load-balancer", "full", "--vserver-group", "api", "--acl", "office"];
            const first = await ids(flags, 3);
            expect(first.ids[0]).to.match(/^lb-/);
            expect(first.ids[1]).to.match(/^rsp-/);
            expect(first.ids[2]).to.match(/^acl-/);
            expect(first.stderr).to.contain(`vServer group api (on ${first.ids[0]}) = ${first.ids[1]}`);
            expect((await ids(flags, 3)).ids, "the same ones again").to.deep.equal(first.ids);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
        const orphan = await runNode(CLI, ["--vserver-group", "api"]);
        expect(orphan.code).to.equal(2);
        expect(orphan.stderr).to.contain("--vserver-group needs a --load-balancer");
    });

    describe("call", () => {
        let emulator: Emulator;
        let slb: SlbClient;
        let lbId: string;
        before(async () => {
            emulator = await startEmulator({ timings: FAST_TIMINGS });
            slb = slbClient(emulator.endpoint);
            lbId = (await slb.call("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: "call" })).LoadBalancerId;
            await slb.call("CreateLoadBalancerTCPListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 80, BackendServerPort: 8080, Bandwidth: -1 });
        });
        after(() => emulator.close());

        it("changes a listener outside Pulumi with the emulator's keys and region by default, printing the JSON answer", async () => {
            const r = await runNode(CLI, ["call", "SetLoadBalancerTCPListenerAttribute", `LoadBalancerId=${lbId}`, "ListenerPort=80",
                "Description=changed-by-hand", "--endpoint", emulator.endpoint]);
            expect(r.code, r.stderr).to.equal(0);
            expect(JSON.parse(r.stdout)).to.have.property("RequestId").that.matches(/^[0-9A-F-]{36}$/);
            expect((await readListener(slb, lbId, 80))?.Description).to.equal("changed-by-hand");
            const logged = emulator.requests().filter((c) => c.action === "SetLoadBalancerTCPListenerAttribute");
            expect(logged.map((c) => [c.accessKeyId, c.regionId, c.status])).to.deep.equal([["emulator-access-key-id", REGION, 200]]);
        });

        it("tags through the listener's tag resource id, and reads them back", async () => {
            const tag = await runNode(CLI, ["call", "TagResources", "ResourceType=listener", `ResourceId.1=${lbId}_tcp_80`, "Tag.1.Key=team",
                "Tag.1.Value=ops", "--endpoint", emulator.endpoint]);
            expect(tag.code, tag.stderr).to.equal(0);
            const read = await runNode(CLI, ["call", "DescribeLoadBalancerTCPListenerAttribute", `LoadBalancerId=${lbId}`, "ListenerPort=80", "--endpoint", emulator.endpoint]);
            expect(JSON.parse(read.stdout).Tags.Tag).to.deep.include({ TagKey: "team", TagValue: "ops" });
        });

        it("exits 1 with the API's code and message on an error answer, 2 for a malformed argument", async () => {
            const missing = await runNode(CLI, ["call", "DescribeLoadBalancerTCPListenerAttribute", `LoadBalancerId=${lbId}`, "ListenerPort=81", "--endpoint", emulator.endpoint]);
            expect(missing.code).to.equal(1);
            expect(missing.stderr).to.match(/^slb-emulator call: DescribeLoadBalancerTCPListenerAttribute failed: InvalidParameter: .*request id/);
            const bad = await runNode(CLI, ["call", "SetLoadBalancerTCPListenerAttribute", "ListenerPort"]);
            expect([bad.code, bad.stderr.split("\n")[0]]).to.deep.equal([2, 'slb-emulator call: expected Key=Value, got "ListenerPort"']);
        });

        it("reads flags in any position, the endpoint from ALICLOUD_SLB_ENDPOINT, and keeps a RegionId given", () => {
            const r = parseCall(["--region", "cn-beijing", "DescribeLoadBalancers", "PageSize=5", "--access-key-id", "ak"], { ALICLOUD_SLB_ENDPOINT: "127.0.0.1:9" });
            expect(r).to.deep.include({ action: "DescribeLoadBalancers", params: { PageSize: "5", RegionId: "cn-beijing" }, accessKeyId: "ak" });
            expect(r?.endpoint.href).to.equal("http://127.0.0.1:9/");
            expect(parseCall(["DescribeLoadBalancers", "RegionId=cn-shanghai"], {})?.params.RegionId).to.equal("cn-shanghai");
            expect(() => parseCall([], {})).to.throw("an ACTION is required");
        });
    });
});
