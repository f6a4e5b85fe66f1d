// `npm run demo`: the whole lifecycle of the root program (index.ts, Pulumi.yaml) against a local SLB emulator.
//
//   1. start the emulator in this process and create a load balancer in it through the SLB API;
//   2. deploy the root program: preview (the plan), up, a second preview (no changes), destroy;
//   3. print what happened, close the emulator, exit 0 (non-zero on any failure).
//
// With a Pulumi CLI (a compatible `pulumi` on PATH, or the one built into .tools/pulumi/bin) the real engine does
// the deploying (a local file backend under .pulumi-work, removed at the end; the program runs inline through the
// Automation API); without one, the project's engine harness (dist/tests/harness) plays the engine's part.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, startEmulator } from "../emulator";
import { Engine, OperationResult, secret } from "../tests/harness";
import { CliStack, RunResult, projectFile } from "../tests/cli/stack";
import { PulumiCli, describeCli, locateCli, skipRequested } from "./pulumi-cli";
import { describeEngineMode, engineModeOf } from "./engine-mode";
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

// ---------------------------------------------------------------- with the CLI (the real Pulumi engine)

/** The engine's steps of one run as the harness part prints them (the stack and its provider left out). */
function cliSteps(r: RunResult, phase: "pre" | "done"): Array<{ op: string; name: string }> {
    return r.steps.filter((s) => s.phase === phase);
}

function failIfCliFailed(r: RunResult, what: string): void {
    if (r.ok) return;
    const errors = r.diagnostics.filter((d) => d.severity === "error").map((d) => d.message.trim());
    throw new Error(`${what} failed (pulumi exited with ${r.exitCode}):\n${(errors.length ? errors : [r.stderr.trim()]).map((p) => `   ${p}`).join("\n")}`);
}

/**
 * The same program through `pulumi` (preview, up, preview --expect-no-changes, destroy), driven by the Automation
 * API: the program runs inline in this process, the engine, its checkpoints (a local backend under .pulumi-work)
 * and the provider host are the real ones.
 */
async function withCli(demo: Demo, cli: PulumiCli): Promise<Outcome> {
    const project = projectFile(ROOT);
    const stack = await CliStack.create({
        cli, project: project.name, stack: STACK, label: "demo", program: path.join(ROOT, "dist", "index.js"),
        settings: { description: project.description, config: project.config },
        config: {
            "alicloud:region": { value: REGION },
            "alicloud:accessKey": { value: DEFAULT_ACCESS_KEY_ID },
            "alicloud:secretKey": { value: DEFAULT_ACCESS_KEY_SECRET, secret: true },
            "alicloud:endpoints": { value: JSON.stringify([{ slb: demo.emulator.endpoint }]) },
            [`${demo.project}:loadBalancerId`]: { value: demo.lbId },
        },
    });
    try {
        step(1, "Preview (the plan)");
        const plan = await stack.preview();
        failIfCliFailed(plan, "preview");
        for (const s of cliSteps(plan, "pre")) item(`${SYMBOL[s.op] ?? s.op} ${s.op} ${s.name} (TcpListener)`);

        step(2, "Up");
        const up = await stack.up();
        failIfCliFailed(up, "up");
        for (const s of cliSteps(up, "done")) item(`${SYMBOL[s.op] ?? s.op} ${DONE[s.op] ?? s.op} ${s.name}`);
        const listenerId = String(up.outputs.listenerId);
        const live = await showCreated(demo, listenerId);

        step(3, "Preview again (drift check)");
        const before = demo.emulator.requests().length;
        const again = await stack.preview({ expectNoChanges: true });
        failIfCliFailed(again, "second preview (--expect-no-changes)");
        const calls = demo.emulator.requests().length - before;
        const same = cliSteps(again, "pre").filter((s) => s.op === "same").length;
        item(`no changes (${same} listener unchanged; the check cost ${calls} API call${calls === 1 ? "" : "s"})`);

        step(4, "Destroy");
        const destroyed = await stack.destroy();
        failIfCliFailed(destroyed, "destroy");
        for (const s of cliSteps(destroyed, "done")) item(`${SYMBOL[s.op] ?? s.op} deleted ${s.name} (${listenerId})`);
        return { listenerId, live };
    } finally {
        stack.close();
    }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
    const started = Date.now();
    say("SLB TCP listener demo: the root Pulumi program against a local SLB API emulator.");
    const cli = skipRequested() ? undefined : locateCli();
    say(cli ? `Engine: the real Pulumi engine, ${describeCli(cli)}, ${describeEngineMode(engineModeOf())}; the program runs inline through the Automation API.`
        : "Engine: the built-in engine harness (tests/harness). No Pulumi CLI was found: put `pulumi` (v3.146 or newer) on PATH, or build the " +
          "pinned one with `node dist/scripts/pulumi-cli.js` (npm test does), to run the demo on the real engine.");

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
        say(`\nDone in ${seconds} s (${cli ? "real Pulumi engine" : "engine harness"}): ${listenerId} was created (${live.status}), unchanged on re-check, and destroyed.`);
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
