// Benchmark (not a test): DescribeLoadBalancerTCPListenerAttribute calls per second through the real
// @alicloud/openapi-client, V3 and V1 signatures. The emulator runs as a separate process (the CLI) so the
// client and the server each get a core, as they would in practice.
//   node dist/bench/emulator-throughput.js [--count 5000] [--concurrency 16] [--in-process]
import { spawn } from "node:child_process";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { startEmulator } from "../emulator";
import { integerFlag, parseFlags, UsageError } from "../emulator/cli-args";
import { slbClient, type SlbClient } from "../tests/support/slb-client";

const USAGE = "Usage: node dist/bench/emulator-throughput.js [--count N (5000)] [--concurrency N (16)] [--in-process] [--help]\n";

function options() {
    try {
        const v = parseFlags(process.argv.slice(2), {
            count: { type: "string" }, concurrency: { type: "string" }, "in-process": { type: "boolean" }, help: { type: "boolean", short: "h" },
        });
        if (v.help) {
            process.stdout.write(USAGE);
            process.exit(0);
        }
        return { count: integerFlag("count", v.count ?? "5000", 1), concurrency: integerFlag("concurrency", v.concurrency ?? "16", 1), inProcess: v["in-process"] };
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`emulator-throughput: ${e.message}\n${USAGE}`);
        process.exit(2);
    }
}
const values = options();
const COUNT = values.count;
const CONCURRENCY = values.concurrency;

async function startServer(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
    if (values.inProcess) {
        const emu = await startEmulator({ timings: { transitionMs: 20, changeMs: 0 } });
        return { endpoint: emu.endpoint, stop: () => emu.close() };
    }
    const cli = resolve(__dirname, "../emulator/cli.js");
    const child = spawn(process.execPath, [cli, "--port", "0", "--transition-ms", "20", "--change-ms", "0"], { stdio: ["ignore", "pipe", "inherit"] });
    const endpoint = await new Promise<string>((res, rej) => {
        let out = "";
        child.stdout.on("data", (d) => {
            out += d;
            if (out.includes("\n")) res(out.split("\n")[0]);
        });
        child.on("exit", (code) => rej(new Error(`emulator exited with ${code}`)));
    });
    return {
        endpoint,
        stop: () => new Promise((res) => {
            child.on("exit", () => res());
            child.kill("SIGTERM");
        }),
    };
}

async function run(client: SlbClient, params: Record<string, unknown>, count: number) {
    const latencies: number[] = [];
    let next = 0;
    let errors = 0;
    const started = performance.now();
    async function worker() {
        while (next < count) {
            next++;
            const t = performance.now();
            try {
                await client.call("DescribeLoadBalancerTCPListenerAttribute", params);
            } catch {
                errors++;
            }
            latencies.push(performance.now() - t);
        }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2);
    return { seconds, rate: count / seconds, p50: pct(0.5), p99: pct(0.99), errors };
}

async function main() {
    const server = await startServer();
    try {
        const setup = slbClient(server.endpoint);
        const lb = await setup.call("CreateLoadBalancer", { RegionId: "cn-hangzhou" });
        await setup.call("CreateLoadBalancerTCPListener", {
            RegionId: "cn-hangzhou", LoadBalancerId: lb.LoadBalancerId, ListenerPort: 80, BackendServerPort: 8080, Bandwidth: -1,
        });
        const params = { RegionId: "cn-hangzhou", LoadBalancerId: lb.LoadBalancerId, ListenerPort: 80 };

        const rows: string[][] = [];
        for (const signature of ["v3", "v1"] as const) {
            const client = slbClient(server.endpoint, { signature });
            await run(client, params, 500); // warm-up: JIT, keep-alive sockets
            const r = await run(client, params, COUNT);
            rows.push([signature, String(COUNT), String(CONCURRENCY), r.seconds.toFixed(2), r.rate.toFixed(0), r.p50, r.p99, String(r.errors)]);
        }
        const head = ["signature", "calls", "concurrency", "seconds", "calls/s", "p50 ms", "p99 ms", "errors"];
        const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
        const line = (cells: string[]) => "| " + cells.map((c, i) => c.padStart(widths[i])).join(" | ") + " |";
        console.log(`DescribeLoadBalancerTCPListenerAttribute via @alicloud/openapi-client (${values.inProcess ? "emulator in-process" : "emulator in a child process"}, node ${process.version})`);
        console.log(line(head));
        console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
        for (const r of rows) console.log(line(r));
    } finally {
        await server.stop();
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
