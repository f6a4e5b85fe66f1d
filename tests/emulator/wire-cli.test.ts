// The slb-emulator CLI: prints its endpoint first, once it serves what was asked; serves the real client; exits 0 on
// SIGTERM/SIGINT, 1 when it cannot start (e.g. its --state file is in use), 2 with a plain message for every bad flag.
import { expect } from "chai";
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { runNode } from "../support/node-process";
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

const runCli = (args: string[]) => runNode(CLI, args);

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

    it("prints help and --version with exit 0 and rejects bad flags with exit 2", async () => {
        const help = await runCli(["--help"]);
        expect(help.code).to.equal(0);
        expect(help.stdout).to.include("--transition-ms").and.include("--version");
        const version = await runCli(["--version"]);
        expect(version.code).to.equal(0);
        const manifest = JSON.parse(readFileSync(resolve(__dirname, "../../../package.json"), "utf8")) as { version: string };
        expect(version.stdout).to.equal(`slb-emulator ${manifest.version}\n`);
        for (const bad of [["--bogus"], ["--port", "x"], ["--error-rate", "2"], ["--access-key-id", "a", "--access-key-id", "b"]]) {
            const r = await runCli(bad);
            expect(r.code, bad.join(" ")).to.equal(2);
            expect(r.stdout).to.equal("");
        }
    });

    it("every bad value exits 2 before serving, with a plain message naming the flag, then the usage", async function () {
        this.timeout(60000); // 14 processes at once on a loaded machine
        const cases: Array<[string[], RegExp]> = [
            [["--port", "-1"], /invalid value for --port: "-1" \(an integer from 0 to 65535\)/],
            [["--port"], /--port needs a value/],
            [["--port", "--host", "127.0.0.1"], /--port needs a value/],
            [["--port", "1", "--port", "2"], /--port given twice/],
            [["--transition-ms", "1e9"], /invalid value for --transition-ms: "1e9" \(must be a number of milliseconds between 0 and \d+\)/],
            [["--change-ms", "-5"], /invalid value for --change-ms: "-5"/],
            [["--latency-ms", "abc"], /invalid value for --latency-ms: "abc" \(a number\)/],
            [["--qps-limit", "0"], /invalid value for --qps-limit: "0" \(an integer >= 1\)/],
            [["--seed", "1.5"], /invalid value for --seed: "1.5"/],
            [["--region", "mars-1", "--load-balancer", "web"], /invalid value for --region: "mars-1" \(one of cn-qingdao, .*cn-hangzhou/],
            [["--state="], /--state needs a value/],
            [["--help=yes"], /--help takes no value/],
            [["--bogus"], /unknown option --bogus/],
            [["serve"], /unexpected argument "serve"/],
        ];
        const results = await Promise.all(cases.map(([args]) => runCli(args)));
        for (const [i, [args, message]] of cases.entries()) {
            const r = results[i];
            expect(r.code, args.join(" ")).to.equal(2);
            expect(r.stdout, args.join(" ")).to.equal("");
            const [first, ...rest] = r.stderr.split("\n");
            expect(first, args.join(" ")).to.match(message).and.match(/^slb-emulator: /).and.not.match(/ERR_|TypeError|\bat /);
            expect(rest.join("\n")).to.include("Usage: slb-emulator");
        }
    });

    it("with --load-balancer, prints the endpoint only once the load balancers exist, and nothing when they cannot be made", async () => {
        const child = spawn(process.execPath, [CLI, "--port", "0", "--load-balancer", "web"], { stdio: "pipe" });
        const exited = new Promise<number | null>((res) => child.on("exit", res));
        const endpoint = await new Promise<string>((res, rej) => {
            child.stdout.once("data", (d: Buffer) => res(d.toString().split("\n")[0]));
            child.once("exit", (code) => rej(new Error(`exit ${code}`)));
        });
        const list = await slbClient(endpoint).call("DescribeLoadBalancers", { RegionId: "cn-hangzhou" });
        expect(list.LoadBalancers.LoadBalancer.map((lb: { LoadBalancerName: string }) => lb.LoadBalancerName)).to.deep.equal(["web"]);
        child.kill("SIGTERM");
        expect(await exited).to.equal(0);

        // Every call fails: the creation gives up after its retries (5 s), exit 1, and stdout stays empty.
        const failed = await runCli(["--port", "0", "--load-balancer", "web", "--error-rate", "1"]);
        expect(failed.code).to.equal(1);
        expect(failed.stdout).to.equal("");
        expect(failed.stderr).to.include("cannot create the load balancers");
    });

    it("`npm run emulator -- FLAGS` from the checkout: builds only what changed, then serves (the README's command)", async function () {
        this.timeout(60000);
        const started = Date.now();
        // Its own process group, stopped as a terminal's Ctrl-C stops it: SIGINT to npm, sh and node together.
        const child = spawn("npm", ["run", "-s", "emulator", "--", "--port", "0", "--region", "cn-beijing"],
            { cwd: resolve(__dirname, "../../.."), stdio: "pipe", detached: true });
        const exited = new Promise<string>((res) => child.on("exit", (code, signal) => res(signal ?? String(code))));
        let stderr = "";
        child.stderr.on("data", (d) => (stderr += d));
        const endpoint = await new Promise<string>((res, rej) => {
            child.stdout.once("data", (d: Buffer) => res(d.toString().split("\n")[0]));
            child.once("exit", (code) => rej(new Error(`exit ${code}: ${stderr}`)));
        });
        console.log(`      [npm run emulator] serving ${Date.now() - started} ms after the command started`);
        expect(endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect((await admin(endpoint).health()).status).to.equal("ok");
        process.kill(-child.pid!, "SIGINT");
        expect(await exited, stderr).to.be.oneOf(["0", "SIGINT"]); // npm itself may die of the signal
        // npm may exit before the emulator has finished closing: give it a moment, then it must be gone, not orphaned.
        let after = "answered";
        for (let i = 0; i < 50 && after === "answered"; i++) {
            after = await fetch(`${endpoint}/_emulator/health`).then(() => "answered", () => "gone");
            if (after === "answered") await new Promise((r) => setTimeout(r, 100));
        }
        expect(after, "the emulator has stopped").to.equal("gone");
        expect(stderr).to.include("slb-emulator: SIGINT, shutting down");
    });

    it("refuses a second emulator on the same --state file (exit 1, naming the file); a lock left by a killed one is taken over", async () => {
        const state = join(dir, "state.json");
        const first = await startCli(["--port", "0", "--state", state]);
        const lb = await slbClient(first.endpoint).call("CreateLoadBalancer", { RegionId: "cn-hangzhou", LoadBalancerName: "kept" });

        const second = await runCli(["--port", "0", "--state", state]);
        expect(second.code).to.equal(1);
        expect(second.stdout).to.equal("");
        expect(second.stderr).to.include(`state file ${state} is in use by another emulator (process ${first.child.pid})`);
        expect((await admin(first.endpoint).health()).status).to.equal("ok");

        // The first one saves its change (debounced), then dies without cleaning up: its lock stays behind.
        for (let i = 0; i < 40 && !(existsSync(state) && readFileSync(state, "utf8").includes(lb.LoadBalancerId)); i++) await new Promise((r) => setTimeout(r, 50));
        first.child.kill("SIGKILL");
        await first.exited;
        expect(existsSync(`${state}.lock`)).to.equal(true);
        const third = await startCli(["--port", "0", "--state", state]);
        const list = await slbClient(third.endpoint).call("DescribeLoadBalancers", { RegionId: "cn-hangzhou" });
        expect(JSON.stringify(list)).to.include(lb.LoadBalancerId);
        third.child.kill("SIGTERM");
        expect((await third.exited).code).to.equal(0);
        expect(existsSync(`${state}.lock`)).to.equal(false);
    });
});
