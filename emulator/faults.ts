// Fault injection: latency, random transient errors, per-account QPS limits and targeted rules.
// Decisions are made before the model runs, so a faulted call never changes state; a seeded PRNG
// makes a run reproducible (same seed + same sequence of calls = same faults).
import { ApiError, Errors } from "./errors";

export const FAULT_KINDS = ["ServiceUnavailable", "InternalError", "Throttling.User", "SystemBusy", "drop"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** A targeted fault. Matching rules fire in order; the first one that answers (error or drop) wins. */
export interface FaultRule {
    /** Only calls of this action ("*" or absent = any). */
    action?: string;
    /** HTTP status of the injected error (default from the code, else 400). */
    status?: number;
    /** Error code (default from the status, e.g. 503 -> ServiceUnavailable). */
    code?: string;
    message?: string;
    /** Probability that a matching call fires the rule (default 1). */
    rate?: number;
    /** Fire this many times, then the rule is spent (default: unlimited). */
    count?: number;
    /** Delay before answering; a rule with only latencyMs delays the call and lets it through. */
    latencyMs?: number;
    /** Destroy the connection without answering. */
    drop?: boolean;
    /**
     * Run the call first, then answer with the rule's error (or drop the connection): the service did the work but
     * the client never learns it, as when an answer is lost on the way back. A call the model refuses is answered
     * with the model's own error.
     */
    afterApply?: boolean;
}

export interface FaultSettings {
    /** Delay added to every call (of `actions`, when set). */
    latencyMs?: number;
    /** Extra uniformly random delay in [0, jitterMs). */
    jitterMs?: number;
    /** Probability (0..1) of a random transient failure per call. */
    errorRate?: number;
    /** Relative weights of the random failure kinds (default: equal over all but "drop"). */
    errorKinds?: Partial<Record<FaultKind, number>>;
    /** Calls per account per sliding second; calls above it get Throttling.User (0/absent = no limit). */
    qpsLimit?: number;
    /** PRNG seed; when absent one is drawn and reported by getFaults() so a run can be replayed. */
    seed?: number;
    rules?: FaultRule[];
    /** Restricts random errors and latency to these actions. */
    actions?: string[];
}

/** What the server must do with one call. */
export interface FaultDecision {
    delayMs: number;
    error: ApiError | null;
    drop: boolean;
    /** The error or drop comes after the model has applied the call (FaultRule.afterApply). */
    afterApply: boolean;
    /** Kind recorded in the request log and stats; null when the call is not faulted. */
    kind: string | null;
}

export interface FaultStats {
    /** Injected errors and drops (delays are not counted here). */
    total: number;
    /** Random kinds, "qpsLimit", "rule" (error or drop from a rule) and "delayed" (calls given extra latency). */
    byKind: Record<string, number>;
}

export interface FaultState extends FaultSettings {
    seed: number;
    rules: Array<FaultRule & { remaining: number | null }>;
    stats: FaultStats;
}

/** mulberry32: tiny, fast, good enough for test reproducibility. */
export function mulberry32(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}

const KIND_ERRORS: Record<Exclude<FaultKind, "drop">, () => ApiError> = {
    ServiceUnavailable: Errors.serviceUnavailable,
    InternalError: Errors.internalError,
    "Throttling.User": Errors.throttling,
    SystemBusy: Errors.systemBusy,
};

/** Known codes a rule may name without spelling out status and message. */
const KNOWN_CODES: Record<string, () => ApiError> = {
    ...KIND_ERRORS,
    OperationBusy: Errors.operationBusy,
    ServiceIsConfiguring: Errors.serviceIsConfiguring,
    ServiceIsStopping: Errors.serviceIsStopping,
    "OperationFailed.ListenerStatusNotSupport": Errors.listenerStatusNotSupport,
};

const CODE_FOR_STATUS: Record<number, string> = { 500: "InternalError", 503: "ServiceUnavailable", 449: "SystemBusy" };

function ruleError(rule: FaultRule): ApiError {
    const known = rule.code !== undefined ? KNOWN_CODES[rule.code]?.() : undefined;
    const code = rule.code ?? (rule.status !== undefined ? CODE_FOR_STATUS[rule.status] : undefined) ?? "InjectedFault";
    const base = known ?? (KNOWN_CODES[code]?.());
    const status = rule.status ?? base?.status ?? 400;
    return new ApiError(status, code, rule.message ?? base?.message ?? "Injected fault.");
}

// ---- validation (settings arrive from JSON bodies and CLI flags, so check everything) ----

export class FaultSettingsError extends Error {}

function num(v: unknown, name: string, opts: { min?: number; max?: number; int?: boolean } = {}): number | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "number" || !Number.isFinite(v)) throw new FaultSettingsError(`${name} must be a finite number`);
    if (opts.int && !Number.isInteger(v)) throw new FaultSettingsError(`${name} must be an integer`);
    if (opts.min !== undefined && v < opts.min) throw new FaultSettingsError(`${name} must be >= ${opts.min}`);
    if (opts.max !== undefined && v > opts.max) throw new FaultSettingsError(`${name} must be <= ${opts.max}`);
    return v;
}

function str(v: unknown, name: string): string | undefined {
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "string") throw new FaultSettingsError(`${name} must be a string`);
    return v;
}

function onlyKeys(obj: Record<string, unknown>, allowed: readonly string[], name: string): void {
    for (const k of Object.keys(obj)) {
        if (!allowed.includes(k)) throw new FaultSettingsError(`unknown field ${name}.${k} (allowed: ${allowed.join(", ")})`);
    }
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

const SETTING_KEYS = ["latencyMs", "jitterMs", "errorRate", "errorKinds", "qpsLimit", "seed", "rules", "actions"] as const;
const RULE_KEYS = ["action", "status", "code", "message", "rate", "count", "latencyMs", "drop", "afterApply", "remaining"] as const;
const MAX_DELAY_MS = 10 * 60 * 1000;

function dropUndefined<T extends object>(o: T): T {
    for (const k of Object.keys(o) as Array<keyof T>) if (o[k] === undefined) delete o[k];
    return o;
}

/** Checks and normalises settings; throws FaultSettingsError naming the first bad field. */
export function validateFaultSettings(input: unknown): FaultSettings {
    if (input === undefined || input === null) return {};
    if (!isObject(input)) throw new FaultSettingsError("fault settings must be a JSON object");
    // "stats" is accepted (and ignored) so the output of GET /_emulator/faults can be PUT back.
    onlyKeys(input, [...SETTING_KEYS, "stats"], "faults");
    const out: FaultSettings = {
        latencyMs: num(input.latencyMs, "latencyMs", { min: 0, max: MAX_DELAY_MS }),
        jitterMs: num(input.jitterMs, "jitterMs", { min: 0, max: MAX_DELAY_MS }),
        errorRate: num(input.errorRate, "errorRate", { min: 0, max: 1 }),
        qpsLimit: num(input.qpsLimit, "qpsLimit", { min: 0, int: true }),
        seed: num(input.seed, "seed", { int: true }),
    };
    if (input.errorKinds !== undefined && input.errorKinds !== null) {
        if (!isObject(input.errorKinds)) throw new FaultSettingsError("errorKinds must be an object of weights");
        onlyKeys(input.errorKinds, FAULT_KINDS, "errorKinds");
        const kinds: Partial<Record<FaultKind, number>> = {};
        for (const k of FAULT_KINDS) {
            const w = num(input.errorKinds[k], `errorKinds.${k}`, { min: 0 });
            if (w !== undefined) kinds[k] = w;
        }
        out.errorKinds = kinds;
    }
    if (input.actions !== undefined && input.actions !== null) {
        if (!Array.isArray(input.actions) || !input.actions.every((a) => typeof a === "string")) {
            throw new FaultSettingsError("actions must be an array of action names");
        }
        out.actions = [...input.actions];
    }
    if (input.rules !== undefined && input.rules !== null) {
        if (!Array.isArray(input.rules)) throw new FaultSettingsError("rules must be an array");
        out.rules = input.rules.map((r, i) => validateRule(r, `rules[${i}]`));
    }
    return dropUndefined(out);
}

function validateRule(r: unknown, name: string): FaultRule {
    if (!isObject(r)) throw new FaultSettingsError(`${name} must be an object`);
    onlyKeys(r, RULE_KEYS, name);
    for (const flag of ["drop", "afterApply"] as const) {
        if (r[flag] !== undefined && typeof r[flag] !== "boolean") throw new FaultSettingsError(`${name}.${flag} must be a boolean`);
    }
    const rule: FaultRule = {
        action: str(r.action, `${name}.action`),
        status: num(r.status, `${name}.status`, { min: 400, max: 599, int: true }),
        code: str(r.code, `${name}.code`),
        message: str(r.message, `${name}.message`),
        rate: num(r.rate, `${name}.rate`, { min: 0, max: 1 }),
        count: num(r.count, `${name}.count`, { min: 0, int: true }),
        latencyMs: num(r.latencyMs, `${name}.latencyMs`, { min: 0, max: MAX_DELAY_MS }),
        drop: r.drop as boolean | undefined,
        afterApply: r.afterApply as boolean | undefined,
    };
    if (rule.afterApply && !rule.drop && rule.code === undefined && rule.status === undefined) {
        throw new FaultSettingsError(`${name}.afterApply needs drop, code or status: the answer that replaces the real one`);
    }
    if (rule.code === "") throw new FaultSettingsError(`${name}.code must not be empty`);
    return dropUndefined(rule);
}

// ---- the injector ----

function emptyStats(): FaultStats {
    return { total: 0, byKind: {} };
}

export class FaultInjector {
    private settings: FaultSettings = {};
    private seed = 0;
    private rand: () => number = Math.random;
    private remaining: Array<number | null> = [];
    private kindTable: Array<[FaultKind, number]> = [];
    private kindTotal = 0;
    private actionSet: Set<string> | null = null;
    /** Per-account timestamps of admitted calls within the last second (sliding window). */
    private windows = new Map<string, number[]>();
    private stats: FaultStats = emptyStats();

    constructor(settings?: FaultSettings) {
        this.set(settings ?? {});
    }

    /** Replaces all settings (validated), reseeds the PRNG, resets rule counters, QPS windows and stats. */
    set(input: unknown): FaultSettings {
        const s = validateFaultSettings(input);
        this.settings = s;
        this.seed = s.seed ?? Math.floor(Math.random() * 2 ** 31);
        this.rand = mulberry32(this.seed);
        this.remaining = (s.rules ?? []).map((r) => r.count ?? null);
        const weights = s.errorKinds ?? { ServiceUnavailable: 1, InternalError: 1, "Throttling.User": 1, SystemBusy: 1 };
        this.kindTable = FAULT_KINDS.filter((k) => (weights[k] ?? 0) > 0).map((k) => [k, weights[k] as number]);
        this.kindTotal = this.kindTable.reduce((sum, [, w]) => sum + w, 0);
        this.actionSet = s.actions ? new Set(s.actions) : null;
        this.windows.clear();
        this.stats = emptyStats();
        return s;
    }

    get(): FaultState {
        return {
            ...this.settings,
            seed: this.seed,
            rules: (this.settings.rules ?? []).map((r, i) => ({ ...r, remaining: this.remaining[i] })),
            stats: { total: this.stats.total, byKind: { ...this.stats.byKind } },
        };
    }

    /** Decides the fate of one authenticated call. Cheap when no faults are configured. */
    decide(action: string, accountId: string, now: number): FaultDecision {
        const s = this.settings;
        let delayMs = 0;
        let ruleDelayed = false;

        const rules = s.rules;
        if (rules) {
            for (let i = 0; i < rules.length; i++) {
                const rule = rules[i];
                if (rule.action !== undefined && rule.action !== "*" && rule.action !== action) continue;
                if (this.remaining[i] === 0) continue;
                if (rule.rate !== undefined && rule.rate < 1 && this.rand() >= rule.rate) continue;
                if (this.remaining[i] !== null) this.remaining[i] = (this.remaining[i] as number) - 1;
                delayMs += rule.latencyMs ?? 0;
                const afterApply = rule.afterApply === true;
                if (rule.drop) return this.fault({ delayMs, error: null, drop: true, afterApply, kind: "rule" });
                if (rule.code !== undefined || rule.status !== undefined) {
                    return this.fault({ delayMs, error: ruleError(rule), drop: false, afterApply, kind: "rule" });
                }
                ruleDelayed = true; // delay-only rule: keep evaluating
            }
        }

        if (s.qpsLimit) {
            if (!this.admit(accountId, now, s.qpsLimit)) {
                return this.fault({ delayMs, error: Errors.throttling(), drop: false, afterApply: false, kind: "qpsLimit" });
            }
        }

        const targeted = this.actionSet === null || this.actionSet.has(action);
        if (targeted) {
            if (s.latencyMs) delayMs += s.latencyMs;
            if (s.jitterMs) delayMs += this.rand() * s.jitterMs;
        }
        if (ruleDelayed || (targeted && (s.latencyMs || s.jitterMs))) this.count("delayed");

        if (targeted && s.errorRate && this.kindTotal > 0 && this.rand() < s.errorRate) {
            const kind = this.pickKind();
            if (kind === "drop") return this.fault({ delayMs, error: null, drop: true, afterApply: false, kind });
            return this.fault({ delayMs, error: KIND_ERRORS[kind](), drop: false, afterApply: false, kind });
        }
        return { delayMs, error: null, drop: false, afterApply: false, kind: null };
    }

    private pickKind(): FaultKind {
        let x = this.rand() * this.kindTotal;
        for (const [kind, w] of this.kindTable) {
            if (x < w) return kind;
            x -= w;
        }
        return this.kindTable[this.kindTable.length - 1][0];
    }

    /** Sliding one-second window of admitted calls per account. */
    private admit(accountId: string, now: number, limit: number): boolean {
        let w = this.windows.get(accountId);
        if (!w) this.windows.set(accountId, (w = []));
        let drop = 0;
        while (drop < w.length && w[drop] <= now - 1000) drop++;
        if (drop > 0) w.splice(0, drop);
        if (w.length >= limit) return false;
        w.push(now);
        return true;
    }

    private count(kind: string): void {
        this.stats.byKind[kind] = (this.stats.byKind[kind] ?? 0) + 1;
    }

    private fault(d: FaultDecision): FaultDecision {
        this.stats.total++;
        this.count(d.kind as string);
        return d;
    }
}
