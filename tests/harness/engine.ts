// The engine's step logic for dynamic resources (reference §1.4-1.9, §2c): preview / up / refresh / destroy over a
// state file, driving one fresh provider host per operation (as each `pulumi` command starts its own plugin).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type * as pulumi from "@pulumi/pulumi";
import { ConfigValue, PropertyMap, changedKeys, isSecretConfig, toProgram, toWire, wrapSecret } from "./encoding";
import { CheckFailure, PartialFailure, ProviderHost, RpcRecord } from "./host";
import { Program, runProgram } from "./program";
import { ResourceState, StateFile, readStateFile, writeStateFile } from "./state";

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

class StepError extends Error {}

function findRepoRoot(): string {
    let dir = __dirname;
    while (!fs.existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
    return dir;
}

function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
    let active = 0;
    const queue: Array<() => void> = [];
    return async (fn) => {
        if (active >= max) await new Promise<void>((r) => queue.push(r));
        active++;
        try {
            return await fn();
        } finally {
            active--;
            queue.shift()?.();
        }
    };
}

interface Slot {
    current?: ResourceState;
    /** The old half of a create-before-delete replacement, deleted after the program completes. */
    replaced?: ResourceState;
}

/** Per-operation bookkeeping; `snapshot()` is what gets written to the state file after every change. */
class Op {
    readonly steps: Array<Step & { order: number }> = [];
    readonly failures: Failure[] = [];
    readonly errors: OperationError[] = [];
    readonly slots: Slot[] = [];
    readonly live = new Map<string, ResourceState>();
    remaining: ResourceState[];
    aborted = false;
    constructor(readonly engine: Engine, readonly host: ProviderHost, readonly state: StateFile) {
        this.remaining = [...state.resources];
        for (const r of state.resources) if (!r.pendingDelete) this.live.set(r.urn, r);
    }
    save(): void {
        const resources = this.slots.flatMap((s) => [s.replaced, s.current].filter((r): r is ResourceState => !!r));
        this.engine.writeState({ ...this.state, resources: [...resources, ...this.remaining] });
    }
    step(order: number, s: Step): void {
        this.steps.push({ ...s, order });
    }
    fail(urn: string | undefined, e: unknown): void {
        this.aborted = true;
        if (!(e instanceof StepError)) this.errors.push({ urn, message: e instanceof Error ? e.message : String(e) });
    }
    result(outputs: Record<string, unknown>): OperationResult {
        const steps = [...this.steps].sort((a, b) => a.order - b.order).map(({ order: _o, ...s }) => s);
        return {
            steps, outputs, failures: this.failures, errors: this.errors,
            diagnostics: [...this.host.stderr], stdout: [...this.host.stdout], rpcs: this.host.rpcs,
            changes: steps.some((s) => s.op !== "same"),
            ok: this.failures.length === 0 && this.errors.length === 0,
        };
    }
}

export class Engine {
    readonly projectDir: string;
    readonly project: string;
    readonly stack: string;
    readonly statePath: string;

    constructor(private readonly opts: EngineOptions = {}) {
        this.projectDir = path.resolve(opts.projectDir ?? findRepoRoot());
        const yaml = path.join(this.projectDir, "Pulumi.yaml");
        const name = fs.existsSync(yaml) ? /^name:\s*["']?([^"'\s#]+)/m.exec(fs.readFileSync(yaml, "utf8"))?.[1] : undefined;
        this.project = opts.project ?? name ?? "project";
        this.stack = opts.stack ?? "dev";
        this.statePath = opts.statePath ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), "harness-")), "state.json");
    }

    /** The state as the engine holds it in memory (secrets revealed). */
    readState(): StateFile {
        return readStateFile(this.statePath, this.project, this.stack);
    }
    writeState(state: StateFile): void {
        writeStateFile(this.statePath, state);
    }

    urn(type: string, name: string): string {
        return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
    }

    /** Check and Diff only: never Create/Update/Delete. Returns the planned steps. */
    preview(program: Program, o: OperationOptions = {}): Promise<OperationResult> {
        return this.deploy(program, true, o);
    }
    /** Check -> Diff -> create / update / replace / same per registration, then deletes. */
    up(program: Program, o: OperationOptions = {}): Promise<OperationResult> {
        return this.deploy(program, false, o);
    }

    /** Read every resource in state; an empty id drops it; returned inputs replace stored inputs. */
    refresh(o: OperationOptions = {}): Promise<OperationResult> {
        return this.withHost(o, async (op) => {
            const limit = limiter(this.opts.parallel ?? Infinity);
            const refreshed: Array<ResourceState | undefined> = [];
            await Promise.all(op.state.resources.map((r, i) => limit(async () => {
                try {
                    const res = await op.host.read(r.urn, r.id, r.outputs, r.inputs);
                    if (!res.id) {
                        op.step(i, { urn: r.urn, name: r.name, op: "refresh-delete", id: r.id });
                        return;
                    }
                    const next = { ...r, id: res.id, outputs: res.properties, inputs: res.inputs ?? r.inputs };
                    const changed = [...changedKeys(r.outputs, next.outputs), ...changedKeys(r.inputs, next.inputs).map((k) => `inputs.${k}`)];
                    refreshed[i] = next;
                    op.step(i, { urn: r.urn, name: r.name, op: "read", id: res.id, detail: changed.length ? `changed: ${changed.join(", ")}` : undefined });
                } catch (e) {
                    refreshed[i] = r;
                    op.fail(r.urn, e);
                }
            })));
            this.writeState({ ...op.state, resources: refreshed.filter((r): r is ResourceState => !!r) });
            const result = op.result({});
            return { ...result, changes: result.steps.some((s) => s.op === "refresh-delete" || s.detail !== undefined) };
        });
    }

    /** Delete every resource in reverse order; stops at the first error (state written so far is kept). */
    destroy(o: OperationOptions = {}): Promise<OperationResult> {
        return this.withHost(o, async (op) => {
            const order = [...op.state.resources].reverse();
            for (const [i, r] of order.entries()) {
                try {
                    await op.host.delete(r.urn, r.id, r.outputs, r.inputs);
                } catch (e) {
                    op.fail(r.urn, e);
                    break;
                }
                op.remaining = op.remaining.filter((x) => x !== r);
                op.save();
                op.step(i, { urn: r.urn, name: r.name, op: "delete", id: r.id });
            }
            return op.result({});
        });
    }

    private async withHost(o: OperationOptions, body: (op: Op) => Promise<OperationResult>): Promise<OperationResult> {
        const config = this.opts.config ?? {};
        const plain = Object.fromEntries(Object.entries(config).map(([k, v]) => [k, isSecretConfig(v) ? v.secret : v]));
        const host = await ProviderHost.start({
            cwd: this.projectDir,
            rpcTimeoutMs: this.opts.rpcTimeoutMs,
            env: {
                PULUMI_NODEJS_PROJECT: this.project,
                PULUMI_NODEJS_STACK: this.stack,
                PULUMI_PROJECT: this.project,
                PULUMI_CONFIG: JSON.stringify(plain),
                ...this.opts.env,
                ...o.env,
            },
        });
        try {
            await host.getPluginInfo();
            // The default pulumi-nodejs provider gets the whole stack config, secure values wrapped as secrets.
            await host.configure(Object.fromEntries(Object.entries(config).map(([k, v]) => [k, isSecretConfig(v) ? wrapSecret(v.secret) : v])));
            return await body(new Op(this, host, this.readState()));
        } finally {
            await host.stop();
        }
    }

    private deploy(program: Program, preview: boolean, o: OperationOptions): Promise<OperationResult> {
        return this.withHost(o, async (op) => {
            const limit = limiter(this.opts.parallel ?? Infinity);
            const config = this.opts.config ?? {};
            const { outputs, error } = await runProgram(program, {
                project: this.project, stack: this.stack, preview,
                config: Object.fromEntries(Object.entries(config).map(([k, v]) => [k, isSecretConfig(v) ? v.secret : v])),
                secretKeys: Object.keys(config).filter((k) => isSecretConfig(config[k])),
                onRegister: async (args) => {
                    if (!DYNAMIC_TYPE.test(args.type)) return this.mock({ ...args, preview });
                    const index = op.slots.length;
                    op.slots.push({});
                    const urn = this.urn(args.type, args.name);
                    if (op.aborted) return { id: undefined, state: args.inputs as Record<string, unknown> };
                    try {
                        return await limit(() => this.register(op, index, urn, args, preview));
                    } catch (e) {
                        op.fail(urn, e);
                        if (!preview) op.save();
                        return { id: undefined, state: args.inputs as Record<string, unknown> };
                    }
                },
            });
            if (error) op.fail(undefined, error);
            const order = op.slots.length;
            const deletions = [
                ...op.slots.filter((s) => s.replaced).map((s) => s.replaced as ResourceState),
                ...op.remaining,
            ].reverse();
            if (preview) {
                deletions.forEach((r, i) => op.step(order + i, { urn: r.urn, name: r.name, op: "delete", id: r.id }));
            } else if (!op.aborted) {
                for (const [i, r] of deletions.entries()) {
                    try {
                        await op.host.delete(r.urn, r.id, r.outputs, r.inputs);
                    } catch (e) {
                        op.fail(r.urn, e);
                        break;
                    }
                    const slot = op.slots.find((s) => s.replaced === r);
                    if (slot) slot.replaced = undefined;
                    else {
                        op.remaining = op.remaining.filter((x) => x !== r);
                        op.step(order + i, { urn: r.urn, name: r.name, op: "delete", id: r.id, detail: r.pendingDelete ? "pending delete" : undefined });
                    }
                    op.save();
                }
            }
            return op.result(outputs);
        });
    }

    private async mock(args: MockArgs): Promise<pulumi.runtime.MockResourceResult> {
        if (!args.custom) return { id: undefined, state: args.inputs as Record<string, unknown> };
        if (this.opts.mocks) return this.opts.mocks(args);
        return { id: args.name, state: args.inputs as Record<string, unknown> };
    }

    /** One registration of a dynamic resource: the engine's step generator + step executor. */
    private async register(op: Op, index: number, urn: string, args: pulumi.runtime.MockResourceArgs, preview: boolean):
        Promise<pulumi.runtime.MockResourceResult> {
        if (args.id) throw new Error(`${urn}: read/import of dynamic resources (Resource.get, opts.id/import) is not supported`);
        const old = op.live.get(urn);
        op.live.delete(urn);
        if (op.slots.some((s) => s.current?.urn === urn)) throw new Error(`duplicate resource URN ${urn}`);
        const slot = op.slots[index];
        if (old) {
            slot.current = old;
            op.remaining = op.remaining.filter((r) => r !== old);
        }
        const { props: news, secretKeys } = toWire(args.inputs as Record<string, unknown>);
        const base = { urn, type: args.type, name: args.name, secretKeys: secretKeys.length ? secretKeys : undefined };
        const at = (s: Omit<Step, "urn" | "name">) => op.step(index, { urn, name: args.name, ...s });

        const check = async (olds: PropertyMap): Promise<PropertyMap> => {
            const checked = await op.host.check(urn, olds, news);
            if (checked.failures.length) {
                op.failures.push(...checked.failures.map((f) => ({ urn, name: args.name, ...f })));
                throw new StepError(`${urn}: check failed`);
            }
            return checked.inputs;
        };
        let inputs = await check(old?.inputs ?? {});
        const out = (id: string | undefined, outputs: PropertyMap) => ({ id, state: toProgram(outputs, secretKeys) });

        // Create; a partial failure still records the resource (id, properties, init errors) before rethrowing.
        const create = async (onFailure: (partial: boolean) => void = () => undefined): Promise<ResourceState> => {
            try {
                const res = await op.host.create(urn, inputs);
                slot.current = { ...base, id: res.id, inputs, outputs: res.properties };
                op.save();
                return slot.current;
            } catch (e) {
                if (e instanceof PartialFailure) {
                    slot.current = { ...base, id: e.id, inputs, outputs: e.properties, initErrors: e.reasons };
                }
                onFailure(e instanceof PartialFailure);
                op.save();
                throw e;
            }
        };

        if (!old) {
            at({ op: "create" });
            if (preview) return out(undefined, inputs);
            const created = await create();
            return out(created.id, created.outputs);
        }

        const diff = await op.host.diff(urn, old.id, old.outputs, inputs, old.inputs);
        const keys = changedKeys(old.inputs, inputs);
        // DIFF_UNKNOWN: the engine diffs old vs new inputs itself (step_generator diffResource).
        const changes = diff.changes === "unknown" ? keys.length > 0 : diff.changes === "some";
        const initErrors = !!old.initErrors?.length; // pending init errors force an update
        const detail = [keys.length ? `changed: ${keys.join(", ")}` : "", initErrors ? "init errors" : ""].filter(Boolean).join("; ") || undefined;

        if (changes && diff.replaces.length) {
            const dbr = diff.deleteBeforeReplace;
            at({ op: "replace", id: old.id, replaces: diff.replaces, deleteBeforeReplace: dbr,
                detail: `${dbr ? "delete-before-replace" : "create-before-delete"}; replaces: ${diff.replaces.join(", ")}` });
            // A replacement is a fresh resource: the engine re-runs Check with no olds to recompute defaults.
            inputs = await check({});
            if (preview) return out(undefined, inputs);
            let created: ResourceState;
            if (dbr) {
                await op.host.delete(urn, old.id, old.outputs, old.inputs);
                slot.current = undefined;
                op.save();
                created = await create();
            } else {
                // Create the replacement first; the old resource is deleted after the program completes.
                const pending = { ...old, pendingDelete: true };
                created = await create((partial) => (partial ? (slot.replaced = pending) : (slot.current = old)));
                slot.replaced = pending;
                op.save();
            }
            return out(created.id, created.outputs);
        }
        if (changes || initErrors) {
            at({ op: "update", id: old.id, detail });
            // Preview: providers without preview support hand back the new inputs (provider_plugin.go Update).
            if (preview) return out(old.id, inputs);
            try {
                const outputs = await op.host.update(urn, old.id, old.outputs, inputs, old.inputs);
                slot.current = { ...base, id: old.id, inputs, outputs };
            } catch (e) {
                if (e instanceof PartialFailure) {
                    slot.current = { ...base, id: old.id, inputs, outputs: e.properties, initErrors: e.reasons };
                    op.save();
                }
                throw e;
            }
            op.save();
            return out(old.id, slot.current.outputs);
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
