// Coalesced listener reads. Every read of a listener (diff's drift check, refresh, the status waits after
// Start/Stop/Delete, adopt) comes here through SlbClient.describeListener. Reads in flight together for one
// client (endpoint and account) and region are answered by shared DescribeLoadBalancerListeners calls, up to ten
// load balancers each, paged as needed; each caller gets its own listener, in the attribute call's shape, or
// "absent".
//
// Gathering: a lone read goes at once; reads that come together, or while other reads are on their way, gather until
// none has come for burstGapMs (at most maxWindowMs), unless they are status polls among our own changes; a read that
// comes while a listing of its load balancer is on its way joins it. Rounds run side by side: a read never waits for
// a round it cannot join (through the real engine, which runs a bounded number of steps, waiting for the current
// round made a refresh of 200 listeners 40 % slower than one read per listener). (The real
// engine sends Check and Diff one resource at a time, so a preview's reads seldom overlap there; a refresh, the
// status waits of parallel creates and deletes, and the engine harness, which diffs every resource at once, do.)
//
// Never stale: a listener with a change of ours in flight is not read until the change ends, and a read never joins
// a listing sent before the last change of ours on its listener ended. Nothing is kept once a listing has answered,
// except how many listeners each load balancer had (to group load balancers so that a listing is one page).
//
// Sharing status polls (maxParkMs, off by default): while our own changes follow each other on a load balancer, a
// read of one of its listeners can wait until the load balancer is quiet, or at most maxParkMs, and then share one
// listing with every read that waited meanwhile. With an engine that runs every step at once this saves a poll per
// listener at no cost; the real engine runs a bounded number of steps, and a waiting poll holds one of them.

import type { ListenerKey } from "./client";
import { currentDeadline, withDeadlineAt } from "./deadline";
import { SlbApiError } from "./errors";
import { LISTING_ACTION, LISTING_PAGE_SIZE, MAX_LOAD_BALANCERS_PER_LISTING, UNLISTED_FIELDS, listedKey, listingParams, parsePage } from "./listing";
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
    /**
     * A round starts once no read has come for this long (a lone read: 0, it goes at once, for the real engine sends
     * Check and Diff one resource at a time, so a preview's reads come one after the other and waiting only delays)...
     */
    readonly gapMs: number;
    /** ...or this long once several wait and no change of ours runs (a burst, such as a preview's diffs)... */
    readonly burstGapMs: number;
    /** ...or at the latest this long after the first read waiting for it. */
    readonly maxWindowMs: number;
    /** A load balancer counts as quiet this long after the last change of ours on it ended. */
    readonly quietMs: number;
    /** The longest a read waits for a load balancer busy with our own changes (0: it does not wait). */
    readonly maxParkMs: number;
}

/**
 * Measured through the real engine (docs/performance.md, figure 6): it runs at most 4 × CPUs steps at once, so a read
 * that waits holds one of them. Waiting for a pause longer than a few milliseconds, or for a busy load balancer
 * (maxParkMs), saved calls but cost wall time there (a destroy of 200 over 4 load balancers 17 % slower): both off.
 */
export const DEFAULT_READ_OPTIONS: ReadOptions = { coalesce: true, gapMs: 0, burstGapMs: 5, maxWindowMs: 1000, quietMs: 10, maxParkMs: 0 };

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
    /** When it was queued for the next round (for the gathering window). */
    queuedAt: number;
    /** The time bound of the operation that asked (provider/deadline.ts), if any. */
    readonly deadline: number | undefined;
    resolve(live: LiveListener | undefined): void;
    reject(e: unknown): void;
}

/** One listing of up to ten load balancers, open to reads that come while it is on its way. */
class Group {
    readonly waiters = new Map<string, Waiter[]>();
    /** When its first page was asked for. */
    startedAt = 0;
    open = true;

    constructor(readonly lbIds: ReadonlySet<string>) {}

    add(w: Waiter): void {
        this.waiters.set(w.id, [...(this.waiters.get(w.id) ?? []), w]);
    }
}

interface Listing {
    /** Every TCP listener listed, in the attribute call's shape, by listedKey(). */
    readonly rows: Map<string, Record<string, unknown>>;
    readonly pages: number;
    /** The error that stopped it, if it did not finish. */
    readonly error?: unknown;
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
    /** Listings on their way. */
    readonly groups: Set<Group>;
    /** Rounds on their way (they run side by side: a read never waits for a round it cannot join). */
    inFlight: number;
    /** Start the next round without gathering (its reads have waited already). */
    urgent: boolean;
    timer?: NodeJS.Timeout;
    parkTimer?: NodeJS.Timeout;
}

const lbOf = (key: ListenerKey) => `${key.regionId}/${key.loadBalancerId}`;
const idOf = (key: ListenerKey) => `${key.regionId}/${key.loadBalancerId}/${key.listenerPort}`;
const rowOf = (w: Waiter) => listedKey(w.key.loadBalancerId, w.key.listenerPort);

export class ListenerReads {
    /** Set once a listing was refused for permission: per-listener reads from then on. */
    private denied = false;
    private readonly regions = new Map<string, RegionQueue>();
    /** Our changes by load balancer (in flight, and when the last one ended). */
    private readonly lbs = new Map<string, Activity>();
    /** Our changes in flight by listener. */
    private readonly changes = new Map<string, number>();
    /** When the last change of ours on a listener ended. */
    private readonly lastChange = new Map<string, number>();
    /** Reads of a listener whose own change is in flight: admitted when it ends. */
    private readonly afterChange = new Map<string, Waiter[]>();
    /** Listeners per load balancer in the last complete listing: groups load balancers into one-page listings. */
    private readonly counts = new Map<string, number>();

    constructor(private readonly backend: ReadBackend, private readonly options: ReadOptions = DEFAULT_READ_OPTIONS) {}

    /** Whether reads are answered by listings now. */
    get coalescing(): boolean {
        return this.options.coalesce && !this.denied && UNLISTED_FIELDS.length === 0;
    }

    read(key: ListenerKey): Promise<LiveListener | undefined> {
        if (!this.coalescing) return this.backend.readOne(key);
        return new Promise((resolve, reject) => {
            const now = Date.now();
            this.admit({ key, id: idOf(key), lb: lbOf(key), since: now, queuedAt: now, deadline: currentDeadline(), resolve, reject });
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
            const now = Date.now();
            activity.inFlight--;
            activity.endedAt = now;
            this.lastChange.set(id, now);
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
            q = { regionId, ready: [], parked: [], groups: new Set(), inFlight: 0, urgent: false };
            this.regions.set(regionId, q);
        }
        return q;
    }

    /** Whether a change of ours runs in the region, or ended less than a second ago. */
    private changedLately(regionId: string): boolean {
        const now = Date.now();
        for (const [lb, a] of this.lbs) if (lb.startsWith(`${regionId}/`) && (a.inFlight > 0 || now - a.endedAt < 1000)) return true;
        return false;
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
        const changed = this.lastChange.get(w.id) ?? -Infinity;
        for (const g of q.groups) {
            if (g.open && g.lbIds.has(w.key.loadBalancerId) && changed < g.startedAt) {
                g.add(w);
                return;
            }
        }
        const now = Date.now();
        if (this.busy(w.lb, now) && now - w.since < this.options.maxParkMs) {
            q.parked.push(w);
            this.armParkTimer(q);
            if (this.lbs.get(w.lb)!.inFlight === 0) this.whenQuiet(w.key.regionId, w.lb);
            return;
        }
        w.queuedAt = now;
        q.ready.push(w);
        this.kick(q);
    }

    /** (Re)arms the start of the next round: after the gap, within the window. */
    private kick(q: RegionQueue): void {
        if (q.ready.length === 0) return;
        const queued = q.ready.map((w) => w.queuedAt);
        // Several reads waiting, or reads already on their way, while none of our changes runs: more are likely to
        // come (a refresh's reads, a preview's diffs in the harness). A read with none other in flight goes at once (the
        // real engine's diffs come one after the other). Reads among our changes are status polls: each after its change.
        const burst = (queued.length > 1 || q.inFlight > 0) && !this.changedLately(q.regionId);
        const gap = burst ? this.options.burstGapMs : this.options.gapMs;
        const due = q.urgent ? 0 : Math.min(Math.max(...queued) + gap, Math.min(...queued) + this.options.maxWindowMs);
        if (q.timer) clearTimeout(q.timer);
        q.timer = setTimeout(() => {
            q.timer = undefined;
            this.startRound(q);
        }, Math.max(0, due - Date.now()));
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
        // They have waited already: no gathering window.
        q.urgent = true;
        this.kick(q);
    }

    private startRound(q: RegionQueue): void {
        if (q.ready.length === 0) return;
        // Reads waiting for a busy load balancer ride along: the listings are sent anyway, and are fresh for them too.
        const taken = [...q.ready, ...q.parked];
        q.ready = [];
        q.parked = [];
        q.urgent = false;
        if (q.parkTimer) clearTimeout(q.parkTimer);
        q.parkTimer = undefined;
        const now: Waiter[] = [];
        for (const w of taken) {
            if ((this.changes.get(w.id) ?? 0) > 0) this.admit(w);
            else now.push(w);
        }
        if (now.length === 0) return;
        q.inFlight++;
        // serve() settles every read itself; a bug must still not leave a caller waiting forever.
        void this.serve(q, now).catch((e: unknown) => now.forEach((w) => w.reject(e))).finally(() => {
            q.inFlight--;
        });
    }

    // ---- one round ----

    private async serve(q: RegionQueue, waiters: readonly Waiter[]): Promise<void> {
        const byLb = new Map<string, Waiter[]>();
        for (const w of waiters) byLb.set(w.key.loadBalancerId, [...(byLb.get(w.key.loadBalancerId) ?? []), w]);
        await Promise.all(this.pack(q.regionId, [...byLb.keys()]).map((lbIds) =>
            this.serveGroup(q, lbIds, lbIds.flatMap((lb) => byLb.get(lb)!))));
    }

    /**
     * Load balancers in groups of at most ten whose listeners (as last listed) fit one page; load balancers not
     * listed yet count as empty, so the first listing of a fleet may take more pages.
     */
    private pack(regionId: string, lbIds: readonly string[]): string[][] {
        const groups: string[][] = [];
        let current: string[] = [];
        let listeners = 0;
        for (const lb of [...lbIds].sort()) {
            const n = this.counts.get(`${regionId}/${lb}`) ?? 0;
            if (current.length > 0 && (current.length === MAX_LOAD_BALANCERS_PER_LISTING || listeners + n > LISTING_PAGE_SIZE)) {
                groups.push(current);
                current = [];
                listeners = 0;
            }
            current.push(lb);
            listeners += n;
        }
        if (current.length > 0) groups.push(current);
        return groups;
    }

    private async serveGroup(q: RegionQueue, lbIds: readonly string[], waiters: readonly Waiter[]): Promise<void> {
        const group = new Group(new Set(lbIds));
        for (const w of waiters) group.add(w);
        // One listener: its attribute call costs the same one call and needs no extra permission.
        if (group.waiters.size === 1 || this.denied) {
            await Promise.all([...group.waiters.values()].map((ws) => this.readEach(ws)));
            return;
        }
        q.groups.add(group);
        group.startedAt = Date.now();
        let listing: Listing;
        try {
            // A listing shared by several operations is bounded by the latest of their time bounds.
            listing = await withDeadlineAt(latestDeadline(waiters), () => this.list(q.regionId, lbIds));
        } finally {
            group.open = false;
            q.groups.delete(group);
        }
        const missing: Waiter[][] = [];
        const listed = loadBalancersListed(listing);
        for (const ws of group.waiters.values()) {
            const body = listing.rows.get(rowOf(ws[0]));
            if (body) settle(ws, fromDescribe(body));
            // Missing from a complete one-page listing that shows its load balancer: it does not exist. (A load balancer
            // without rows may be one the service does not know; only its own read can tell.)
            else if (!listing.error && listing.pages === 1 && listed.has(ws[0].key.loadBalancerId)) settle(ws, undefined);
            else missing.push(ws);
        }
        if (missing.length === 0) return;
        // After a failure only their own reads can tell. Across pages, a listener deleted meanwhile shifts the rest,
        // so absence is not proven: list their load balancers again (one page each now that their sizes are known),
        // unless reading each costs no more.
        const again = listing.error ? [] : this.pack(q.regionId, [...new Set(missing.map((ws) => ws[0].key.loadBalancerId))]);
        if (listing.error || missing.length <= again.length) {
            await Promise.all(missing.map((ws) => this.readEach(ws)));
            return;
        }
        await Promise.all(again.map(async (lbs) => {
            const mine = missing.filter((ws) => lbs.includes(ws[0].key.loadBalancerId));
            const confirm = await withDeadlineAt(latestDeadline(mine.flat()), () => this.list(q.regionId, lbs));
            await Promise.all(mine.map(async (ws) => {
                const body = confirm.rows.get(rowOf(ws[0]));
                if (body) settle(ws, fromDescribe(body));
                else if (!confirm.error && confirm.pages === 1 && loadBalancersListed(confirm).has(ws[0].key.loadBalancerId)) settle(ws, undefined);
                else await this.readEach(ws);
            }));
        }));
    }

    /** Every page of one group's listing; stops at the first failure, keeping what was listed. */
    private async list(regionId: string, lbIds: readonly string[]): Promise<Listing> {
        const rows = new Map<string, Record<string, unknown>>();
        let pages = 0;
        try {
            let token: string | undefined;
            do {
                if (pages >= MAX_PAGES) throw new Error(`${LISTING_ACTION} gave more than ${MAX_PAGES} pages`);
                const page = parsePage(await this.backend.listPage(listingParams(regionId, lbIds, token)));
                pages++;
                for (const [key, body] of page.listeners) rows.set(key, body);
                token = page.nextToken || undefined;
            } while (token);
        } catch (error) {
            if (isPermissionDenied(error) && !this.denied) {
                this.denied = true;
                const code = error instanceof SlbApiError ? error.code : "denied";
                this.backend.say(`${LISTING_ACTION} is not allowed for this AccessKey (${code}): reading each listener with ` +
                    "DescribeLoadBalancerTCPListenerAttribute instead for the rest of this run; grant slb:DescribeLoadBalancerListeners " +
                    "for one call per ten load balancers");
            }
            return { rows, pages, error };
        }
        for (const lb of lbIds) this.counts.set(`${regionId}/${lb}`, 0);
        for (const body of rows.values()) {
            const key = `${regionId}/${String(body.LoadBalancerId)}`;
            this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
        }
        return { rows, pages };
    }

    private async readEach(ws: readonly Waiter[]): Promise<void> {
        try {
            settle(ws, await withDeadlineAt(latestDeadline(ws), () => this.backend.readOne(ws[0].key)));
        } catch (e) {
            for (const w of ws) w.reject(e);
        }
    }
}

/** The latest time bound among the reads, or none when one of them has none. */
function latestDeadline(ws: readonly Waiter[]): number | undefined {
    let latest = -Infinity;
    for (const w of ws) {
        if (w.deadline === undefined) return undefined;
        latest = Math.max(latest, w.deadline);
    }
    return ws.length > 0 ? latest : undefined;
}

/** The load balancers with at least one listener in a listing (so the service knows them). */
function loadBalancersListed(listing: Listing): Set<string> {
    return new Set([...listing.rows.values()].map((row) => String(row.LoadBalancerId)));
}

function settle(ws: readonly Waiter[], live: LiveListener | undefined): void {
    for (const w of ws) w.resolve(live);
}
