// Coalesced listener reads. Every read of a listener (diff's drift check, refresh, the status waits after
// Start/Stop/Delete, adopt) comes here through SlbClient.describeListener. Reads in flight together for one
// client (endpoint and account) and region are answered by one DescribeLoadBalancerListeners per ten load
// balancers, paged as needed; each caller gets its own listener, in the attribute call's shape, or "absent".
//
// Never stale: a read only joins a round that has not started yet, so its answer comes from a listing sent after
// the read was asked for, and a listener with a change of ours in flight is not listed until that change ends.
// Nothing is kept once a round has answered.
//
// Sharing status polls: while our own changes follow each other on a load balancer (the per-LB queue of a big
// `up` or `destroy`), a read of one of its listeners waits until the load balancer is quiet, or at most
// maxParkMs, and then shares one listing with every read that waited meanwhile. The chain of changes bounds the
// operation anyway, so this costs no wall time; it saves one poll per listener.

import type { ListenerKey } from "./client";
import { SlbApiError } from "./errors";
import { LISTING_ACTION, MAX_LOAD_BALANCERS_PER_LISTING, UNLISTED_FIELDS, listedKey, listingParams, parsePage } from "./listing";
import { LiveListener, fromDescribe } from "./mapping";

/** What the reads need from the client: one listing page and one attribute read, each already retried. */
export interface ReadBackend {
    listPage(params: Record<string, unknown>): Promise<Record<string, unknown>>;
    /** DescribeLoadBalancerTCPListenerAttribute: the listener, or undefined when it (or its LB) does not exist. */
    readOne(key: ListenerKey): Promise<LiveListener | undefined>;
    say(line: string): void;
}

export interface ReadOptions {
    /** false: every read is its own attribute call (as before coalescing). */
    readonly coalesce: boolean;
    /** How long the first read of an idle region waits for others to join it. */
    readonly windowMs: number;
    /** A load balancer counts as quiet this long after the last change of ours on it ended. */
    readonly quietMs: number;
    /** The longest a read waits for a load balancer busy with our own changes. */
    readonly maxParkMs: number;
}

export const DEFAULT_READ_OPTIONS: ReadOptions = { coalesce: true, windowMs: 3, quietMs: 10, maxParkMs: 2000 };

/** The switch: SLB_LISTENER_COALESCE_READS=off (or false, 0, no) reads every listener with its own call. */
export const COALESCE_ENV = "SLB_LISTENER_COALESCE_READS";

export function coalescingFromEnv(env: NodeJS.ProcessEnv): boolean {
    return !/^(off|false|0|no)$/i.test((env[COALESCE_ENV] ?? "").trim());
}

/** Never list more pages than this for one group (a service looping on NextToken must not hang us). */
const MAX_PAGES = 100;

/** Whether a listing was refused for lack of permission (slb:DescribeLoadBalancerListeners is its own RAM action). */
export function isPermissionDenied(e: unknown): boolean {
    return e instanceof SlbApiError && (e.statusCode === 403 || /^Forbidden|NoPermission|AccessDenied|NotAuthorized/i.test(e.code));
}

interface Waiter {
    readonly key: ListenerKey;
    readonly id: string;
    readonly lb: string;
    /** When the read was asked for (bounds how long it may wait for a busy load balancer). */
    readonly since: number;
    resolve(live: LiveListener | undefined): void;
    reject(e: unknown): void;
}

interface Activity {
    inFlight: number;
    endedAt: number;
}

interface RegionQueue {
    readonly regionId: string;
    /** Reads for the next round. */
    ready: Waiter[];
    /** Reads waiting for a busy load balancer. */
    parked: Waiter[];
    running: boolean;
    window?: NodeJS.Timeout;
    parkTimer?: NodeJS.Timeout;
}

const lbOf = (key: ListenerKey) => `${key.regionId}/${key.loadBalancerId}`;
const idOf = (key: ListenerKey) => `${key.regionId}/${key.loadBalancerId}/${key.listenerPort}`;

export class ListenerReads {
    /** Set once a listing was refused for permission: per-listener reads from then on. */
    private denied = false;
    private readonly regions = new Map<string, RegionQueue>();
    /** Our changes by load balancer (in flight, and when the last one ended). */
    private readonly lbs = new Map<string, Activity>();
    /** Our changes in flight by listener. */
    private readonly changes = new Map<string, number>();
    /** Reads of a listener whose own change is in flight: admitted when it ends. */
    private readonly afterChange = new Map<string, Waiter[]>();

    constructor(private readonly backend: ReadBackend, private readonly options: ReadOptions = DEFAULT_READ_OPTIONS) {}

    /** Whether reads are answered by listings now. */
    get coalescing(): boolean {
        return this.options.coalesce && !this.denied && UNLISTED_FIELDS.length === 0;
    }

    read(key: ListenerKey): Promise<LiveListener | undefined> {
        if (!this.coalescing) return this.backend.readOne(key);
        return new Promise((resolve, reject) => {
            this.admit({ key, id: idOf(key), lb: lbOf(key), since: Date.now(), resolve, reject });
        });
    }

    /** Runs one change of ours on the listener (Create, Set, Start, Stop, Delete, Tag, Untag). */
    async changing<T>(key: ListenerKey, work: () => Promise<T>): Promise<T> {
        const id = idOf(key);
        const lb = lbOf(key);
        const activity = this.lbs.get(lb) ?? { inFlight: 0, endedAt: 0 };
        this.lbs.set(lb, activity);
        activity.inFlight++;
        this.changes.set(id, (this.changes.get(id) ?? 0) + 1);
        try {
            return await work();
        } finally {
            activity.inFlight--;
            activity.endedAt = Date.now();
            const left = (this.changes.get(id) ?? 1) - 1;
            if (left > 0) {
                this.changes.set(id, left);
            } else {
                this.changes.delete(id);
                const waiting = this.afterChange.get(id) ?? [];
                this.afterChange.delete(id);
                for (const w of waiting) this.admit(w);
            }
            if (activity.inFlight === 0) this.whenQuiet(key.regionId, lb);
        }
    }

    // ---- queueing ----

    private region(regionId: string): RegionQueue {
        let q = this.regions.get(regionId);
        if (!q) {
            q = { regionId, ready: [], parked: [], running: false };
            this.regions.set(regionId, q);
        }
        return q;
    }

    private busy(lb: string, now: number): boolean {
        const a = this.lbs.get(lb);
        return a !== undefined && (a.inFlight > 0 || now - a.endedAt < this.options.quietMs);
    }

    private admit(w: Waiter): void {
        if ((this.changes.get(w.id) ?? 0) > 0) {
            this.afterChange.set(w.id, [...(this.afterChange.get(w.id) ?? []), w]);
            return;
        }
        const q = this.region(w.key.regionId);
        const now = Date.now();
        if (this.busy(w.lb, now) && now - w.since < this.options.maxParkMs) {
            q.parked.push(w);
            this.armParkTimer(q);
            if (this.lbs.get(w.lb)!.inFlight === 0) this.whenQuiet(w.key.regionId, w.lb);
            return;
        }
        q.ready.push(w);
        this.kick(q);
    }

    /** Starts a round after the gathering window, unless one is running (its end starts the next). */
    private kick(q: RegionQueue): void {
        if (q.running || q.window) return;
        q.window = setTimeout(() => {
            q.window = undefined;
            this.startRound(q);
        }, this.options.windowMs);
    }

    private armParkTimer(q: RegionQueue): void {
        if (q.parkTimer || q.parked.length === 0) return;
        const due = Math.min(...q.parked.map((w) => w.since)) + this.options.maxParkMs;
        q.parkTimer = setTimeout(() => {
            q.parkTimer = undefined;
            this.release(q, () => true);
        }, Math.max(0, due - Date.now()));
    }

    /** After our last change on a load balancer, its parked reads go once it has stayed quiet for quietMs. */
    private whenQuiet(regionId: string, lb: string): void {
        const q = this.regions.get(regionId);
        const activity = this.lbs.get(lb);
        if (!q || !activity || !q.parked.some((w) => w.lb === lb)) return;
        setTimeout(() => {
            if (!this.busy(lb, Date.now())) this.release(q, (w) => w.lb === lb);
        }, Math.max(0, activity.endedAt + this.options.quietMs - Date.now()) + 1);
    }

    private release(q: RegionQueue, which: (w: Waiter) => boolean): void {
        const going = q.parked.filter(which);
        if (going.length === 0) return;
        q.parked = q.parked.filter((w) => !which(w));
        q.ready.push(...going);
        if (q.parked.length === 0 && q.parkTimer) {
            clearTimeout(q.parkTimer);
            q.parkTimer = undefined;
        }
        this.armParkTimer(q);
        this.kick(q);
    }

    private startRound(q: RegionQueue): void {
        if (q.running || q.ready.length === 0) return;
        // Reads waiting for a busy load balancer ride along: the listing is sent anyway, and is fresh for them too.
        const taken = [...q.ready, ...q.parked];
        q.ready = [];
        q.parked = [];
        if (q.parkTimer) clearTimeout(q.parkTimer);
        q.parkTimer = undefined;
        const now: Waiter[] = [];
        for (const w of taken) {
            if ((this.changes.get(w.id) ?? 0) > 0) this.admit(w);
            else now.push(w);
        }
        if (now.length === 0) return;
        q.running = true;
        // serve() settles every read itself; a bug must still not leave a caller waiting forever.
        void this.serve(q.regionId, now).catch((e: unknown) => now.forEach((w) => w.reject(e))).finally(() => {
            q.running = false;
            // What gathered while this round ran goes at once: it has waited long enough.
            this.startRound(q);
        });
    }

    // ---- one round ----

    private async serve(regionId: string, waiters: readonly Waiter[]): Promise<void> {
        const byId = new Map<string, Waiter[]>();
        const idsByLb = new Map<string, Set<string>>();
        for (const w of waiters) {
            byId.set(w.id, [...(byId.get(w.id) ?? []), w]);
            const ids = idsByLb.get(w.key.loadBalancerId) ?? new Set<string>();
            ids.add(w.id);
            idsByLb.set(w.key.loadBalancerId, ids);
        }
        const lbIds = [...idsByLb.keys()].sort();
        const groups: string[][] = [];
        for (let i = 0; i < lbIds.length; i += MAX_LOAD_BALANCERS_PER_LISTING) groups.push(lbIds.slice(i, i + MAX_LOAD_BALANCERS_PER_LISTING));
        await Promise.all(groups.map((group) => {
            const wanted = group.flatMap((lb) => [...idsByLb.get(lb)!].map((id) => byId.get(id)!));
            return this.serveGroup(regionId, group, wanted);
        }));
    }

    /** One group of up to ten load balancers; `wanted` holds the waiters of each listener asked for. */
    private async serveGroup(regionId: string, lbIds: readonly string[], wanted: ReadonlyArray<readonly Waiter[]>): Promise<void> {
        // One listener: its attribute call costs the same one call and needs no extra permission.
        if (wanted.length === 1 || this.denied) {
            await Promise.all(wanted.map((ws) => this.readEach(ws)));
            return;
        }
        const found = new Map<string, Record<string, unknown>>();
        const keys = new Set(wanted.map((ws) => listedKey(ws[0].key.loadBalancerId, ws[0].key.listenerPort)));
        let pages = 0;
        let failed = false;
        try {
            let token: string | undefined;
            do {
                if (pages >= MAX_PAGES) throw new Error(`${LISTING_ACTION} gave more than ${MAX_PAGES} pages`);
                const page = parsePage(await this.backend.listPage(listingParams(regionId, lbIds, token)));
                pages++;
                for (const [key, body] of page.listeners) if (keys.has(key)) found.set(key, body);
                token = page.nextToken || undefined;
            } while (token);
        } catch (e) {
            failed = true;
            if (isPermissionDenied(e) && !this.denied) {
                this.denied = true;
                const code = e instanceof SlbApiError ? e.code : "denied";
                this.backend.say(`${LISTING_ACTION} is not allowed for this AccessKey (${code}): reading each listener with ` +
                    "DescribeLoadBalancerTCPListenerAttribute instead for the rest of this run; grant slb:DescribeLoadBalancerListeners " +
                    "for one call per ten load balancers");
            }
        }
        await Promise.all(wanted.map(async (ws) => {
            const body = found.get(listedKey(ws[0].key.loadBalancerId, ws[0].key.listenerPort));
            if (body) return settle(ws, fromDescribe(body));
            // Missing from a complete one-page listing: it does not exist. After a failure, or across pages (a
            // listener deleted between pages shifts the rest), only its own read can tell.
            if (!failed && pages === 1) return settle(ws, undefined);
            await this.readEach(ws);
        }));
    }

    private async readEach(ws: readonly Waiter[]): Promise<void> {
        try {
            settle(ws, await this.backend.readOne(ws[0].key));
        } catch (e) {
            for (const w of ws) w.reject(e);
        }
    }
}

function settle(ws: readonly Waiter[], live: LiveListener | undefined): void {
    for (const w of ws) w.resolve(live);
}
