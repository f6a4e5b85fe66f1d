// The engine's step logic for dynamic resources (reference §1.4-1.9, §2c): preview / up / refresh / destroy over a
// state file, driving one fresh provider host per operation (as each `pulumi` command starts its own plugin).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createRequire } from "module";
import type * as pulumi from "@pulumi/pulumi";
import { ConfigValue, PropertyMap, changedKeys, isSecretConfig, toProgram, toWire, wrapSecret } from "./encoding";
import { CheckFailure, PartialFailure, ProviderHost, RpcRecord } from "./host";
import { Program, runProgram } from "./program";
import { ResourceState, StateFile, readStateFile, writeStateFile } from "./state";
import { limiter } from "../support/limiter";

export type StepOp = "create" | "update" | "replace" | "same" | "delete" | "read" | "refresh-delete";
export interface Step {
    urn: string;
    name: string;
    op: StepOp;
    id?: string;
    /** Human-readable: changed keys, replacement order, "partial failure", ... */
    detail?: string;
    replaces?: string[];
    deleteBeforeReplace?: boolean;
    /** The step was attempted and threw (see `errors`). */
    failed?: boolean;
}
export interface Failure extends CheckFailure {
    urn: string;
    name: string;
}
export interface OperationError {
    urn?: string;
    message: string;
}
export interface OperationResult {
    steps: Step[];
    /** Stack outputs (exports); unknowns appear as the sentinel string, secrets unwrapped. */
    outputs: Record<string, unknown>;
    /** Check failures, all of them (each aborts its resource; the operation fails). */
    failures: Failure[];
    errors: OperationError[];
    /** Provider stderr lines during this operation (drift reports, stack traces). */
    diagnostics: string[];
    /** Provider stdout lines (console.log), port line excluded. */
    stdout: string[];
    /** Every RPC sent, in order (`__provider` omitted). */
    rpcs: RpcRecord[];
    /** Any step other than "same" (for refresh: any drop or changed outputs/inputs). */
    changes: boolean;
    ok: boolean;
}

export interface MockArgs extends pulumi.runtime.MockResourceArgs {
    preview: boolean;
}
/** Handles non-dynamic custom resources; return `id: undefined` in preview to make the id unknown downstream. */
export type MockHandler = (args: MockArgs) => pulumi.runtime.MockResourceResult | Promise<pulumi.runtime.MockResourceResult>;

export interface EngineOptions {
    /** Project directory: provider cwd, `require` root of serialized code, Pulumi.yaml location. Default: repo root. */
    projectDir?: string;
    /** Default: `name:` from <projectDir>/Pulumi.yaml, else "project". */
    project?: string;
    stack?: string;
    /** Stack config with namespaced keys (`alicloud:region`); wrap secret values with `secret()`. */
    config?: Record<string, ConfigValue>;
    /** Extra environment of the provider process. */
    env?: Record<string, string>;
    /** State file. Default: a fresh temp file. */
    statePath?: string;
    /** Max concurrent resource steps; default unbounded (like the engine). 1 = sequential. */
    parallel?: number;
    mocks?: MockHandler;
    rpcTimeoutMs?: number;
}
export interface OperationOptions {
    /** Extra provider env for this operation only (e.g. a fault switch). */
    env?: Record<string, string>;
}

const DYNAMIC_TYPE = /^pulumi-nodejs:dynamic/;
const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));

/** Temp directories of default state files, removed when the process exits (the engine keeps no state here). */
const stateDirs: string[] = [];
process.once("exit", () => {
    for (const dir of stateDirs) fs.rmSync(dir, { recursive: true, force: true });
});
function temporaryStateDir(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "harness-"));
    stateDirs.push(dir);
    return dir;
}

class StepError extends Error {}

function findRepoRoot(): string {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    return dir;
}

interface Slot {
    current?: ResourceState;
    /** The old half of a create-before-delete replacement, deleted after the program completes. */
    replaced?: ResourceState;
}

/** Per-operation bookkeeping. The state file is rewritten after every change, like the engine's checkpoints. */
class Op {
    readonly steps: Array<Step & { order: number }> = [];
    readonly failures: Failure[] = [];
    readonly errors: OperationError[] = [];
    /** One slot per dynamic registration, in arrival order; old resources not (yet) registered stay in `remaining`. */
    readonly slots: Slot[] = [];
    readonly registered = new Set<string>();
    remaining: ResourceState[];
    aborted = false;
    constructor(readonly engine: Engine, readonly host: ProviderHost, readonly state: StateFile) {
        this.remaining = [...state.resources];
    }
    save(): void {
        const resources = this.slots.flatMap((s) => [s.replaced, s.current].filter((r): r is ResourceState => !!r));
        writeStateFile(this.engine.statePath, { ...this.state, resources: [...resources, ...this.remaining] });
    }
    step(order: number, s: Step): void {
        this.steps.push({ ...s, order });
    }
    fail(urn: string | undefined, e: unknown): void {
        this.aborted = true;
        if (!(e instanceof StepError)) this.errors.push({ urn, message: e instanceof Error ? e.message : String(e) });
    }
    /**
     * Deletes like the engine: independent resources in parallel (bounded by `parallel`), started in the given
     * order (reverse creation), saving after each; after the first error no new delete starts. The harness does
     * not track dependencies between dynamic resources, so `parallel: 1` gives strict reverse order.
     */
    async deleteEach(records: ResourceState[], deleted: (r: ResourceState, i: number) => void): Promise<void> {
        const limit = limiter(this.engine.parallelism);
        await Promise.all(records.map((r, i) => limit(async () => {
            if (this.aborted) return;
            try {
                await this.host.delete(r.urn, r.id, r.outputs, r.inputs);
            } catch (e) {
                return this.fail(r.urn, e);
            }
            deleted(r, i);
            this.save();
        })));
    }
    result(outputs: Record<string, unknown>): OperationResult {
        const steps = [...this.steps].sort((a, b) => a.order - b.order).map(({ order: _o, ...s }) => s);
        return {
            steps, outputs, failures: this.failures, errors: this.errors,
            // live arrays of this operation's host: complete once the operation returns (the host is stopped)
            diagnostics: this.host.stderr, stdout: this.host.stdout, rpcs: this.host.rpcs,
            changes: steps.some((s) => s.op !== "same"),
            ok: this.failures.length === 0 && this.errors.length === 0,
        };
    }
}

export class Engine {
    readonly projectDir: string;
    /** Max concurrent resource steps (the engine's --parallel; unbounded by default). */
    get parallelism(): number {
        return this.opts.parallel ?? Infinity;
    }
    readonly project: string;
    readonly stack: string;
    readonly statePath: string;

    /** Project config defaults from Pulumi.yaml (namespaced) overlaid with `opts.config`. */
    private readonly stackConfig: Record<string, ConfigValue>;
    private readonly main?: string;

    constructor(private readonly opts: EngineOptions = {}) {
        this.projectDir = path.resolve(opts.projectDir ?? findRepoRoot());
        const file = path.join(this.projectDir, "Pulumi.yaml");
        const yaml = pulumiRequire("js-yaml") as { load(text: string): unknown };
        const pf = (fs.existsSync(file) ? yaml.load(fs.readFileSync(file, "utf8")) : {}) as
            { name?: string; main?: string; config?: Record<string, unknown> };
        this.project = opts.project ?? pf.name ?? "project";
        this.stack = opts.stack ?? "dev";
        this.main = pf.main;
        this.statePath = opts.statePath ?? path.join(temporaryStateDir(), "state.json");
        const defaults: Record<string, ConfigValue> = {};
        for (const [k, v] of Object.entries(pf.config ?? {})) {
            const value = v !== null && typeof v === "object" ? (v as { default?: unknown; value?: unknown }).default ??
                (v as { value?: unknown }).value : v;
            if (value !== undefined) defaults[k.includes(":") ? k : `${this.project}:${k}`] = typeof value === "string" ? value : JSON.stringify(value);
        }
        this.stackConfig = { ...defaults, ...opts.config };
    }

    /** The state as the engine holds it in memory (secrets revealed). */
    readState(): StateFile {
        return readStateFile(this.statePath, this.project, this.stack);
    }

    urn(type: string, name: string): string {
        return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
    }

    /** Check and Diff only: never Create/Update/Delete. Returns the planned steps. Default program: the project's. */
    preview(program?: Program, o: OperationOptions = {}): Promise<OperationResult> {
        return this.deploy(program ?? path.resolve(this.projectDir, this.main ?? "."), true, o);
    }

    /** Check -> Diff -> create / update / replace / same per registration, then deletes. */
    up(program?: Program, o: OperationOptions = {}): Promise<OperationResult> {
        return this.deploy(program ?? path.resolve(this.projectDir, this.main ?? "."), false, o);
    }

    /** Read every resource in state; an empty id drops it; returned inputs replace stored inputs. */
    refresh(o: OperationOptions = {}): Promise<OperationResult> {
        return this.withHost(o, async (op) => {
            const limit = limiter(this.parallelism);
            const refreshed = [...op.state.resources] as Array<ResourceState | undefined>;
            await Promise.all(op.state.resources.map((r, i) => limit(async () => {
                try {
                    const res = await op.host.read(r.urn, r.id, r.outputs, r.inputs);
                    if (!res.id) {
                        refreshed[i] = undefined;
                        return op.step(i, { urn: r.urn, name: r.name, op: "refresh-delete", id: r.id });
                    }
                    // A successful read also clears init errors (step.go RefreshStep).
                    const next = refreshed[i] = { ...r, id: res.id, outputs: res.properties, inputs: res.inputs ?? r.inputs, initErrors: undefined };
                    const changed = [...changedKeys(r.outputs, next.outputs), ...changedKeys(r.inputs, next.inputs).map((k) => `inputs.${k}`)];
                    op.step(i, { urn: r.urn, name: r.name, op: "read", id: res.id, detail: changed.length ? `changed: ${changed.join(", ")}` : undefined });
                } catch (e) {
                    op.fail(r.urn, e);
                }
            })));
            writeStateFile(this.statePath, { ...op.state, resources: refreshed.filter((r): r is ResourceState => !!r) });
            const result = op.result({});
            return { ...result, changes: result.steps.some((s) => s.op === "refresh-delete" || s.detail !== undefined) };
        });
    }

    /** Delete every resource in reverse order; stops at the first error (state written so far is kept). */
    destroy(o: OperationOptions = {}): Promise<OperationResult> {
        return this.withHost(o, async (op) => {
            await op.deleteEach([...op.remaining].reverse(), (r, i) => {
                op.remaining = op.remaining.filter((x) => x !== r);
                op.step(i, { urn: r.urn, name: r.name, op: "delete", id: r.id });
            });
            return op.result({});
        });
    }

    /** Stack config as the program sees it (plain) or as Configure receives it (secure values wrapped). */
    private config(wrapSecrets: boolean): PropertyMap {
        return Object.fromEntries(Object.entries(this.stackConfig)
            .map(([k, v]) => [k, isSecretConfig(v) ? (wrapSecrets ? wrapSecret(v.secret) : v.secret) : v]));
    }

    private async withHost(o: OperationOptions, body: (op: Op) => Promise<OperationResult>): Promise<OperationResult> {
        const host = await ProviderHost.start({
            cwd: this.projectDir,
            rpcTimeoutMs: this.opts.rpcTimeoutMs,
            env: {
                PULUMI_NODEJS_PROJECT: this.project,
                PULUMI_NODEJS_STACK: this.stack,
                PULUMI_PROJECT: this.project,
                PULUMI_CONFIG: JSON.stringify(this.config(false)),
                ...this.opts.env,
                ...o.env,
            },
        });
        try {
            await host.getPluginInfo();
            // The default pulumi-nodejs provider gets the whole stack config, namespaced keys, secrets wrapped.
            await host.configure(this.config(true));
            return await body(new Op(this, host, this.readState()));
        } finally {
            await host.stop();
        }
    }

    private deploy(program: Program, preview: boolean, o: OperationOptions): Promise<OperationResult> {
        return this.withHost(o, async (op) => {
            const limit = limiter(this.parallelism);
            const { outputs, error } = await runProgram(program, {
                project: this.project, stack: this.stack, preview,
                config: this.config(false) as Record<string, string>,
                secretKeys: Object.entries(this.stackConfig).filter(([, v]) => isSecretConfig(v)).map(([k]) => k),
                onRegister: async (args) => {
                    const urn = this.urn(args.type, args.name);
                    // After a failure the engine stops issuing steps; later registrations just get their inputs back.
                    const skip = { id: undefined, state: args.inputs as Record<string, unknown> };
                    if (!DYNAMIC_TYPE.test(args.type)) {
                        return Promise.resolve().then(() => this.mock({ ...args, preview })).catch((e: unknown) => {
                            op.fail(urn, e);
                            return skip;
                        });
                    }
                    const index = op.slots.push({}) - 1;
                    if (op.aborted) return skip;
                    try {
                        if (args.id) throw new Error(`${urn}: reading or importing dynamic resources (get, id, import) is not supported`);
                        if (op.registered.has(urn)) throw new Error(`duplicate resource URN ${urn}`);
                        op.registered.add(urn);
                        return await limit(() => this.register(op, index, urn, args, preview));
                    } catch (e) {
                        op.fail(urn, e);
                        op.steps.filter((st) => st.order === index).forEach((st) => (st.failed = true));
                        if (!preview) op.save();
                        return skip;
                    }
                },
            });
            if (error) op.fail(undefined, error);
            // Deletes run after the program: replaced (create-before-delete) and unregistered resources, reverse order.
            const deletions = [...op.slots.flatMap((s) => (s.replaced ? [s.replaced] : [])), ...op.remaining].reverse();
            const order = op.slots.length;
            const stepFor = (r: ResourceState, i: number) =>
                op.step(order + i, { urn: r.urn, name: r.name, op: "delete", id: r.id, detail: r.pendingDelete ? "pending delete" : undefined });
            if (preview) deletions.forEach(stepFor);
            else if (!op.aborted) {
                await op.deleteEach(deletions, (r, i) => {
                    const slot = op.slots.find((s) => s.replaced === r);
                    if (slot) slot.replaced = undefined; // part of its "replace" step
                    else {
                        op.remaining = op.remaining.filter((x) => x !== r);
                        stepFor(r, i);
                    }
                });
            }
            return op.result(outputs);
        });
    }

    private async mock(args: MockArgs): Promise<pulumi.runtime.MockResourceResult> {
        if (!args.custom) return { id: undefined, state: args.inputs as Record<string, unknown> };
        if (this.opts.mocks) return this.opts.mocks(args);
        return { id: args.name, state: args.inputs as Record<string, unknown> };
    }

    /** One registration of a dynamic resource: the engine's step generator + step executor (step_generator.go). */
    private async register(op: Op, index: number, urn: string, args: pulumi.runtime.MockResourceArgs, preview: boolean):
        Promise<pulumi.runtime.MockResourceResult> {
        const slot = op.slots[index];
        const old = op.remaining.find((r) => r.urn === urn && !r.pendingDelete);
        if (old) {
            slot.current = old; // until a step replaces it, the old state stays where this resource now sits
            op.remaining = op.remaining.filter((r) => r !== old);
        }
        const { props: news, secretKeys } = toWire(args.inputs as Record<string, unknown>);
        const base = { urn, type: args.type, name: args.name, secretKeys: secretKeys.length ? secretKeys : undefined };
        const at = (s: Omit<Step, "urn" | "name">) => op.step(index, { urn, name: args.name, ...s });
        const out = (id: string | undefined, outputs: PropertyMap) => ({ id, state: toProgram(outputs, secretKeys) });
        const check = async (olds: PropertyMap): Promise<PropertyMap> => {
            const checked = await op.host.check(urn, olds, news);
            if (!checked.failures.length) return checked.inputs;
            op.failures.push(...checked.failures.map((f) => ({ urn, name: args.name, ...f })));
            throw new StepError(`${urn}: check failed`);
        };
        // Runs a create/update; a partial failure (ErrorResourceInitFailed) is recorded with its id, properties and
        // init errors before the error fails the operation.
        const apply = async (id: string | undefined, call: () => Promise<{ id: string; outputs: PropertyMap }>,
            onFailure: (partial: boolean) => void = () => undefined) => {
            try {
                const res = await call();
                slot.current = { ...base, id: res.id, inputs, outputs: res.outputs };
                op.save();
                return out(res.id, res.outputs);
            } catch (e) {
                const partial = e instanceof PartialFailure;
                if (partial) slot.current = { ...base, id: id ?? e.id, inputs, outputs: e.properties, initErrors: e.reasons };
                onFailure(partial);
                op.save();
                throw e;
            }
        };
        const create = (onFailure?: (partial: boolean) => void) => apply(undefined, async () => {
            const res = await op.host.create(urn, inputs);
            return { id: res.id, outputs: res.properties };
        }, onFailure);

        let inputs = await check(old?.inputs ?? {});
        if (!old) {
            at({ op: "create" });
            return preview ? out(undefined, inputs) : await create();
        }

        const diff = await op.host.diff(urn, old.id, old.outputs, inputs, old.inputs);
        const keys = changedKeys(old.inputs, inputs);
        // DIFF_UNKNOWN: the engine diffs old vs new inputs itself (diffResource).
        const changes = diff.changes === "unknown" ? keys.length > 0 : diff.changes === "some";
        const initErrors = !!old.initErrors?.length; // pending init errors force an (empty) update
        if (changes && diff.replaces.length) {
            const dbr = diff.deleteBeforeReplace;
            at({ op: "replace", id: old.id, replaces: diff.replaces, deleteBeforeReplace: dbr,
                detail: `${dbr ? "delete-before-replace" : "create-before-delete"}; replaces: ${diff.replaces.join(", ")}` });
            inputs = await check({}); // a replacement is new: the engine re-checks without olds to recompute defaults
            if (preview) return out(undefined, inputs);
            if (dbr) {
                await op.host.delete(urn, old.id, old.outputs, old.inputs);
                slot.current = undefined;
                op.save();
                return await create();
            }
            // Create first; the old resource is deleted after the program completes.
            const pending = { ...old, pendingDelete: true };
            const res = await create((partial) => (partial ? (slot.replaced = pending) : (slot.current = old)));
            slot.replaced = pending;
            op.save();
            return res;
        }
        if (changes || initErrors) {
            at({ op: "update", id: old.id, detail: [keys.length ? `changed: ${keys.join(", ")}` : "", initErrors ? "init errors" : ""].filter(Boolean).join("; ") || undefined });
            // Preview: a provider without preview support hands back the new inputs (provider_plugin.go Update).
            if (preview) return out(old.id, inputs);
            return await apply(old.id, async () => ({ id: old.id, outputs: await op.host.update(urn, old.id, old.outputs, inputs, old.inputs) }));
        }
        // Same: keep the old outputs, including the old __provider (step.go SameStep).
        at({ op: "same", id: old.id });
        if (!preview) {
            slot.current = { ...base, id: old.id, inputs, outputs: old.outputs };
            op.save();
        }
        return out(old.id, old.outputs);
    }
}
