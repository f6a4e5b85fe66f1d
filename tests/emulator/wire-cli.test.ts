// The slb-emulator CLI: prints its endpoint first, serves the real client, exits 0 on SIGTERM/SIGINT.
import { expect } from "chai";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { admin, slbClient } from "../support/slb-client";
import { rejection } from "./wire-raw";

const CLI = resolve(__dirname, "../../emulator/cli.js");

interface Running {
    child: ChildProcessWithoutNullStreams;
    endpoint: string;
    exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
}

function startCli(args: string[]): Promise<Running> {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((res) => {
        child.on("exit", (code, signal) => setImmediate(() => res({ code, signal, stdout, stderr })));
    });
    return new Promise((res, rej) => {
        child.stderr.on("data", (d) => (stderr += d));
        child.stdout.on("data", (d) => {
            stdout += d;
            const nl = stdout.indexOf("\n");
            if (nl >= 0) res({ child, endpoint: stdout.slice(0, nl), exited });
        });
        exited.then((r) => rej(new Error(`CLI exited early (${r.code}): ${r.stderr}`)));
    });
}

function runCli(args: string[]) {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => child.on("close", (code) => res({ code, stdout, stderr })));
}

describe("slb-emulator CLI", function () {
    this.timeout(15000);
    let dir: string;
    beforeEach(() => {
        dir = mkdtempSync(join(tmpdir(), "slb-emu-cli-"));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it("creates --load-balancer NAMEs through the API, prints their ids after the endpoint, and reuses them from --state", async () => {
        const state = join(dir, "state.json");
        /** Runs the CLI until it printed the endpoint and `count` ids, then stops it with SIGTERM. */
        const lines = (args: string[], count: number) => new Promise<string[]>((res, rej) => {
            const child = spawn(process.execPath, [CLI, ...args], { stdio: "pipe" });
            let stdout = "";
            child.stdout.on("data", (d) => {
                stdout += d;
                if (stdout.split("\n").length > count + 1) child.kill("SIGTERM");
            });
            child.on("exit", (code) => (code === 0 ? res(stdout.trim().split("\n").slice(1)) : rej(new Error(`exit ${code}`))));
        });
        const first = await lines(["--port", "0", "--state", state, "--load-balancer", "web", "--load-balancer", "api", "--region", "cn-beijing"], 2);
        expect(first).to.have.length(2);
        for (const id of first) expect(id).to.match(/^lb-[a-z0-9]{20}$/);
        const again = await lines(["--port", "0", "--state", state, "--load-balancer", "api", "--region", "cn-beijing"], 1);
        expect(again).to.deep.equal([first[1]]);
    });

    it("prints its endpoint first, serves calls, saves --state and exits 0 on SIGTERM", async () => {
        const state = join(dir, "state.json");
        const run = await startCli(["--port", "0", "--transition-ms", "20", "--change-ms", "5", "--state", state]);
        expect(run.endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
        const lb = await slbClient(run.endpoint).call("CreateLoadBalancer", { RegionId: "cn-shanghai" });
        expect((await admin(run.endpoint).health()).timings).to.deep.equal({ transitionMs: 20, changeMs: 5 });
        run.child.kill("SIGTERM");
        const r = await run.exited;
        expect(r.code, r.stderr).to.equal(0);
        expect(readFileSync(state, "utf8")).to.include(lb.LoadBalancerId);

        // And it comes back with the same state; SIGINT also exits 0.
        const again = await startCli(["--state", state]);
        const list = await slbClient(again.endpoint, { signature: "v1" }).call("DescribeLoadBalancers", { RegionId: "cn-shanghai" });
        expect(JSON.stringify(list)).to.include(lb.LoadBalancerId);
        again.child.kill("SIGINT");
        expect((await again.exited).code).to.equal(0);
    });

    it("takes credentials and fault flags", async () => {
        const run = await startCli(["--access-key-id", "ak-1", "--access-key-secret", "s-1", "--access-key-id", "ak-2", "--access-key-secret", "s-2",
            "--error-rate", "1", "--seed", "7", "--qps-limit", "100", "--latency-ms", "1"]);
        try {
            const e = await rejection(slbClient(run.endpoint).call("DescribeLoadBalancers", { RegionId: "cn-hangzhou" }));
            expect(e.code).to.equal("InvalidAccessKeyId.NotFound");
            const f = await rejection(slbClient(run.endpoint, { accessKeyId: "ak-2", accessKeySecret: "s-2" }).call("DescribeLoadBalancers", { RegionId: "cn-hangzhou" }));
            expect(["ServiceUnavailable", "InternalError", "Throttling.User", "SystemBusy"]).to.include(f.code);
            const faults = await admin(run.endpoint).faults();
            expect(faults).to.include({ errorRate: 1, seed: 7, qpsLimit: 100, latencyMs: 1 });
        } finally {
            run.child.kill("SIGTERM");
            expect((await run.exited).code).to.equal(0);
        }
    });

    it("prints help with exit 0 and rejects bad flags with exit 2", async () => {
        const help = await runCli(["--help"]);
        expect(help.code).to.equal(0);
        expect(help.stdout).to.include("--transition-ms");
        for (const bad of [["--bogus"], ["--port", "x"], ["--error-rate", "2"], ["--access-key-id", "a", "--access-key-id", "b"]]) {
            const r = await runCli(bad);
            expect(r.code, bad.join(" ")).to.equal(2);
            expect(r.stdout).to.equal("");
        }
    });
});
