// `npm run demo`: the whole lifecycle of the root program (index.ts, Pulumi.yaml) against a local SLB emulator.
//
//   1. start the emulator in this process and create a load balancer in it through the SLB API;
//   2. deploy the root program: preview (the plan), up, a second preview (no changes), destroy;
//   3. print what happened, close the emulator, exit 0 (non-zero on any failure).
//
// With a `pulumi` CLI on PATH the real CLI does the deploying (local file backend in a temporary directory);
// without one, the project's engine harness (dist/tests/harness) plays the engine's part with the same program.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, startEmulator } from "../emulator";
import { Engine, OperationResult, secret } from "../tests/harness";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, SlbClient, slbClient } from "../tests/support/slb-client";

const ROOT = path.resolve(__dirname, "..", "..");
const REGION = "cn-hangzhou";
const STACK = "demo";

const say = (line = "") => process.stdout.write(`${line}\n`);
const step = (n: number, title: string) => say(`\n${n}. ${title}`);
const item = (line: string) => say(`   ${line}`);

interface Demo {
    emulator: Emulator;
    slb: SlbClient;
    lbId: string;
    /** `<project>:loadBalancerId` etc.: the root project's name from its Pulumi.yaml. */
    project: string;
    /** Scratch directory (state / backend), removed at the end. */
    tmp: string;
}

interface Outcome {
    listenerId: string;
    /** The listener as the emulator reported it right after up. */
    live: Live;
}

interface Live {
    status: string;
    line: string;
}

/** The executable's path if `name` is on PATH. */
function onPath(name: string): string | undefined {
    for (const dir of (process.env.PATH ?? "").split(path.delimiter).filter(Boolean)) {
        const file = path.join(dir, name);
        try {
            fs.accessSync(file, fs.constants.X_OK);
            if (fs.statSync(file).isFile()) return file;
        } catch {
            // not here
        }
    }
    return undefined;
}

function projectName(): string {
    const yaml = fs.readFileSync(path.join(ROOT, "Pulumi.yaml"), "utf8");
    const name = /^name:\s*["']?([^"'\s#]+)/m.exec(yaml)?.[1];
    if (!name) throw new Error("Pulumi.yaml has no project name");
    return name;
}

/** Reads the created listener back from the emulator (not from Pulumi's outputs) and prints it. */
async function showCreated(demo: Demo, listenerId: string): Promise<Live> {
    const port = Number(listenerId.split(":").pop());
    const live = await demo.slb.call("DescribeLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: demo.lbId, ListenerPort: port });
    const check = live.HealthCheckType === "http" ? `http health check ${live.HealthCheckURI}` : `${live.HealthCheckType} health check`;
    const line = `port ${live.ListenerPort} -> backend ${live.BackendServerPort}, ${check}`;
    item(`listener ${listenerId}`);
    item(`the emulator reports: ${live.Status}, ${line}`);
    return { status: String(live.Status), line };
}

async function listenerCount(demo: Demo): Promise<number> {
    const res = await demo.slb.call("DescribeLoadBalancerListeners", { RegionId: REGION, LoadBalancerId: [demo.lbId] });
    return Number(res.TotalCount ?? 0);
}

// ---------------------------------------------------------------- without the CLI: the engine harness

const SYMBOL: Record<string, string> = { create: "+", update: "~", replace: "+-", delete: "-", same: "=" };
const DONE: Record<string, string> = { create: "created", update: "updated", replace: "replaced", delete: "deleted", same: "unchanged" };

function failIfNot(r: OperationResult, what: string): void {
    if (r.ok) return;
    const problems = [...r.failures.map((f) => `${f.property}: ${f.reason}`), ...r.errors.map((e) => e.message)];
    throw new Error(`${what} failed:\n${problems.map((p) => `   ${p}`).join("\n")}`);
}

async function withHarness(demo: Demo): Promise<Outcome> {
    const engine = new Engine({
        projectDir: ROOT,
        stack: STACK,
        statePath: path.join(demo.tmp, "state.json"),
        config: {
            "alicloud:region": REGION,
            "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID,
            "alicloud:secretKey": secret(DEFAULT_ACCESS_KEY_SECRET),
            "alicloud:endpoints": JSON.stringify([{ slb: demo.emulator.endpoint }]),
            [`${demo.project}:loadBalancerId`]: demo.lbId,
        },
    });
    const program = path.join(ROOT, "dist", "index.js");

    step(1, "Preview (the plan)");
    const plan = await engine.preview(program);
    failIfNot(plan, "preview");
    for (const s of plan.steps) item(`${SYMBOL[s.op] ?? s.op} ${s.op} ${s.name} (TcpListener)`);

    step(2, "Up");
    const up = await engine.up(program);
    failIfNot(up, "up");
    for (const s of up.steps) item(`${SYMBOL[s.op] ?? s.op} ${DONE[s.op] ?? s.op} ${s.name}`);
    const listenerId = String(up.outputs.listenerId);
    const live = await showCreated(demo, listenerId);

    step(3, "Preview again (drift check)");
    const before = demo.emulator.requests().length;
    const again = await engine.preview(program);
    failIfNot(again, "second preview");
    if (again.changes) throw new Error(`the second preview wants changes: ${again.steps.map((s) => `${s.op} ${s.name}`).join(", ")}`);
    const calls = demo.emulator.requests().length - before;
    item(`no changes (${again.steps.length} listener unchanged; the check cost ${calls} API call${calls === 1 ? "" : "s"})`);

    step(4, "Destroy");
    const destroyed = await engine.destroy();
    failIfNot(destroyed, "destroy");
    for (const s of destroyed.steps) item(`${SYMBOL[s.op] ?? s.op} deleted ${s.name} (${s.id})`);
    return { listenerId, live };
}

// ---------------------------------------------------------------- with the CLI

/** Runs `pulumi <args>` in the project directory with the demo's backend; output goes straight to the terminal. */
function pulumi(cli: string, args: string[], env: NodeJS.ProcessEnv, capture = false): Promise<string> {
    return new Promise((resolve, reject) => {
        // Asynchronous on purpose: the emulator answers from this process while the CLI runs.
        const child: ChildProcess = spawn(cli, args, { cwd: ROOT, env, stdio: ["ignore", capture ? "pipe" : "inherit", "inherit"] });
        let out = "";
        child.stdout?.on("data", (d: Buffer) => (out += d.toString()));
        child.on("error", reject);
        child.on("exit", (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`pulumi ${args[0]} ${args[1] ?? ""} exited with ${code}`))));
    });
}

async function withCli(demo: Demo, cli: string): Promise<Outcome> {
    const env = { ...process.env, PULUMI_BACKEND_URL: `file://${demo.tmp}`, PULUMI_CONFIG_PASSPHRASE: "", PULUMI_SKIP_UPDATE_CHECK: "true" };
    const run = (...args: string[]) => pulumi(cli, [...args, "--stack", STACK], env);
    // `stack rm` at the end deletes the stack's config file: never touch one the user made.
    const stackFile = path.join(ROOT, `Pulumi.${STACK}.yaml`);
    if (fs.existsSync(stackFile)) throw new Error(`${stackFile} exists (a stack of yours named "${STACK}"?); move it away to run the demo`);
    await pulumi(cli, ["stack", "init", STACK], env);
    try {
        await run("config", "set", "alicloud:region", REGION);
        await run("config", "set", "alicloud:accessKey", DEFAULT_ACCESS_KEY_ID);
        await run("config", "set", "--secret", "alicloud:secretKey", DEFAULT_ACCESS_KEY_SECRET);
        await run("config", "set", "alicloud:endpoints", JSON.stringify([{ slb: demo.emulator.endpoint }]));
        await run("config", "set", "loadBalancerId", demo.lbId);

        step(1, "Preview (the plan)");
        await run("preview");
        step(2, "Up");
        await run("up", "--yes", "--skip-preview");
        const listenerId = await pulumi(cli, ["stack", "output", "listenerId", "--stack", STACK], env, true);
        const live = await showCreated(demo, listenerId);
        step(3, "Preview again (drift check)");
        await run("preview", "--expect-no-changes");
        step(4, "Destroy");
        await run("destroy", "--yes");
        return { listenerId, live };
    } finally {
        // Also removes Pulumi.demo.yaml from the project directory.
        await pulumi(cli, ["stack", "rm", "--yes", "--force", STACK], env).catch(() => undefined);
    }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
    const started = Date.now();
    say("SLB TCP listener demo: the root Pulumi program against a local SLB API emulator.");
    const cli = onPath("pulumi");
    if (!cli) say("No pulumi CLI on PATH: running the program through the built-in engine harness instead.");

    const emulator = await startEmulator();
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "slb-listener-demo-"));
    try {
        const slb = slbClient(emulator.endpoint);
        const lb = await slb.call("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: "demo" });
        const demo: Demo = { emulator, slb, lbId: String(lb.LoadBalancerId), project: projectName(), tmp };
        say(`\nEmulator:      ${emulator.endpoint} (region ${REGION})`);
        say(`Load balancer: ${demo.lbId} (created through the SLB API)`);

        const { listenerId, live } = cli ? await withCli(demo, cli) : await withHarness(demo);

        const left = await listenerCount(demo);
        if (left !== 0) throw new Error(`${left} listener(s) left on the load balancer after destroy`);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        say(`\nDone in ${seconds} s: ${listenerId} was created (${live.status}), unchanged on re-check, and destroyed.`);
    } finally {
        await emulator.close();
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

main().then(
    () => process.exit(0),
    (e: unknown) => {
        const message = e instanceof Error ? e.message : String(e);
        process.stderr.write(`\nDemo failed: ${message}\n`);
        if (process.env.DEMO_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
        process.exit(1);
    },
);
