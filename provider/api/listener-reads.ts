// Listener reads. Every read of a listener (diff's drift check, check()'s look at a new listener's port, refresh, the
// status waits after Start/Stop/Delete, adopt) comes here through SlbClient.describeListener. Two things make reads
// cheap, both for one client (endpoint and account) and region:
//
// 1. An operation's view of each load balancer (the snapshot). A provider process serves one `pulumi` operation.
//    A listing of a load balancer's listeners answers every later read of a listener on it, with no call, while the
//    listing is younger than snapshotMs (slbListener:readSnapshotSeconds) and no change of ours on that listener
//    ended after the listing was sent: the snapshot semantics of a plan (Terraform reads everything once and plans on
//    that view), bounded, and invalidated by our own writes. A listener missing from a complete listing (one page
//    that shows its load balancer) is gone. Status polls after our own Start or Stop are fresh reads: never answered
//    from a snapshot.
// 2. Coalescing. Reads in flight together are answered by shared DescribeLoadBalancerListeners calls, up to ten load
//    balancers each, paged as needed; each caller gets its own listener, in the attribute call's shape, or "absent".
//
// What a read costs: a lone read of a load balancer not read before in this process is one attribute call (the
// same as reading it on its own: a listing of a load balancer holding hundreds of listeners we do not manage would
// cost more). The second listener read on a load balancer, and reads that come together, get a listing, which then
// answers the rest; a load balancer known to need more pages than the reads it gets is read listener by listener.
// Through the real engine, which diffs one resource at a time by default, a no-op preview of 200 listeners on four
// load balancers costs eight calls (an attribute read and a listing each); with PULUMI_PARALLEL_DIFF its reads come
// together and share listings from the start.
//
// Gathering: a lone read goes at once; reads that come together, or while other reads are on their way, gather until
// none has come for burstGapMs (at most maxWindowMs), unless they are status polls among our own changes; a read that
// comes while a listing of its load balancer is on its way joins it. Rounds run side by side: a read never waits for
// a round it cannot join (through the real engine, which runs a bounded number of steps, waiting for the current
// round made a refresh of 200 listeners 40 % slower than one read per listener).
//
// Never stale: a listener with a change of ours in flight is not read until the change ends, and a read never joins
// a listing sent before the last change of ours on its listener ended, nor is it answered from a snapshot taken
// before that.
//
// Sharing status polls (maxParkMs, off by default): while our own changes follow each other on a load balancer, a
// read of one of its listeners can wait until the load balancer is quiet, or at most maxParkMs, and then share one
// listing with every read that waited meanwhile. With an engine that runs every step at once this saves a poll per
// listener at no cost; the real engine runs a bounded number of steps, and a waiting poll holds one of them.

import { LiveListener, fromDescribe } from "../core/mapping";
import { ListenerKey, Protocol } from "../core/protocol";
import { currentDeadline, withDeadlineAt } from "./deadline";
import { DEFAULT_READ_SNAPSHOT_SECONDS } from "./config";
import { LoadBalancerNotFound, SlbApiError } from "./errors";
import { LISTING_ACTION, LISTING_PAGE_SIZE, MAX_LOAD_BALANCERS_PER_LISTING, listedKey, listingParams, parsePage } from "./listing";

/** What the reads need from the client: one listing page and one attribute read, each already retried. */
export interface ReadBackend {
    listPage(params: Record<string, unknown>): Promise<Record<string, unknown>>;
    /** The protocol's attribute call: the listener, or undefined when it does not exist. */
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
    /** How long a listing answers later reads of its load balancer's listeners (0: every read is fresh). */
    readonly snapshotMs: number;
}

/**
 * Measured through the real engine (docs/performance.md, figure 6): it runs at most 4 × CPUs steps at once, so a read
 * that waits holds one of them. Waiting for a pause longer than a few milliseconds, or for a busy load balancer
 * (maxParkMs), saved calls but cost wall time there (a destroy of 200 over 4 load balancers 17 % slower): both off.
 */
export const DEFAULT_READ_OPTIONS: ReadOptions = {
    coalesce: true, gapMs: 0, burstGapMs: 5, maxWindowMs: 1000, quietMs: 10, maxParkMs: 0, snapshotMs: DEFAULT_READ_SNAPSHOT_SECONDS * 1000,
};

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
    /** A status poll after our own change: never answered from a snapshot, and no sign of more reads to come. */
    readonly fresh: boolean;
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
    /** Whether every page was read (the listing may have stopped early: more pages than the reads were worth). */
    readonly finished: boolean;
    /** The error that stopped it, if it did not finish. */
    readonly error?: unknown;
}

/** What one listing showed of one load balancer, kept to answer later reads of its listeners (see the header). */
interface Snapshot {
    /** Rows by port, in the attribute call's shape. */
    readonly rows: ReadonlyMap<number, Record<string, unknown>>;
    /** Whether a port missing from the rows has no listener (one page that shows the load balancer). */
    readonly complete: boolean;
    /** When the listing was sent: a change of ours that ended after it is not in it. */
    readonly takenAt: number;
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
    /** The latest listing of each load balancer (see Snapshot). */
    private readonly snapshots = new Map<string, Snapshot>();
    /** Listeners read (not status polls) per load balancer: a second one says more are likely to come. */
    private readonly seen = new Map<string, Set<number>>();
    /** Load balancers the service has shown to exist (a listener read on them, found or not). */
    private readonly existing = new Set<string>();

    /** One protocol's reads (a listing asks for one protocol). */
    constructor(private readonly protocol: Protocol, private readonly backend: ReadBackend, private readonly options: ReadOptions = DEFAULT_READ_OPTIONS) {}

    /** Whether reads are answered by listings now. */
    get coalescing(): boolean {
        return this.options.coalesce && !this.denied && this.protocol.unlisted.length === 0;
    }

    /**
     * The listener, or undefined when it does not exist. `fresh`: a status poll after our own change, never answered
     * from what a listing showed earlier.
     */
    read(key: ListenerKey, fresh = false): Promise<LiveListener | undefined> {
        if (!this.coalescing) return this.backend.readOne(key);
        if (!fresh) this.noteSeen(key);
        return new Promise((resolve, reject) => {
            const now = Date.now();
            this.admit({ key, id: idOf(key), lb: lbOf(key), since: now, queuedAt: now, deadline: currentDeadline(), fresh, resolve, reject });
        });
    }

    private noteSeen(key: ListenerKey): void {
        const lb = lbOf(key);
        this.seen.set(lb, (this.seen.get(lb) ?? new Set()).add(key.listenerPort));
    }

    /** The answer a snapshot gives for a read, or "miss" when it cannot answer it (none, too old, or our change since). */
    private fromSnapshot(w: Waiter): LiveListener | undefined | "miss" {
        if (w.fresh || this.options.snapshotMs <= 0) return "miss";
        const snapshot = this.snapshots.get(w.lb);
        if (!snapshot || Date.now() - snapshot.takenAt > this.options.snapshotMs) return "miss";
        if ((this.lastChange.get(w.id) ?? -Infinity) >= snapshot.takenAt) return "miss";
        const row = snapshot.rows.get(w.key.listenerPort);
        if (row) return fromDescribe(this.protocol, row);
        return snapshot.complete ? undefined : "miss";
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
        const answer = this.fromSnapshot(w);
        if (answer !== "miss") {
            w.resolve(answer);
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
        // A load balancer known to need more pages than the reads it is expected to get is read listener by listener.
        const listed = [...byLb.keys()].filter((lb) => !this.denied && this.expectedReads(q.regionId, lb, byLb.get(lb)!) >= this.pagesOf(q.regionId, lb));
        const single = [...byLb.keys()].filter((lb) => !listed.includes(lb));
        await Promise.all([
            ...single.flatMap((lb) => [...byListener(byLb.get(lb)!).values()].map((ws) => this.readEach(ws))),
            ...this.pack(q.regionId, listed).map((lbIds) => {
                const ws = lbIds.flatMap((lb) => byLb.get(lb)!);
                // A listing that answers one read now and none to come costs what that read costs alone: read it alone.
                const worth = lbIds.reduce((n, lb) => n + this.expectedReads(q.regionId, lb, byLb.get(lb)!), 0);
                if (worth < 2) return Promise.all([...byListener(ws).values()].map((one) => this.readEach(one)));
                return this.serveGroup(q, lbIds, ws, worth);
            }),
        ]);
    }

    /**
     * How many reads of a load balancer a listing of it would answer: those waiting now and, when listings are kept
     * (snapshotMs) and one page holds it, those likely to come, as the listeners read on it so far in this process suggest.
     */
    private expectedReads(regionId: string, lb: string, waiting: readonly Waiter[]): number {
        const now = new Set(waiting.map((w) => w.id)).size;
        // A listing of several pages must pay off now: reads to come, one at a time, each cost one call read alone.
        if (this.options.snapshotMs <= 0 || waiting.every((w) => w.fresh) || this.pagesOf(regionId, lb) > 1) return now;
        return Math.max(now, this.seen.get(`${regionId}/${lb}`)?.size ?? 0);
    }

    /** The pages a listing of the load balancer alone takes, as last listed (one when not known yet). */
    private pagesOf(regionId: string, lb: string): number {
        return Math.max(1, Math.ceil((this.counts.get(`${regionId}/${lb}`) ?? 0) / LISTING_PAGE_SIZE));
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

    /** One listing for a group of load balancers (at most `maxPages` pages: the reads it is worth). */
    private async serveGroup(q: RegionQueue, lbIds: readonly string[], waiters: readonly Waiter[], maxPages: number): Promise<void> {
        const group = new Group(new Set(lbIds));
        for (const w of waiters) group.add(w);
        q.groups.add(group);
        group.startedAt = Date.now();
        let listing: Listing;
        try {
            // A listing shared by several operations is bounded by the latest of their time bounds.
            const wanted = new Set(waiters.map(rowOf));
            listing = await withDeadlineAt(latestDeadline(waiters), () => this.list(q.regionId, lbIds, (rows, total) =>
                worthAnotherPage(rows, total, wanted, maxPages)));
        } finally {
            group.open = false;
            q.groups.delete(group);
        }
        this.keep(q.regionId, lbIds, listing, group.startedAt);
        let missing: Waiter[][] = [];
        for (const ws of group.waiters.values()) {
            const body = listing.rows.get(rowOf(ws[0]));
            if (body) settle(ws, fromDescribe(this.protocol, body));
            // Missing from a complete one-page listing of a load balancer known to exist: it does not exist. (A load
            // balancer without rows may be one the service does not know; only its own read can tell.)
            else if (this.provesAbsence(q.regionId, listing, ws[0].key.loadBalancerId)) settle(ws, undefined);
            else missing.push(ws);
        }
        if (listing.finished && listing.pages === 1 && missing.length > 0) {
            missing = await this.confirmEmpty(q.regionId, missing, () => this.keep(q.regionId, lbIds, listing, group.startedAt));
        }
        if (missing.length === 0) return;
        // After a failure only their own reads can tell. Across pages, a listener deleted meanwhile shifts the rest,
        // so absence is not proven: list their load balancers again (one page each now that their sizes are known),
        // unless reading each costs no more. A listing that stopped early stopped because reading each costs less.
        const again = listing.error || !listing.finished ? [] : this.pack(q.regionId, [...new Set(missing.map((ws) => ws[0].key.loadBalancerId))]);
        const againPages = again.reduce((n, lbs) => n + Math.max(1, Math.ceil(lbs.reduce((c, lb) => c + (this.counts.get(`${q.regionId}/${lb}`) ?? 0), 0) / LISTING_PAGE_SIZE)), 0);
        if (again.length === 0 || missing.length <= againPages) {
            await Promise.all(missing.map((ws) => this.readEach(ws)));
            return;
        }
        await Promise.all(again.map(async (lbs) => {
            const mine = missing.filter((ws) => lbs.includes(ws[0].key.loadBalancerId));
            const sentAt = Date.now();
            const confirm = await withDeadlineAt(latestDeadline(mine.flat()), () => this.list(q.regionId, lbs, () => true));
            this.keep(q.regionId, lbs, confirm, sentAt);
            await Promise.all(mine.map(async (ws) => {
                const body = confirm.rows.get(rowOf(ws[0]));
                if (body) settle(ws, fromDescribe(this.protocol, body));
                else if (this.provesAbsence(q.regionId, confirm, ws[0].key.loadBalancerId)) settle(ws, undefined);
                else await this.readEach(ws);
            }));
        }));
    }

    /** Every page of one group's listing; stops at the first failure, keeping what was listed. */
    /**
     * The pages of one group's listing, while `more` says the next page is worth its call; stops at the first failure,
     * keeping what was listed.
     */
    private async list(regionId: string, lbIds: readonly string[],
        more: (rows: ReadonlyMap<string, unknown>, total: number | undefined) => boolean): Promise<Listing> {
        const rows = new Map<string, Record<string, unknown>>();
        let pages = 0;
        let total: number | undefined;
        try {
            let token: string | undefined;
            do {
                if (pages >= MAX_PAGES) throw new Error(`${LISTING_ACTION} gave more than ${MAX_PAGES} pages`);
                const page = parsePage(this.protocol, await this.backend.listPage(listingParams(this.protocol, regionId, lbIds, token)));
                pages++;
                for (const [key, body] of page.listeners) rows.set(key, body);
                // The first page tells a lone load balancer's size: the next reads know what a listing of it costs.
                if (pages === 1 && lbIds.length === 1 && page.totalCount !== undefined) this.counts.set(`${regionId}/${lbIds[0]}`, page.totalCount);
                total ??= page.totalCount;
                token = page.nextToken || undefined;
                if (token && !more(rows, total)) return { rows, pages, finished: false };
            } while (token);
        } catch (error) {
            if (isPermissionDenied(error) && !this.denied) {
                this.denied = true;
                const code = error instanceof SlbApiError ? error.code : "denied";
                this.backend.say(`${LISTING_ACTION} is not allowed for this AccessKey (${code}): reading each listener with ` +
                    `${this.protocol.spec.actions.describe} instead for the rest of this run; grant slb:DescribeLoadBalancerListeners ` +
                    "for one call per ten load balancers");
            }
            return { rows, pages, finished: false, error };
        }
        for (const lb of lbIds) this.counts.set(`${regionId}/${lb}`, 0);
        for (const body of rows.values()) {
            const key = `${regionId}/${String(body.LoadBalancerId)}`;
            this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
            this.existing.add(key);
        }
        return { rows, pages, finished: true };
    }

    /**
     * Reads missing from a complete one-page listing that showed their load balancer without any listener: the service
     * may not know the load balancer at all. One read of one of its listeners tells; if the load balancer exists, the
     * others are absent (the listing was complete). Returns the reads still unanswered.
     */
    private async confirmEmpty(regionId: string, missing: Waiter[][], keep: () => void): Promise<Waiter[][]> {
        const byLb = new Map<string, Waiter[][]>();
        for (const ws of missing) {
            if (this.existing.has(ws[0].lb)) continue;
            byLb.set(ws[0].lb, [...(byLb.get(ws[0].lb) ?? []), ws]);
        }
        await Promise.all([...byLb.values()].map(async ([first, ...rest]) => {
            await this.readEach(first);
            if (!this.existing.has(first[0].lb)) return Promise.all(rest.map((ws) => this.readEach(ws)));
            // What the listing showed is complete now that the load balancer is known to exist: kept before answering.
            keep();
            for (const ws of rest) settle(ws, undefined);
            return undefined;
        }));
        return missing.filter((ws) => !byLb.has(ws[0].lb));
    }

    /** Whether a listing proves that a listener of this load balancer missing from it does not exist. */
    private provesAbsence(regionId: string, listing: Listing, lb: string): boolean {
        return listing.finished && listing.pages === 1 && this.existing.has(`${regionId}/${lb}`);
    }

    /** Keeps what a listing showed of each of its load balancers, to answer later reads (see Snapshot). */
    private keep(regionId: string, lbIds: readonly string[], listing: Listing, takenAt: number): void {
        if (this.options.snapshotMs <= 0) return;
        for (const lb of lbIds) {
            const rows = new Map<number, Record<string, unknown>>();
            for (const body of listing.rows.values()) if (body.LoadBalancerId === lb) rows.set(Number(body.ListenerPort), body);
            this.snapshots.set(`${regionId}/${lb}`, { rows, complete: this.provesAbsence(regionId, listing, lb), takenAt });
        }
    }

    private async readEach(ws: readonly Waiter[]): Promise<void> {
        const lb = ws[0].lb;
        try {
            const live = await withDeadlineAt(latestDeadline(ws), () => this.backend.readOne(ws[0].key));
            // Found or not, the service knows the load balancer (an unknown one is an error, LoadBalancerNotFound).
            this.existing.add(lb);
            settle(ws, live);
        } catch (e) {
            if (e instanceof LoadBalancerNotFound) this.existing.delete(lb);
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

/**
 * Whether the next page of a listing is worth its call: not when the reads waiting for it are all answered, nor when
 * the pages left (as the listing's total says) outnumber the reads still waiting (each can be read alone for one call),
 * nor past `maxPages`.
 */
function worthAnotherPage(rows: ReadonlyMap<string, unknown>, total: number | undefined, wanted: ReadonlySet<string>, maxPages: number): boolean {
    const stillWanted = [...wanted].filter((k) => !rows.has(k)).length;
    if (stillWanted === 0 || Math.ceil(rows.size / LISTING_PAGE_SIZE) >= maxPages) return false;
    return total === undefined || Math.ceil((total - rows.size) / LISTING_PAGE_SIZE) <= stillWanted;
}

/** Reads by listener (several reads of one listener share one answer). */
function byListener(ws: readonly Waiter[]): Map<string, Waiter[]> {
    const out = new Map<string, Waiter[]>();
    for (const w of ws) out.set(w.id, [...(out.get(w.id) ?? []), w]);
    return out;
}

function settle(ws: readonly Waiter[], live: LiveListener | undefined): void {
    for (const w of ws) w.resolve(live);
}
