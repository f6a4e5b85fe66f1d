// Contracts shared by the emulator's wire layer (server, signatures, faults, admin API) and its model
// (store, actions, status machine). The wire layer authenticates and decodes a request into an
// ActionContext; the model executes the action and returns the response body or throws an ApiError.

/** An account the emulator accepts. Several may be configured; state is kept per account. */
export interface EmulatorAccount {
    accessKeyId: string;
    accessKeySecret: string;
    /** When set, requests must carry this STS token (x-acs-security-token or SecurityToken). */
    securityToken?: string;
    /** Owner id used to partition state; defaults to the access key id. */
    accountId?: string;
    /**
     * Actions this AccessKey's RAM policy does not allow (e.g. ["DescribeLoadBalancerListeners"]): they are
     * answered 403 Forbidden.RAM, as for a key without the `slb:<Action>` permission.
     */
    deniedActions?: string[];
}

/** Everything an action needs to run, already authenticated and decoded. */
export interface ActionContext {
    action: string;
    accountId: string;
    /** The RegionId parameter ("" when absent; actions that need it raise MissingRegionId). */
    regionId: string;
    /** Business parameters, flattened exactly as on the wire (e.g. "Tag.1.Key"), without V1 common params. */
    params: Record<string, string>;
    /** Milliseconds since the epoch, as seen by the model (injectable for tests). */
    now: number;
    requestId: string;
}

/** Timing knobs of the simulated service. */
export interface ModelTimings {
    /** How long a listener stays in starting / stopping / configuring. */
    transitionMs: number;
    /** How long one configuration change occupies its load balancer; the call answers when it is done. */
    changeMs: number;
}

/** The simulated SLB service behind the wire layer. */
export interface SlbModel {
    hasAction(action: string): boolean;
    /** Runs one action. Resolves to the success body (without RequestId) or rejects with an ApiError. */
    handle(ctx: ActionContext): Promise<Record<string, unknown>>;
    /** JSON-safe snapshot of all state (for GET /_emulator/state and --state persistence). */
    snapshot(): unknown;
    /** Replaces all state with a snapshot produced by snapshot(). */
    restore(snapshot: unknown): void;
    reset(): void;
    setTimings(timings: Partial<ModelTimings>): void;
    /** Called after every state change (used to persist --state files). */
    onChange?: () => void;
}
