// The shared set-up of the real-engine suites: the CLI (or a loud skip), one emulator per file, a load balancer
// per scenario, stacks configured as a user configures them (secret key as a secret), read-back through the SDK,
// and the secret watch: after each file every CLI output, event, exported state and backend file is scanned for
// the access-key secret.
import { randomBytes } from "crypto";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { Emulator, startEmulator } from "../../emulator";
import { TcpListener, TcpListenerArgs } from "../../provider";
import { HOW_TO_GET_ONE, PulumiCli, SKIP_ENV, describeCli as cliDescription, locateCli, skipRequested } from "../../scripts/pulumi-cli";
import { limiter } from "../support/limiter";
import { LiveListener, listenerPorts, readListener, tagsOf } from "../support/listeners";
import { SlbClient, slbClient } from "../support/slb-client";
import { providerConfig } from "../support/stack-config";
import { FAST_TIMINGS } from "../support/timing";
import { ProjectDir } from "./directory";
import { CliStack, Program, RunResult, StackOptions } from "./stack";

export { FAST_TIMINGS, LiveListener, tagsOf };

export const REGION = "cn-hangzhou";
export const ACCESS_KEY_ID = "cli-test-key";
/** Random per run, so that a hit in the scan cannot be a coincidence. */
export const SECRET = `cli-secret-${randomBytes(16).toString("hex")}`;
export const PROJECT = "slb-cli";

let cliNoticePrinted = false;

/**
 * `describe` for a suite that needs the real engine. With SLB_LISTENER_SKIP_CLI set it registers the suite as
 * pending and prints a notice; without a usable CLI (mocha run directly, no `npm test`) it fails, saying how to
 * get one. Never a silent skip.
 */
export function describeWithCli(title: string, body: (cli: () => PulumiCli) => void, timeoutMs = 180_000): void {
    if (skipRequested()) {
        if (!cliNoticePrinted) console.log(`\n  !! ${SKIP_ENV} is set: the real-engine suites (tests/cli) are skipped\n`);
        cliNoticePrinted = true;
        describe.skip(`${title} [skipped: ${SKIP_ENV}]`, () => body(() => { throw new Error("skipped"); }));
        return;
    }
    const cli = locateCli();
    if (!cli) {
        describe(title, () => it("needs the Pulumi CLI", () => { throw new Error(`${HOW_TO_GET_ONE}\n(npm test obtains it before mocha runs.)`); }));
        return;
    }
    if (!cliNoticePrinted) console.log(`\n  real engine: ${cliDescription(cli)}`);
    cliNoticePrinted = true;
    describe(title, function () {
        this.timeout(timeoutMs);
        body(() => cli);
    });
}

export type Spec = Partial<TcpListenerArgs> & { listenerPort: number };

/** A secret the labs' scan looks for, with the name its finding is shown under (never the value). */
export interface WatchedSecret {
    readonly name: string;
    readonly value: string;
}

/**
 * What every lab of tests/cli shares: one emulator for a test file, a client for it, the stacks and project
 * directories made, reads of the emulator, and the secret scan over everything the CLI printed or stored.
 */
export abstract class EmulatorLab {
    readonly stacks: CliStack[] = [];
    /** Project directories driven with plain `pulumi` commands (directory programs). */
    readonly dirs: ProjectDir[] = [];
    protected constructor(readonly cli: PulumiCli, readonly emulator: Emulator, readonly slb: SlbClient) {}

    /** The secrets no CLI output or stored file may contain. */
    protected abstract watched(): readonly WatchedSecret[];

    listener(lbId: string, port: number, region = REGION): Promise<LiveListener | undefined> {
        return readListener(this.slb, lbId, port, region);
    }

    ports(lbId: string, region = REGION): Promise<number[]> {
        return listenerPorts(this.slb, lbId, region);
    }

    /** Calls on one load balancer (the request log is shared by the file's scenarios), after the mark `since`. */
    calls(lbId: string, action?: string, since = 0) {
        return callsOn(this.emulator, lbId, action, since);
    }

    /** The request log's position now, for `calls(..., since)`. */
    mark(): number {
        return requestMark(this.emulator);
    }

    /** Every text the CLI runs of this lab produced or stored that contains a watched secret, as "where: context". */
    leaks(): string[] {
        const found: string[] = [];
        const scan = (where: string, text: string) => {
            for (const secret of this.watched()) {
                const at = text.indexOf(secret.value);
                if (at >= 0) found.push(`${where}: ...${text.slice(Math.max(0, at - 60), at).replace(/\s+/g, " ")}<${secret.name}>...`);
            }
        };
        for (const s of this.stacks) {
            for (const r of s.runs) {
                scan(`${s.stackName} ${r.command} stdout`, r.stdout);
                scan(`${s.stackName} ${r.command} stderr`, r.stderr);
                scan(`${s.stackName} ${r.command} events`, JSON.stringify(r.events));
            }
            for (const f of s.storedFiles()) scan(`${s.stackName} ${f.file}`, f.text);
        }
        for (const d of this.dirs) {
            for (const r of d.runs) scan(`${d.stackName} ${r.command}`, r.stdout + r.stderr);
            for (const f of d.storedFiles()) scan(`${d.stackName} ${f.file}`, f.text);
        }
        return found;
    }

    /** How much the secret scan covered: runs and stored files. */
    scanned(): { runs: number; files: number; bytes: number } {
        let bytes = 0;
        let files = 0;
        let runs = 0;
        for (const s of this.stacks) {
            for (const r of s.runs) {
                runs++;
                bytes += r.stdout.length + r.stderr.length + JSON.stringify(r.events).length;
            }
            for (const f of s.storedFiles()) {
                files++;
                bytes += f.text.length;
            }
        }
        for (const d of this.dirs) {
            runs += d.runs.length;
            bytes += d.runs.reduce((n, r) => n + r.stdout.length + r.stderr.length, 0);
            for (const f of d.storedFiles()) {
                files++;
                bytes += f.text.length;
            }
        }
        return { runs, files, bytes };
    }

    async close(): Promise<void> {
        await this.emulator.close();
        if (!process.env.SLB_LISTENER_KEEP_CLI_WORK) for (const s of this.stacks) s.close();
        for (const d of this.dirs) d.close();
    }
}

/**
 * Registers a file's lab: started before the suite, and after it the secret scan over everything the CLI printed
 * or stored, then closed. Returns a getter.
 */
export function useLab<L extends EmulatorLab>(start: () => Promise<L>): () => L {
    let lab: L | undefined;
    before(async () => {
        lab = await start();
    });
    after(async function () {
        if (!lab) return;
        try {
            expect(lab.leaks(), "a secret key appears in CLI output or stored files").to.deep.equal([]);
        } finally {
            await lab.close();
        }
    });
    return () => lab!;
}

/** One emulator for a test file with one key; scenarios take a load balancer each and make their own stacks. */
export class CliLab extends EmulatorLab {
    static async start(cli: PulumiCli, timings = FAST_TIMINGS): Promise<CliLab> {
        const emulator = await startEmulator({ timings, accounts: [{ accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET }] });
        return new CliLab(cli, emulator, slbClient(emulator.endpoint, { accessKeyId: ACCESS_KEY_ID, accessKeySecret: SECRET }));
    }

    protected watched(): readonly WatchedSecret[] {
        return [{ name: "SECRET", value: SECRET }];
    }

    async loadBalancer(name = "cli"): Promise<string> {
        const lb = await this.slb.call("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: name });
        return String(lb.LoadBalancerId);
    }

    /** The config a user sets for this emulator; the secret key with `--secret`. */
    config(extra: Record<string, string> = {}): Record<string, { value: string; secret?: boolean }> {
        return providerConfig({ endpoint: this.emulator.endpoint, accessKeyId: ACCESS_KEY_ID, secretKey: SECRET, region: REGION }, extra);
    }

    async stack(program: Program, o: { project?: string; stack?: string; config?: Record<string, string>; label?: string;
        settings?: StackOptions["settings"] } = {}): Promise<CliStack> {
        const s = await CliStack.create({
            cli: this.cli, project: o.project ?? PROJECT, stack: o.stack, program, config: this.config(o.config), label: o.label, settings: o.settings,
        });
        this.stacks.push(s);
        return s;
    }

    /** A project directory for plain `pulumi` commands, covered by the secret scan; `copy` fills it. */
    dir(label: string, copy?: (projectDir: string) => void): ProjectDir {
        const d = ProjectDir.create(this.cli, label, "project", copy);
        this.dirs.push(d);
        return d;
    }
}

/** The file's CliLab (see useLab). */
export function useCliLab(cli: () => PulumiCli, timings = FAST_TIMINGS): () => CliLab {
    return useLab(() => CliLab.start(cli(), timings));
}

/** A program with one TcpListener per entry (defaults: backend port 8080, unlimited bandwidth). */
export function listeners(lbId: string, specs: Record<string, Spec>, opts: Record<string, pulumi.CustomResourceOptions> = {}): () => Record<string, unknown> {
    return () => {
        const ids: Record<string, pulumi.Output<string>> = {};
        for (const [name, spec] of Object.entries(specs)) {
            ids[name] = new TcpListener(name, { loadBalancerId: lbId, backendServerPort: 8080, bandwidth: -1, ...spec }, opts[name]).id;
        }
        return ids;
    };
}

export const idOf = (lbId: string, port: number) => `${lbId}:tcp:${port}`;

/** Asserts that a run succeeded, showing its output when not. */
export function expectOk(r: RunResult): void {
    expect(r.ok, `${r.command} exited with ${r.exitCode}\n${r.stdout}\n${r.stderr}`).to.equal(true);
}

/** The drift lines (`<id>: <input> is <live>, want <desired>`) the engine showed. */
export function driftLines(r: RunResult): string[] {
    return r.diagnostics.map((d) => d.message.trim()).filter((m) => /^\S+:tcp:\d+: \S+ is .*, want .*/.test(m));
}

/** Calls on one load balancer in an emulator's request log (shared by a file's scenarios), after the mark `since`. */
export function callsOn(emulator: Emulator, lbId: string, action?: string, since = 0) {
    return emulator.requests().filter((r) => r.seq > since && r.params.LoadBalancerId === lbId && (!action || r.action === action));
}

/** The request log's position now, for `callsOn(..., since)`. */
export function requestMark(emulator: Emulator): number {
    return emulator.requests().at(-1)?.seq ?? 0;
}

/** A file's Concurrent scenarios: started before its tests (at most `limit` at once), waited for after them. */
export function concurrentScenarios(limit: number, settleTimeoutMs = 300_000): Concurrent {
    const scenarios = new Concurrent();
    before(() => scenarios.start(limit));
    after(async function () {
        this.timeout(settleTimeoutMs);
        await scenarios.settle();
    });
    return scenarios;
}

/**
 * Scenarios that run at the same time (each on its own load balancer and stack) and are reported one by one:
 * `start()` in a before hook launches all of them, each `it` awaits its own.
 */
export class Concurrent {
    private readonly bodies = new Map<string, () => Promise<void>>();
    private readonly running = new Map<string, Promise<void>>();

    scenario(title: string, body: () => Promise<void>): void {
        this.bodies.set(title, body);
        it(title, async () => {
            const p = this.running.get(title);
            if (!p) throw new Error(`scenario "${title}" was not started`);
            await p;
        });
    }

    /** Launches every scenario; at most `limit` at once (the machine has few cores). */
    start(limit: number): void {
        const inTurn = limiter(limit);
        for (const [title, body] of this.bodies) {
            const p = inTurn(body);
            p.catch(() => undefined); // reported by its own `it`
            this.running.set(title, p);
        }
    }

    /** Waits for all (so the file's after hook closes nothing in use). */
    async settle(): Promise<void> {
        await Promise.allSettled(this.running.values());
    }
}
