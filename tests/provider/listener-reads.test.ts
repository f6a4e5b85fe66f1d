// The coalescing of listener reads (provider/listener-reads.ts) against a scripted backend: which calls it makes
// for which reads, paging, groups of ten load balancers, failures part-way, permission refusals, freshness around
// our own changes, and status polls sharing a listing during a chain of changes. Short timings keep it fast.
import { expect } from "chai";
import { currentDeadline, withDeadline } from "../../provider/api/deadline";
import { SlbApiError } from "../../provider/api/errors";
import { ListenerReads as Reads, ReadBackend, ReadOptions, coalescingFromEnv, isPermissionDenied } from "../../provider/api/listener-reads";
import { attributeShape as shape, parsePage as parse } from "../../provider/api/listing";
import { LiveListener } from "../../provider/core/mapping";
import type { ListenerKey } from "../../provider/core/protocol";
import { TCP } from "../../provider/protocols";

const REGION = "cn-hangzhou";
const OPTIONS: ReadOptions = { coalesce: true, gapMs: 5, burstGapMs: 5, maxWindowMs: 60, quietMs: 10, maxParkMs: 300, snapshotMs: 0 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const key = (lb: string, port: number): ListenerKey => ({ regionId: REGION, loadBalancerId: lb, listenerPort: port, protocol: TCP });
/** TCP's reads, listings and rows (the module serves one protocol per instance). */
class ListenerReads extends Reads {
    constructor(backend: ReadBackend, options: ReadOptions) {
        super(TCP, backend, options);
    }
}
const attributeShape = (row: Record<string, unknown>) => shape(TCP, row);
const parsePage = (body: Record<string, unknown>) => parse(TCP, body);
const UNLISTED_FIELDS = TCP.unlisted;

/** A listing row as the service sends it (plain arrays, string boolean, TCPListenerConfig). */
function row(lb: string, port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
        LoadBalancerId: lb, ListenerPort: port, ListenerProtocol: "tcp", BackendServerPort: 8080, Bandwidth: -1, Scheduler: "wrr",
        Status: "running", Description: `d${port}`, AclStatus: "off", Tags: [{ TagKey: "n", TagValue: String(port) }],
        TCPListenerConfig: { HealthCheck: "on", HealthCheckType: "tcp", EstablishedTimeout: 900, ProxyProtocolV2Enabled: "false" },
        ...extra,
    };
}

interface Call {
    action: "list" | "one";
    lbs?: string[];
    token?: string;
    key?: string;
    at: number;
}

/** The service: listeners by load balancer; pages of `pageSize`; optional failures and latency. */
class FakeBackend implements ReadBackend {
    readonly calls: Call[] = [];
    readonly said: string[] = [];
    latencyMs = 5;
    pageSize = 100;
    /** Throws for the listing call with this 0-based index (in order of calls). */
    failListing?: (index: number) => Error | undefined;
    private listings = 0;

    constructor(public listeners: Map<string, Array<Record<string, unknown>>> = new Map()) {}

    add(lb: string, ports: number[]): void {
        this.listeners.set(lb, [...(this.listeners.get(lb) ?? []), ...ports.map((p) => row(lb, p))]);
    }

    /** The operation time bound each listing ran under. */
    readonly deadlines: Array<number | undefined> = [];

    async listPage(params: Record<string, unknown>): Promise<Record<string, unknown>> {
        this.deadlines.push(currentDeadline());
        const lbs = params.LoadBalancerId as string[];
        const token = params.NextToken as string | undefined;
        this.calls.push({ action: "list", lbs, token, at: Date.now() });
        const index = this.listings++;
        await sleep(this.latencyMs);
        const failure = this.failListing?.(index);
        if (failure) throw failure;
        expect(params).to.include({ RegionId: REGION, ListenerProtocol: "tcp", MaxResults: 100 });
        const all = lbs.flatMap((lb) => this.listeners.get(lb) ?? []);
        const offset = token ? Number(token) : 0;
        const rows = all.slice(offset, offset + this.pageSize);
        const next = offset + this.pageSize < all.length ? String(offset + this.pageSize) : "";
        return { TotalCount: all.length, MaxResults: 100, NextToken: next, ...(rows.length ? { Listeners: rows } : {}) };
    }

    async readOne(k: ListenerKey): Promise<LiveListener | undefined> {
        this.calls.push({ action: "one", key: `${k.loadBalancerId}:${k.listenerPort}`, at: Date.now() });
        await sleep(this.latencyMs);
        const r = (this.listeners.get(k.loadBalancerId) ?? []).find((x) => x.ListenerPort === k.listenerPort);
        return r ? { values: { description: r.Description }, tags: {}, status: String(r.Status) } : undefined;
    }

    say(line: string): void {
        this.said.push(line);
    }

    count(action: Call["action"]): number {
        return this.calls.filter((c) => c.action === action).length;
    }
}

/** Three load balancers whose 130 listeners take two pages of a listing (ports 1000+, 2000+, 3000+). */
function twoPageBackend(): FakeBackend {
    const backend = new FakeBackend();
    backend.add("lb-a", Array.from({ length: 50 }, (_, i) => 1000 + i));
    backend.add("lb-b", Array.from({ length: 50 }, (_, i) => 2000 + i));
    backend.add("lb-c", Array.from({ length: 30 }, (_, i) => 3000 + i));
    return backend;
}

const denied = () => new SlbApiError("DescribeLoadBalancerListeners", "Forbidden.RAM", "User not authorized to operate on the specified resource.", "R-1", 403);

describe("coalesced listener reads (scripted backend)", () => {
    it("answers concurrent reads on two load balancers with one listing, each with its own listener or absent", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80, 81, 82]);
        backend.add("lb-b", [90]);
        const reads = new ListenerReads(backend, OPTIONS);
        const [a80, a82, b90, missing] = await Promise.all([key("lb-a", 80), key("lb-a", 82), key("lb-b", 90), key("lb-b", 91)].map((k) => reads.read(k)));
        expect(backend.calls.map((c) => [c.action, c.lbs])).to.deep.equal([["list", ["lb-a", "lb-b"]]]);
        expect(a80).to.deep.include({ status: "running", tags: { n: "80" } });
        expect(a80!.values).to.include({ listenerPort: 80, description: "d80", bandwidth: -1, proxyProtocolV2Enabled: false });
        expect(a82!.values.listenerPort).to.equal(82);
        expect(b90!.values.loadBalancerId).to.equal("lb-b");
        expect(missing).to.equal(undefined);
    });

    it("reads a lone listener with its own attribute call (same cost, no extra permission)", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80]);
        const live = await new ListenerReads(backend, OPTIONS).read(key("lb-a", 80));
        expect(live?.status).to.equal("running");
        expect(backend.calls.map((c) => c.action)).to.deep.equal(["one"]);
    });

    it("reads every listener on its own when coalescing is switched off", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80, 81]);
        const reads = new ListenerReads(backend, { ...OPTIONS, coalesce: false });
        await Promise.all([reads.read(key("lb-a", 80)), reads.read(key("lb-a", 81))]);
        expect(backend.calls.map((c) => c.action)).to.deep.equal(["one", "one"]);
        expect(coalescingFromEnv({ SLB_LISTENER_COALESCE_READS: "off" })).to.equal(false);
        expect(coalescingFromEnv({ SLB_LISTENER_COALESCE_READS: "0" })).to.equal(false);
        expect(coalescingFromEnv({})).to.equal(true);
    });

    it("splits more than ten load balancers into listings of at most ten", async () => {
        const backend = new FakeBackend();
        const lbs = Array.from({ length: 23 }, (_, i) => `lb-${String(i).padStart(2, "0")}`);
        for (const lb of lbs) backend.add(lb, [80, 81]);
        const reads = new ListenerReads(backend, OPTIONS);
        const all = await Promise.all(lbs.flatMap((lb) => [reads.read(key(lb, 80)), reads.read(key(lb, 81))]));
        expect(all.every((l) => l?.status === "running")).to.equal(true);
        const listed = backend.calls.filter((c) => c.action === "list").map((c) => c.lbs!);
        expect(listed.map((l) => l.length)).to.deep.equal([10, 10, 3]);
        expect(listed.flat().sort()).to.deep.equal(lbs);
        expect(backend.count("one")).to.equal(0);
    });

    it("pages past 100 with NextToken, and confirms a listener missing from a listing of several pages on its own", async () => {
        const backend = twoPageBackend();
        const reads = new ListenerReads(backend, OPTIONS);
        const wanted = [key("lb-a", 1000), key("lb-c", 3029), key("lb-b", 2049), key("lb-c", 3999)];
        const got = await Promise.all(wanted.map((k) => reads.read(k)));
        expect(got.map((l) => l?.values.listenerPort)).to.deep.equal([1000, 3029, 2049, undefined]);
        expect(backend.calls.filter((c) => c.action === "list").map((c) => c.token)).to.deep.equal([undefined, "100"]);
        expect(backend.calls.filter((c) => c.action === "one").map((c) => c.key)).to.deep.equal(["lb-c:3999"]);
    });

    it("proves many listeners absent from a listing of several pages with one more listing, not one read each", async () => {
        const backend = twoPageBackend();
        const reads = new ListenerReads(backend, OPTIONS);
        const gone = [key("lb-a", 1990), key("lb-a", 1991), key("lb-c", 3990), key("lb-c", 3991), key("lb-c", 3992)];
        const got = await Promise.all([key("lb-b", 2000), ...gone].map((k) => reads.read(k)));
        expect(got.map((l) => l?.values.listenerPort)).to.deep.equal([2000, undefined, undefined, undefined, undefined, undefined]);
        expect(backend.calls.map((c) => `${c.action} ${c.lbs?.join(",")} ${c.token ?? ""}`.trim())).to.deep.equal([
            "list lb-a,lb-b,lb-c", "list lb-a,lb-b,lb-c 100", "list lb-a,lb-c",
        ]);
        // The sizes learnt group the next listings into single pages: lb-a + lb-b (100), lb-c (30).
        backend.calls.length = 0;
        await Promise.all([key("lb-a", 1000), key("lb-b", 2000), key("lb-c", 3000), key("lb-c", 3001)].map((k) => reads.read(k)));
        expect(backend.calls.map((c) => c.lbs?.join(",")).sort()).to.deep.equal(["lb-a,lb-b", "lb-c"]);
    });

    it("gathers reads that keep coming within the window, and lets a read join a listing of its load balancer on its way", async () => {
        const backend = new FakeBackend();
        backend.latencyMs = 40;
        backend.add("lb-a", Array.from({ length: 20 }, (_, i) => 80 + i));
        const reads = new ListenerReads(backend, { ...OPTIONS, gapMs: 15, burstGapMs: 15, maxWindowMs: 1000 });
        const got: Array<Promise<LiveListener | undefined>> = [];
        for (let i = 0; i < 10; i++) {
            got.push(reads.read(key("lb-a", 80 + i)));
            await sleep(5); // under the gap: still gathering
        }
        await sleep(30); // the round has started; its listing is on its way
        expect(backend.count("list")).to.equal(1);
        for (let i = 10; i < 20; i++) got.push(reads.read(key("lb-a", 80 + i)));
        const all = await Promise.all(got);
        expect(all.map((l) => l?.values.listenerPort)).to.deep.equal(Array.from({ length: 20 }, (_, i) => 80 + i));
        expect(backend.calls.map((c) => c.action)).to.deep.equal(["list"]);
    });

    it("a listing failing part-way: what was listed is used, the rest is read per listener, nothing is said", async () => {
        const backend = new FakeBackend();
        backend.pageSize = 2;
        backend.add("lb-a", [80, 81, 82, 83]);
        backend.failListing = (i) => (i === 1 ? new SlbApiError("DescribeLoadBalancerListeners", "InternalError", "boom", "R", 500) : undefined);
        const reads = new ListenerReads(backend, OPTIONS);
        const got = await Promise.all([80, 83, 84].map((p) => reads.read(key("lb-a", p))));
        expect(got.map((l) => l?.values.description)).to.deep.equal(["d80", "d83", undefined]);
        expect(backend.calls.map((c) => c.action === "list" ? `list ${c.token ?? "first"}` : `one ${c.key}`).sort())
            .to.deep.equal(["list 2", "list first", "one lb-a:83", "one lb-a:84"]);
        expect(backend.said).to.deep.equal([]);
        // The failure was for that batch only: the next reads are listed again.
        backend.failListing = undefined;
        backend.pageSize = 100;
        backend.calls.length = 0;
        await Promise.all([80, 81].map((p) => reads.read(key("lb-a", p))));
        expect(backend.count("list")).to.equal(1);
        expect(backend.count("one")).to.equal(0);
    });

    it("a listing refused for permission: per-listener reads for the rest of the process, said once", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80, 81]);
        backend.failListing = () => denied();
        const reads = new ListenerReads(backend, OPTIONS);
        const first = await Promise.all([80, 81, 82].map((p) => reads.read(key("lb-a", p))));
        expect(first.map((l) => l?.values.description)).to.deep.equal(["d80", "d81", undefined]);
        expect(backend.count("list")).to.equal(1);
        expect(backend.count("one")).to.equal(3);
        await Promise.all([80, 81].map((p) => reads.read(key("lb-a", p))));
        expect(backend.count("list")).to.equal(1);
        expect(backend.count("one")).to.equal(5);
        expect(reads.coalescing).to.equal(false);
        expect(backend.said).to.have.length(1);
        expect(backend.said[0]).to.include("DescribeLoadBalancerListeners is not allowed").and.include("Forbidden.RAM")
            .and.include("DescribeLoadBalancerTCPListenerAttribute");
        expect(isPermissionDenied(new SlbApiError("X", "NoPermission", "", undefined, 400))).to.equal(true);
        expect(isPermissionDenied(new SlbApiError("X", "InternalError", "", undefined, 500))).to.equal(false);
    });

    it("a read asked for while a listing is in flight is answered by the next listing, never by that one", async () => {
        const backend = new FakeBackend();
        backend.latencyMs = 60;
        backend.add("lb-a", [80, 81]);
        const reads = new ListenerReads(backend, OPTIONS);
        const firstRound = Promise.all([reads.read(key("lb-a", 80)), reads.read(key("lb-a", 81))]);
        await sleep(20);
        // Our own changes create ports 82 and 83 while the first listing is on its way.
        await reads.changing(key("lb-a", 82), async () => backend.add("lb-a", [82]));
        await reads.changing(key("lb-a", 83), async () => backend.add("lb-a", [83]));
        const [late, later, again] = await Promise.all([reads.read(key("lb-a", 82)), reads.read(key("lb-a", 83)), reads.read(key("lb-a", 80))]);
        const first = await firstRound;
        expect(first.map((l) => l?.values.listenerPort)).to.deep.equal([80, 81]);
        expect([late?.values.listenerPort, later?.values.listenerPort], "created by our calls before the reads: must be seen").to.deep.equal([82, 83]);
        // A read of a listener we did not change joins the listing on its way.
        expect(again?.values.listenerPort).to.equal(80);
        const listings = backend.calls.filter((c) => c.action === "list");
        expect(listings).to.have.length(2);
        expect(backend.count("one")).to.equal(0);
    });

    it("rounds run side by side: reads that cannot join the listing on its way do not wait for it", async () => {
        const backend = new FakeBackend();
        backend.latencyMs = 150;
        backend.add("lb-a", [80, 81]);
        backend.add("lb-b", [90, 91]);
        const reads = new ListenerReads(backend, OPTIONS);
        const started = Date.now();
        const slow = Promise.all([reads.read(key("lb-a", 80)), reads.read(key("lb-a", 81))]);
        await sleep(20);
        // lb-b is not in the listing on its way: its reads go in a listing of their own at once.
        const other = await Promise.all([reads.read(key("lb-b", 90)), reads.read(key("lb-b", 91))]);
        const otherDone = Date.now() - started;
        const first = await slow;
        const firstDone = Date.now() - started;
        expect(other.map((l) => l?.values.listenerPort)).to.deep.equal([90, 91]);
        expect(first.map((l) => l?.values.listenerPort)).to.deep.equal([80, 81]);
        expect(backend.calls.map((c) => [c.action, c.lbs])).to.deep.equal([["list", ["lb-a"]], ["list", ["lb-b"]]]);
        const [a, b] = backend.calls;
        expect(b.at - a.at, "the second listing was sent while the first was on its way").to.be.below(backend.latencyMs);
        expect(otherDone, "answered about one listing's latency after it was asked for, not after the first round").to.be.below(firstDone + 100);
    });

    it("a lone read goes at once, but gathers with the reads that follow it while others are on their way", async () => {
        const backend = new FakeBackend();
        backend.latencyMs = 60;
        backend.add("lb-a", [80, 81, 82]);
        backend.add("lb-b", [90, 91]);
        const reads = new ListenerReads(backend, { ...OPTIONS, gapMs: 0, burstGapMs: 15 });
        // Nothing else on its way: one attribute call, sent without waiting.
        const t0 = Date.now();
        await reads.read(key("lb-a", 80));
        expect(backend.calls.map((c) => c.action)).to.deep.equal(["one"]);
        expect(backend.calls[0].at - t0).to.be.below(10);
        backend.calls.length = 0;
        // A listing of lb-a on its way: reads of lb-b that come one after the other gather into one listing.
        const first = Promise.all([reads.read(key("lb-a", 81)), reads.read(key("lb-a", 82))]);
        await sleep(30); // the two gather for 15 ms, then their listing takes 60
        const lone = reads.read(key("lb-b", 90));
        await sleep(5);
        const next = reads.read(key("lb-b", 91));
        await Promise.all([first, lone, next]);
        expect(backend.calls.map((c) => [c.action, c.lbs])).to.deep.equal([["list", ["lb-a"]], ["list", ["lb-b"]]]);
        expect(backend.calls[1].at - backend.calls[0].at, "sent while the first listing was on its way").to.be.below(backend.latencyMs);
    });

    it("a read of a listener with our change in flight waits for the change to end", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80, 81]);
        const reads = new ListenerReads(backend, OPTIONS);
        let changeEnded = 0;
        const change = reads.changing(key("lb-a", 80), async () => {
            await sleep(80);
            backend.listeners.set("lb-a", [row("lb-a", 80, { Description: "changed" }), row("lb-a", 81)]);
            changeEnded = Date.now();
        });
        await sleep(5);
        const [live] = await Promise.all([reads.read(key("lb-a", 80)), reads.read(key("lb-a", 81))]);
        await change;
        expect(live?.values.description).to.equal("changed");
        expect(backend.calls.every((c) => c.at >= changeEnded)).to.equal(true);
    });

    it("status polls during a chain of our changes on one load balancer share one listing", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", Array.from({ length: 10 }, (_, i) => 80 + i));
        const reads = new ListenerReads(backend, { ...OPTIONS, maxParkMs: 2000 });
        // Ten changes one after the other on lb-a (as the per-LB lock runs them); each listener is polled after its own.
        const polls: Array<Promise<LiveListener | undefined>> = [];
        const started = Date.now();
        for (let i = 0; i < 10; i++) {
            await reads.changing(key("lb-a", 80 + i), () => sleep(15));
            polls.push(reads.read(key("lb-a", 80 + i)));
        }
        const chainEnded = Date.now();
        const got = await Promise.all(polls);
        expect(got.map((l) => l?.values.listenerPort)).to.deep.equal(Array.from({ length: 10 }, (_, i) => 80 + i));
        expect(backend.calls.map((c) => c.action)).to.deep.equal(["list"]);
        expect(backend.calls[0].at, "listed once the load balancer was quiet").to.be.at.least(chainEnded);
        expect(Date.now() - started).to.be.below(2000);
    });

    it("a listing shared by several operations runs under the latest of their time bounds (none if one has none)", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80, 81, 82]);
        const reads = new ListenerReads(backend, OPTIONS);
        const before = Date.now();
        await Promise.all([
            withDeadline(1_000, () => reads.read(key("lb-a", 80))),
            withDeadline(60_000, () => reads.read(key("lb-a", 81))),
        ]);
        await Promise.all([withDeadline(1_000, () => reads.read(key("lb-a", 80))), reads.read(key("lb-a", 82))]);
        expect(backend.deadlines).to.have.length(2);
        expect(backend.deadlines[0]).to.be.within(before + 60_000, Date.now() + 60_000);
        expect(backend.deadlines[1]).to.equal(undefined);
    });

    it("a read waits for a busy load balancer at most maxParkMs", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80, 81]);
        const reads = new ListenerReads(backend, { ...OPTIONS, maxParkMs: 100 });
        const long = reads.changing(key("lb-a", 81), () => sleep(400));
        const asked = Date.now();
        const live = await reads.read(key("lb-a", 80));
        const waited = Date.now() - asked;
        await long;
        expect(live?.values.description).to.equal("d80");
        expect(waited).to.be.within(95, 350);
    });
});

describe("listing rows in the attribute call's shape", () => {
    it("the listing carries every field the provider reads (SynProxy, which it lacks, is not one)", () => {
        expect(UNLISTED_FIELDS).to.deep.equal([]);
    });

    it("unwraps TCPListenerConfig, wraps Tags and AclIds, makes ProxyProtocolV2Enabled a boolean, keeps only TCP rows", () => {
        const shaped = attributeShape(row("lb-a", 80, {
            AclStatus: "on", AclType: "white", AclId: "acl-1", AclIds: ["acl-1"],
            TCPListenerConfig: { HealthCheck: "off", ProxyProtocolV2Enabled: "true", MasterSlaveServerGroupId: "rsp-1" },
        }));
        expect(shaped).to.deep.equal({
            LoadBalancerId: "lb-a", ListenerPort: 80, BackendServerPort: 8080, Bandwidth: -1, Scheduler: "wrr", Status: "running",
            Description: "d80", AclStatus: "on", AclType: "white", AclId: "acl-1", AclIds: { AclId: ["acl-1"] },
            Tags: { Tag: [{ TagKey: "n", TagValue: "80" }] }, HealthCheck: "off", ProxyProtocolV2Enabled: true, MasterSlaveServerGroupId: "rsp-1",
        });
        const page = parsePage({ NextToken: "", Listeners: [row("lb-a", 80), { ...row("lb-a", 80), ListenerProtocol: "udp" }, row("lb-a", 81)] });
        expect([...page.listeners.keys()]).to.deep.equal(["lb-a:80", "lb-a:81"]);
        expect(page.listeners.get("lb-a:80")!.Tags).to.deep.equal({ Tag: [{ TagKey: "n", TagValue: "80" }] });
        expect(parsePage({ TotalCount: 0, NextToken: "" }).listeners.size).to.equal(0);
    });
});

describe("an operation's view of each load balancer (snapshot, scripted backend)", () => {
    const SNAPSHOT: ReadOptions = { ...OPTIONS, gapMs: 0, snapshotMs: 60_000 };

    it("reads one after the other: an attribute call, then a listing per load balancer; the rest cost nothing", async () => {
        const backend = new FakeBackend();
        const ports = (base: number) => Array.from({ length: 50 }, (_, i) => base + i);
        backend.add("lb-a", ports(1000));
        backend.add("lb-b", ports(2000));
        const reads = new ListenerReads(backend, SNAPSHOT);
        // The engine's diffs one at a time, the two load balancers interleaved.
        const got: unknown[] = [];
        for (let i = 0; i < 50; i++) {
            for (const [lb, base] of [["lb-a", 1000], ["lb-b", 2000]] as const) got.push((await reads.read(key(lb, base + i)))?.values.description);
        }
        expect(got).to.deep.equal(Array.from({ length: 50 }, (_, i) => [`d${1000 + i}`, `d${2000 + i}`]).flat());
        expect(backend.calls.map((c) => `${c.action} ${c.key ?? c.lbs?.join(",")}`)).to.deep.equal([
            "one lb-a:1000", "one lb-b:2000", "list lb-a", "list lb-b",
        ]);
    });

    it("a listener missing from a complete listing of a known load balancer is gone, with no call", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80, 81]);
        const reads = new ListenerReads(backend, SNAPSHOT);
        await reads.read(key("lb-a", 80));
        await reads.read(key("lb-a", 81));
        backend.calls.length = 0;
        expect(await reads.read(key("lb-a", 99))).to.equal(undefined);
        expect(backend.calls).to.deep.equal([]);
    });

    it("an empty listing is confirmed by one read: the load balancer exists, so the other ports are free", async () => {
        const backend = new FakeBackend();
        backend.listeners.set("lb-a", []);
        const reads = new ListenerReads(backend, SNAPSHOT);
        const got = await Promise.all([80, 81, 82].map((p) => reads.read(key("lb-a", p))));
        expect(got).to.deep.equal([undefined, undefined, undefined]);
        expect(backend.calls.map((c) => c.action)).to.deep.equal(["list", "one"]);
        backend.calls.length = 0;
        expect(await reads.read(key("lb-a", 83))).to.equal(undefined);
        expect(backend.calls, "the listing is complete now").to.deep.equal([]);
    });

    it("is not used for a listener we changed after it was sent, nor once older than the bound", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80, 81, 82]);
        const reads = new ListenerReads(backend, { ...SNAPSHOT, snapshotMs: 150 });
        await Promise.all([reads.read(key("lb-a", 80)), reads.read(key("lb-a", 81))]);
        expect(backend.count("list")).to.equal(1);
        await reads.changing(key("lb-a", 80), async () => {
            backend.listeners.set("lb-a", [row("lb-a", 80, { Description: "ours" }), row("lb-a", 81), row("lb-a", 82)]);
        });
        expect((await reads.read(key("lb-a", 80)))?.values.description, "changed by us: read again").to.equal("ours");
        expect((await reads.read(key("lb-a", 82)))?.values.description, "not changed by us: from the listing").to.equal("d82");
        const calls = backend.calls.length;
        await sleep(200);
        await reads.read(key("lb-a", 81));
        expect(backend.calls.length, "older than the bound: read again").to.equal(calls + 1);
    });

    it("never answers a status poll (a fresh read) from a listing", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80, 81]);
        const reads = new ListenerReads(backend, SNAPSHOT);
        await Promise.all([reads.read(key("lb-a", 80)), reads.read(key("lb-a", 81))]);
        backend.calls.length = 0;
        await reads.read(key("lb-a", 81), true);
        expect(backend.calls.map((c) => c.action)).to.deep.equal(["one"]);
    });

    it("one managed listener on a load balancer of 300: one call, as reading it alone; two: at most one call more", async () => {
        const backend = new FakeBackend();
        backend.add("lb-big", Array.from({ length: 300 }, (_, i) => 5000 + i));
        const reads = new ListenerReads(backend, SNAPSHOT);
        expect((await reads.read(key("lb-big", 5299)))?.values.description).to.equal("d5299");
        expect(backend.calls.map((c) => c.action)).to.deep.equal(["one"]);
        // A second listener of ours there, on the last page: a listing's first page tells the size, the read goes alone.
        expect((await reads.read(key("lb-big", 5250)))?.values.description).to.equal("d5250");
        expect(backend.calls.length).to.be.at.most(3);
        // Known to take three pages now: a third read goes alone instead of listing.
        const before = backend.calls.length;
        await reads.read(key("lb-big", 5200));
        expect(backend.calls.slice(before).map((c) => c.action)).to.deep.equal(["one"]);
    });

    it("with a bound of 0 every read is fresh (reads one after the other are attribute calls)", async () => {
        const backend = new FakeBackend();
        backend.add("lb-a", [80, 81, 82]);
        const reads = new ListenerReads(backend, { ...SNAPSHOT, snapshotMs: 0 });
        for (const p of [80, 81, 82, 80]) await reads.read(key("lb-a", p));
        expect(backend.calls.map((c) => c.action)).to.deep.equal(["one", "one", "one", "one"]);
    });
});
