// A lifecycle "lab" for tests that deploy real programs through the engine harness against the emulator:
// a fresh emulator with one load balancer, an Engine configured for it (secret key as secret stack config),
// helpers to read the emulator back, and a record of every operation's output and state file so that a test
// (or an afterEach) can check that no credential and no machine-specific path ever shows up.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { Emulator, startEmulator } from "../../emulator";
import { Engine, EngineOptions, OperationResult, Program } from "../harness";
import { LiveListener, listenerPorts, readListener } from "../support/listeners";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, SlbClient, slbClient } from "../support/slb-client";
import { harnessConfig, providerConfig } from "../support/stack-config";
import { FAST_TIMINGS, sleep } from "../support/timing";

export { FAST_TIMINGS, LiveListener };

export const REGION = "cn-hangzhou";
/** What must never appear in state or output. */
export const SECRET = DEFAULT_ACCESS_KEY_SECRET;
/** Largest acceptable `__provider` text (it is stored twice per resource). */
export const PROVIDER_BUDGET_BYTES = 4096;

export type Operation = "preview" | "up" | "refresh" | "destroy";

export interface Recorded {
    operation: Operation;
    result: OperationResult;
    /** The state file's text right after the operation ("" when there is none). */
    stateText: string;
}

export interface LabOptions {
    /** Extra stack config (e.g. the program's own `loadBalancerId`). */
    config?: Record<string, string>;
    /** Engine options other than config (projectDir, statePath, mocks, ...). */
    engine?: Omit<EngineOptions, "config">;
}

export class Lab {
    readonly history: Recorded[] = [];
    private current?: Engine;
    private readonly stateDirs: string[] = [];

    private constructor(readonly emulator: Emulator, readonly slb: SlbClient, readonly lbId: string) {}

    static async start(options: { timings?: typeof FAST_TIMINGS } = {}): Promise<Lab> {
        const emulator = await startEmulator({ timings: options.timings ?? FAST_TIMINGS });
        try {
            const slb = slbClient(emulator.endpoint);
            const lb = await slb.call("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: "lifecycle" });
            emulator.clearRequests();
            return new Lab(emulator, slb, lb.LoadBalancerId as string);
        } catch (e) {
            await emulator.close();
            throw e;
        }
    }

    /** The stack config a user would set for this emulator: region, key id, secret key (secret), endpoint. */
    stackConfig(extra: Record<string, string> = {}) {
        return harnessConfig(providerConfig({ endpoint: this.emulator.endpoint, accessKeyId: DEFAULT_ACCESS_KEY_ID, secretKey: SECRET, region: REGION }, extra));
    }

    /** Creates (and remembers) the engine the operations below use; a fresh state file unless one is given. */
    newEngine(options: LabOptions = {}): Engine {
        this.current = new Engine({ ...options.engine, config: this.stackConfig(options.config) });
        if (!options.engine?.statePath) this.stateDirs.push(path.dirname(this.current.statePath));
        return this.current;
    }

    /** The engine of the last newEngine() call (one with default options if there was none). */
    get engine(): Engine {
        return this.current ?? this.newEngine();
    }

    preview(program: Program): Promise<OperationResult> {
        return this.record("preview", () => this.engine.preview(program));
    }
    up(program: Program): Promise<OperationResult> {
        return this.record("up", () => this.engine.up(program));
    }
    refresh(): Promise<OperationResult> {
        return this.record("refresh", () => this.engine.refresh());
    }
    destroy(): Promise<OperationResult> {
        return this.record("destroy", () => this.engine.destroy());
    }

    private async record(operation: Operation, run: () => Promise<OperationResult>): Promise<OperationResult> {
        const result = await run();
        const file = this.engine.statePath;
        const stateText = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
        this.history.push({ operation, result, stateText });
        return result;
    }

    // ---- the emulator, read back through the API ----

    listener(port: number): Promise<LiveListener | undefined> {
        return readListener(this.slb, this.lbId, port, REGION);
    }

    /** Ports of every listener on the load balancer. */
    ports(): Promise<number[]> {
        return listenerPorts(this.slb, this.lbId, REGION);
    }

    /** Calls since the last clear, optionally of one action. */
    calls(action?: string) {
        return this.emulator.requests().filter((r) => !action || r.action === action);
    }

    async waitForStatus(port: number, status: string, timeoutMs = 5000): Promise<void> {
        const until = Date.now() + timeoutMs;
        for (;;) {
            const live = await this.listener(port);
            if (live?.Status === status) return;
            if (Date.now() > until) throw new Error(`listener ${port} is ${live?.Status ?? "gone"}, not ${status}`);
            await sleep(20);
        }
    }

    // ---- hygiene checks ----

    /** No access-key secret in any state file or output seen so far. */
    assertNoSecretLeaked(): void {
        for (const { operation, result, stateText } of this.history) {
            const output = JSON.stringify({
                steps: result.steps, outputs: result.outputs, failures: result.failures, errors: result.errors,
                diagnostics: result.diagnostics, stdout: result.stdout,
            });
            expect(output.includes(SECRET), `${operation}: the access-key secret appears in the output`).to.equal(false);
            expect(stateText.includes(SECRET), `${operation}: the access-key secret appears in the state file`).to.equal(false);
        }
    }

    /** Every `__provider` ever stored: small, no absolute path, no credential. */
    assertProviderTextClean(): void {
        for (const { operation, stateText } of this.history) {
            for (const text of providerTexts(stateText)) assertCleanProviderText(text, operation);
        }
    }

    /** Closes the emulator and removes the temporary state directories the engines made. */
    async close(): Promise<void> {
        await this.emulator.close();
        for (const dir of this.stateDirs) fs.rmSync(dir, { recursive: true, force: true });
    }
}

/** The `__provider` strings (inputs and outputs) of every resource in a state file's text. */
export function providerTexts(stateText: string): string[] {
    if (!stateText) return [];
    const state = JSON.parse(stateText) as { resources: Array<{ inputs: Record<string, unknown>; outputs: Record<string, unknown> }> };
    return state.resources.flatMap((r) => [r.inputs.__provider, r.outputs.__provider]).filter((t): t is string => typeof t === "string");
}

export function assertCleanProviderText(text: string, where = "state"): void {
    expect(Buffer.byteLength(text, "utf8"), `${where}: __provider size`).to.be.at.most(PROVIDER_BUDGET_BYTES);
    for (const forbidden of ["/work/", "/home/", "/tmp/", SECRET, DEFAULT_ACCESS_KEY_ID]) {
        expect(text.includes(forbidden), `${where}: __provider contains ${JSON.stringify(forbidden)}`).to.equal(false);
    }
}

/**
 * Registers the per-test lab: a fresh one before each test, and after each the checks every scenario owes
 * (no access-key secret anywhere, a clean __provider), then closes it. Returns a getter for the current lab.
 */
export function useLab(): () => Lab {
    let lab: Lab | undefined;
    beforeEach(async () => {
        lab = await Lab.start();
    });
    afterEach(async function () {
        try {
            lab!.assertNoSecretLeaked();
            lab!.assertProviderTextClean();
        } catch (e) {
            // Fail the scenario itself (a throwing afterEach would skip the rest of the suite).
            if (this.currentTest?.state === "passed") (this.test as Mocha.Hook).error(e);
            else console.error(`    also: ${(e as Error).message}`);
        } finally {
            await lab!.close();
        }
    });
    return () => lab!;
}
