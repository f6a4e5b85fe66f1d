// The SlbModel: dispatches an action to its handler, turns anything unexpected into an ApiError, and
// models the duration of a configuration change (the call answers after changeMs while its load
// balancers stay occupied, so a concurrent change on them gets OperationBusy).
import { setTimeout as sleep } from "node:timers/promises";
import { ActionContext, ModelTimings, SlbModel } from "../types";
import { ApiError, Errors } from "../errors";
import { aclActions } from "./acls";
import { ActionHandler, Call, ModelRuntime } from "./call";
import { ModelErrors } from "./errors";
import { listenerActions } from "./listeners";
import { loadBalancerActions } from "./load-balancers";
import { isKnownRegion } from "./regions";
import { serverGroupActions } from "./server-groups";
import { Store, emptyState, getOwn } from "./store";
import { tagActions } from "./tags";
import { tcpListenerActions } from "./tcp-listeners";
import { udpListenerActions } from "./udp-listeners";

const HANDLERS: Record<string, ActionHandler> = {
    ...loadBalancerActions,
    ...tcpListenerActions,
    ...udpListenerActions,
    ...listenerActions,
    ...serverGroupActions,
    ...aclActions,
    ...tagActions,
};

export const ACTIONS: readonly string[] = Object.freeze(Object.keys(HANDLERS));

/** Defaults: transitions and changes short enough for interactive use, long enough to be observable. */
export const DEFAULT_TIMINGS: ModelTimings = { transitionMs: 1000, changeMs: 100 };

export interface SlbModelOptions {
    timings?: Partial<ModelTimings>;
    /** Clock used for every timestamp and status computation (default Date.now). */
    now?: () => number;
}

function checkedTimings(base: ModelTimings, t: Partial<ModelTimings>): ModelTimings {
    const out = { ...base };
    for (const k of ["transitionMs", "changeMs"] as const) {
        const v = (t ?? {})[k];
        if (v === undefined) continue;
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > 3_600_000) {
            throw Errors.invalidParameter(k, "Timings must be numbers of milliseconds between 0 and 3600000.");
        }
        out[k] = v;
    }
    return out;
}

class Model implements SlbModel {
    onChange?: () => void;
    private readonly rt: ModelRuntime;

    constructor(options: SlbModelOptions = {}) {
        this.rt = {
            store: new Store(),
            busy: new Set(),
            timings: checkedTimings(DEFAULT_TIMINGS, options.timings ?? {}),
            now: options.now ?? Date.now,
        };
    }

    hasAction(action: string): boolean {
        return getOwn(HANDLERS, action) !== undefined;
    }

    async handle(ctx: ActionContext): Promise<Record<string, unknown>> {
        const handler = getOwn(HANDLERS, ctx.action);
        if (!handler) throw Errors.invalidAction(String(ctx.action));
        const call = new Call(this.rt, ctx);
        let body: Record<string, unknown>;
        try {
            if (typeof ctx.regionId !== "string" || ctx.regionId === "") throw Errors.missingRegionId();
            if (!isKnownRegion(ctx.regionId)) throw ModelErrors.invalidRegionId();
            if (typeof ctx.accountId !== "string" || ctx.accountId === "") throw Errors.internalError();
            body = handler(call);
        } catch (e) {
            call.release();
            throw e instanceof ApiError ? e : Errors.internalError();
        }
        if (!call.mutated) {
            call.release();
            return body;
        }
        this.notify();
        try {
            // The change is applied; the caller waits for it to "propagate" while its LBs stay busy.
            if (this.rt.timings.changeMs > 0) await sleep(this.rt.timings.changeMs);
        } finally {
            call.release();
        }
        return body;
    }

    snapshot(): unknown {
        return this.rt.store.snapshot();
    }

    restore(snapshot: unknown): void {
        this.rt.store.restore(snapshot);
        this.rt.busy.clear();
        this.notify();
    }

    reset(): void {
        this.rt.store.state = emptyState();
        this.rt.busy.clear();
        this.notify();
    }

    setTimings(timings: Partial<ModelTimings>): void {
        this.rt.timings = checkedTimings(this.rt.timings, timings);
    }

    /** Persistence hooks must not turn a successful API call into a failure. */
    private notify(): void {
        try {
            this.onChange?.();
        } catch {
            // ignored: the state is already changed in memory; the hook's owner reports its own failures
        }
    }
}

export function createSlbModel(options: SlbModelOptions = {}): SlbModel {
    return new Model(options);
}
