// `npm run demo`: the whole lifecycle of the root program (index.ts, Pulumi.yaml) against a local SLB emulator.
//
//   1. start the emulator in this process and create a load balancer in it through the SLB API;
//   2. deploy the root program: preview (the plan), up, a second preview (no changes), destroy;
//   3. print what happened, close the emulator, exit 0 (non-zero on any failure).
//
// With a Pulumi CLI (a compatible `pulumi` on PATH, or the one built into .tools/pulumi/bin) that has a Node.js
// language host (the official one, or our stand-in next to the built CLI), the root program runs as a user runs it:
// plain `pulumi` commands in the checkout's root, a directory program (stack `demo` in a local file backend under
// .pulumi-work, both removed at the end). Without one, the project's engine harness (dist/tests/harness) plays the
// engine's part.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Emulator, startEmulator } from "../emulator";
import { Engine, OperationResult, secret } from "../tests/harness";
import { DirRun, ProjectDir } from "../tests/cli/directory";
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

/** The TcpListener steps `pulumi` printed (" +  pulumi-nodejs:dynamic/slb:TcpListener web create"), once each. */
function cliSteps(r: DirRun, verbs: readonly string[]): Array<{ op: string; name: string }> {
    const seen = new Set<string>();
    for (const m of r.stdout.matchAll(/^\s*\S*\s+pulumi-nodejs:dynamic\/slb:TcpListener (\S+) (\w+)/gm)) if (verbs.includes(m[2])) seen.add(`${m[2]} ${m[1]}`);
    return [...seen].map((s) => ({ op: s.split(" ")[0], name: s.split(" ")[1] }));
}

async function pulumi(dir: ProjectDir, args: string[], what = `pulumi ${args.join(" ")}`): Promise<DirRun> {
    const r = await dir.pulumi(args);
    if (r.exitCode === 0) return r;
    const errors = r.stdout.split("\n").filter((l) => /error:/.test(l)).map((l) => l.trim());
    throw new Error(`${what} failed (exit ${r.exitCode}):\n${(errors.length ? errors : [r.stderr.trim() || r.stdout.trim()]).map((p) => `   ${p}`).join("\n")}`);
}

/**
 * The root program as a directory program: `pulumi stack init demo`, the `config set` lines a user types, preview,
 * up, `preview --expect-no-changes`, destroy, `stack rm`, all in the checkout's root. Type checking is left to
 * the build that `npm run demo` just ran (PULUMI_NODEJS_TRANSPILE_ONLY), which makes each run seconds shorter.
 */
async function withCli(demo: Demo, cli: PulumiCli): Promise<Outcome> {
    const dir = ProjectDir.at(cli, "demo", ROOT);
    dir.env.PULUMI_NODEJS_TRANSPILE_ONLY = "true";
    const stackFile = path.join(ROOT, `Pulumi.${STACK}.yaml`);
    if (fs.existsSync(stackFile)) throw new Error(`${stackFile} exists (a stack "${STACK}" of yours?): the demo would overwrite it`);
    try {
        await pulumi(dir, ["stack", "init", STACK]);
        const config: Array<[string, string, boolean?]> = [
            ["alicloud:region", REGION], ["alicloud:accessKey", DEFAULT_ACCESS_KEY_ID], ["alicloud:secretKey", DEFAULT_ACCESS_KEY_SECRET, true],
            ["alicloud:endpoints", JSON.stringify([{ slb: demo.emulator.endpoint }])], ["loadBalancerId", demo.lbId],
        ];
        for (const [key, value, isSecret] of config) await pulumi(dir, ["config", "set", ...(isSecret ? ["--secret"] : []), key, value]);

        step(1, "Preview (the plan)");
        const plan = await pulumi(dir, ["preview"]);
        for (const s of cliSteps(plan, ["create"])) item(`${SYMBOL[s.op] ?? s.op} ${s.op} ${s.name} (TcpListener)`);

        step(2, "Up");
        const up = await pulumi(dir, ["up"]);
        for (const s of cliSteps(up, ["created"])) item(`+ ${s.op} ${s.name}`);
        const outputs = JSON.parse((await pulumi(dir, ["stack", "output", "--json"])).stdout) as { listenerId: string };
        const live = await showCreated(demo, outputs.listenerId);

        step(3, "Preview again (drift check)");
        const before = demo.emulator.requests().length;
        await pulumi(dir, ["preview", "--expect-no-changes"], "the second preview (--expect-no-changes)");
        const calls = demo.emulator.requests().length - before;
        item(`no changes (1 listener unchanged; the check cost ${calls} API call${calls === 1 ? "" : "s"})`);

        step(4, "Destroy");
        const destroyed = await pulumi(dir, ["destroy"]);
        for (const s of cliSteps(destroyed, ["deleted"])) item(`- ${s.op} ${s.name} (${outputs.listenerId})`);
        return { listenerId: outputs.listenerId, live };
    } finally {
        await dir.pulumi(["stack", "rm", "--yes", "--force", STACK]);
        fs.rmSync(stackFile, { force: true });
        dir.close();
    }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
    const started = Date.now();
    say("SLB TCP listener demo: the root Pulumi program against a local SLB API emulator.");
    const found = skipRequested() ? undefined : locateCli();
    const cli = found?.languageHost ? found : undefined;
    say(cli ? `Engine: the real Pulumi engine, ${describeCli(cli)}, ${describeEngineMode(engineModeOf())}; the root program runs as a directory program (pulumi preview / up in the checkout).`
        : found ? `Engine: the built-in engine harness (tests/harness). ${describeCli(found)} has no Node.js language host to run the program with: ` +
          "install the Pulumi CLI's official distribution, or run `node dist/scripts/pulumi-cli.js` (npm test does), which installs our stand-in."
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
        say(`\nDone in ${seconds} s (${cli ? "real Pulumi engine, directory program" : "engine harness"}): ${listenerId} was created (${live.status}), unchanged on re-check, and destroyed.`);
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
