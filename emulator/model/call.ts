// One action invocation as the action modules see it: parameters, the caller's account+region state,
// the request time, and the "one change per load balancer" lock (reference §3 busy codes).
import { ActionContext, ModelTimings } from "../types";
import { Errors } from "../errors";
import { Params } from "./params";
import { LoadBalancerRecord, RegionState, Store, getOwn } from "./store";

/** The shared pieces of the model an action may use. */
export interface ModelRuntime {
    store: Store;
    /** Load balancers with a configuration change in flight (not part of snapshots: it is not state). */
    busy: Set<string>;
    timings: ModelTimings;
    now(): number;
}

export class Call {
    readonly p: Params;
    /** Request time, read once so one action sees one consistent instant. */
    readonly now: number;
    /** Set by actions that changed state: the model then notifies onChange and spends changeMs. */
    mutated = false;
    private readonly held: string[] = [];

    constructor(
        private readonly rt: ModelRuntime,
        readonly ctx: ActionContext,
    ) {
        this.p = new Params(ctx.params);
        this.now = rt.now();
    }

    get accountId(): string {
        return this.ctx.accountId;
    }

    get regionId(): string {
        return this.ctx.regionId;
    }

    get timings(): ModelTimings {
        return this.rt.timings;
    }

    /** Region state for lookups (an empty region is not materialised). */
    region(): RegionState {
        return this.rt.store.read(this.accountId, this.regionId);
    }

    /** Region state for adding new top-level resources. */
    regionForWrite(): RegionState {
        return this.rt.store.write(this.accountId, this.regionId);
    }

    /** The load balancer in the caller's account and region, or 404 InvalidLoadBalancerId.NotFound. */
    loadBalancer(id: string): LoadBalancerRecord {
        const lb = getOwn(this.region().loadBalancers, id);
        if (!lb) throw Errors.loadBalancerNotFound();
        return lb;
    }

    /**
     * Claims the load balancers for this change; fails with OperationBusy if any is already changing.
     * Claims are all-or-nothing and are released by the model when the call ends.
     */
    occupy(...lbIds: string[]): void {
        const keys = [...new Set(lbIds)].map((id) => `${this.accountId}\u0000${this.regionId}\u0000${id}`);
        if (keys.some((k) => this.rt.busy.has(k) && !this.held.includes(k))) throw Errors.operationBusy();
        for (const k of keys) {
            if (!this.held.includes(k)) {
                this.rt.busy.add(k);
                this.held.push(k);
            }
        }
    }

    changed(): void {
        this.mutated = true;
    }

    release(): void {
        for (const k of this.held.splice(0)) this.rt.busy.delete(k);
    }
}

export type ActionHandler = (call: Call) => Record<string, unknown>;
