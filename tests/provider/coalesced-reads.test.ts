// Coalesced reads end to end: TcpListenerProvider (and SlbClient) against the emulator through the real SDK. Drift is
// still found per listener, with the same stderr lines, when 100 listeners on 2 load balancers are read by one
// listing; paging past 100; more than ten load balancers; a listing failing part-way (retried, then read per
// listener); a listing refused for permission; a listener created by our own call while a listing is on its way.
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator";
import { TcpListenerProvider } from "../../provider";
import { SlbClient } from "../../provider/api/client";
import { TCP } from "../../provider/protocols";
import { configured, stderrOf } from "../support/provider-fixture";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, slbClient } from "../support/slb-client";

const REGION = "cn-hangzhou";
const LISTING = "DescribeLoadBalancerListeners";
const ATTRIBUTE = "DescribeLoadBalancerTCPListenerAttribute";
const DENIED_KEY = { id: "key-without-listing", secret: "key-without-listing-secret" };
type Props = Record<string, unknown>;

function providerFor(emulator: Emulator, opts: { key?: { id: string; secret: string }; retryTimeoutSeconds?: number } = {}): TcpListenerProvider {
    return configured({
        "alicloud:region": REGION,
        "alicloud:accessKey": opts.key?.id ?? DEFAULT_ACCESS_KEY_ID,
        "alicloud:secretKey": opts.key?.secret ?? DEFAULT_ACCESS_KEY_SECRET,
        "alicloud:endpoints": JSON.stringify([{ slb: emulator.endpoint }]),
        "slbListener:retryTimeoutSeconds": String(opts.retryTimeoutSeconds ?? 20),
    });
}

/** Runs `work` with reads not coalesced in clients made meanwhile (the switch is read when a client is made). */
async function perListenerReads<T>(work: () => Promise<T>): Promise<T> {
    process.env.SLB_LISTENER_COALESCE_READS = "off";
    try {
        return await work();
    } finally {
        delete process.env.SLB_LISTENER_COALESCE_READS;
    }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("coalesced reads against the emulator", function () {
    this.timeout(60_000);
    let emulator: Emulator;
    const slb = () => slbClient(emulator.endpoint);
    const newLb = async () => (await slb().call("CreateLoadBalancer", { RegionId: REGION })).LoadBalancerId as string;
    /** Listeners made directly through the API (fast set-up), running. */
    async function listeners(lbId: string, ports: number[]): Promise<void> {
        for (const port of ports) {
            await slb().call("CreateLoadBalancerTCPListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: port, BackendServerPort: 8080, Bandwidth: -1 });
            await slb().call("StartLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: port });
        }
    }
    const props = (lbId: string, port: number): Props => ({ loadBalancerId: lbId, listenerPort: port, bandwidth: -1, backendServerPort: 8080, regionId: REGION });

    beforeEach(async () => {
        emulator = await startEmulator({
            timings: { transitionMs: 30, changeMs: 2 },
            accounts: [
                { accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET },
                { accessKeyId: DENIED_KEY.id, accessKeySecret: DENIED_KEY.secret, accountId: DEFAULT_ACCESS_KEY_ID, deniedActions: [LISTING] },
            ],
        });
    });
    afterEach(() => emulator.close());

    it("finds drift per listener in 100 listeners on 2 load balancers with one listing, with the same stderr lines as per-listener reads", async () => {
        const lbs = [await newLb(), await newLb()];
        const provider = providerFor(emulator);
        const specs: Props[] = Array.from({ length: 100 }, (_, i) => ({
            loadBalancerId: lbs[i % 2], listenerPort: 1000 + i, backendServerPort: 8080, bandwidth: -1,
            healthCheckType: "http", healthCheckUri: "/healthz", tags: { n: String(i) }, description: `listener-${i}`,
        }));
        const checked = await Promise.all(specs.map(async (s) => (await provider.check({}, s)).inputs as Props));
        const created = await Promise.all(checked.map((inputs) => provider.create(inputs)));
        const ids = created.map((c) => c.id);

        // Out of band: one field changed, one listener stopped, one deleted.
        const at = (i: number) => ({ RegionId: REGION, LoadBalancerId: specs[i].loadBalancerId, ListenerPort: specs[i].listenerPort });
        await slb().call("SetLoadBalancerTCPListenerAttribute", { ...at(7), Description: "changed-by-hand" });
        await slb().call("StopLoadBalancerListener", at(33));
        await slb().call("DeleteLoadBalancerListener", at(60));
        await sleep(100); // the stop and the Set's reconfiguration settle

        const diffAll = (p: TcpListenerProvider) => stderrOf(() => Promise.all(ids.map((id, i) => p.diff(id, created[i].outs, checked[i]))));
        emulator.clearRequests();
        // A new provider process, as a new `pulumi` operation has: the listings the creates' status polls shared are
        // that operation's view, taken before the changes made outside.
        const coalesced = await diffAll(providerFor(emulator));
        const coalescedCalls = emulator.requests().map((r) => r.action);
        emulator.clearRequests();
        const each = await perListenerReads(() => diffAll(providerFor(emulator)));
        const eachCalls = emulator.requests().map((r) => r.action);

        expect(coalescedCalls, "one listing for both load balancers (99 listeners, one page)").to.deep.equal([LISTING]);
        expect(eachCalls).to.deep.equal(Array(100).fill(ATTRIBUTE));
        expect(coalesced.result).to.deep.equal(each.result);
        expect([...coalesced.lines].sort()).to.deep.equal([...each.lines].sort());
        const changed = coalesced.result.map((r, i) => (r.changes ? i : -1)).filter((i) => i >= 0);
        expect(changed).to.deep.equal([7, 33, 60]);
        // Gone: created again by update() under the same id (no replacement).
        expect(coalesced.result[60]).to.deep.include({ changes: true, replaces: [] });
        expect(coalesced.lines.join("\n")).to.include(`${ids[7]}: description is "changed-by-hand", want "listener-7"`)
            .and.to.include(`${ids[33]}: status`).and.to.include(`${ids[60]}: the listener no longer exists`);
        expect(coalesced.lines.filter((l) => !l.startsWith(ids[7]) && !l.startsWith(ids[33]) && !l.startsWith(ids[60]))).to.deep.equal([]);
    });

    it("pages past 100 and reads a listener missing from a listing of several pages on its own", async () => {
        const lbs = [await newLb(), await newLb(), await newLb()];
        for (const lb of lbs) await listeners(lb, Array.from({ length: 40 }, (_, i) => 100 + i));
        const provider = providerFor(emulator);
        emulator.clearRequests();
        const wanted = [...lbs.flatMap((lb) => Array.from({ length: 40 }, (_, i) => props(lb, 100 + i))), props(lbs[2], 999)];
        const read = await Promise.all(wanted.map((p) => provider.read(`${p.loadBalancerId}:tcp:${p.listenerPort}`, p)));
        expect(read.slice(0, 120).every((r) => (r.props as Props).status === "running")).to.equal(true);
        expect(read[120], "absent").to.deep.equal({});
        const log = emulator.requests();
        expect(log.filter((r) => r.action === LISTING).map((r) => [r.params.MaxResults, r.params.NextToken !== undefined]))
            .to.deep.equal([["100", false], ["100", true]]);
        expect(log.filter((r) => r.action === ATTRIBUTE).map((r) => r.params.ListenerPort)).to.deep.equal(["999"]);
    });

    it("lists more than ten load balancers in groups of ten", async () => {
        const lbs: string[] = [];
        for (let i = 0; i < 12; i++) lbs.push(await newLb());
        for (const lb of lbs) await listeners(lb, [80, 81]);
        const provider = providerFor(emulator);
        emulator.clearRequests();
        const read = await Promise.all(lbs.flatMap((lb) => [80, 81].map((port) => provider.read(`${lb}:tcp:${port}`, props(lb, port)))));
        expect(read.every((r) => (r.props as Props).status === "running")).to.equal(true);
        const listings = emulator.requests().filter((r) => r.action === LISTING);
        expect(listings.map((r) => Object.keys(r.params).filter((k) => k.startsWith("LoadBalancerId.")).length).sort()).to.deep.equal([10, 2]);
        expect(emulator.requests()).to.have.length(2);
    });

    it("a listing failing part-way is retried like any call; failing for good, the rest is read per listener", async () => {
        const lbs = [await newLb(), await newLb(), await newLb()];
        for (const lb of lbs) await listeners(lb, Array.from({ length: 40 }, (_, i) => 100 + i));
        const wanted = lbs.flatMap((lb) => Array.from({ length: 40 }, (_, i) => props(lb, 100 + i)));
        const readAll = (p: TcpListenerProvider) => Promise.all(wanted.map((w) => p.read(`${w.loadBalancerId}:tcp:${w.listenerPort}`, w)));
        /** Holds the first page, then makes later pages fail as `rule` says. */
        async function secondPageFails(rule: Record<string, unknown>, p: TcpListenerProvider) {
            emulator.setFaults({ rules: [{ action: LISTING, latencyMs: 300, count: 1 }] });
            emulator.clearRequests();
            const reading = readAll(p);
            await sleep(150);
            emulator.setFaults({ rules: [{ action: LISTING, ...rule }] });
            const read = await reading;
            emulator.setFaults({});
            expect(read.every((r) => (r.props as Props).status === "running")).to.equal(true);
            return emulator.requests();
        }

        const retried = await secondPageFails({ status: 503, code: "ServiceUnavailable", count: 2 }, providerFor(emulator));
        expect(retried.map((r) => `${r.action} ${r.code ?? "ok"}`)).to.deep.equal([
            `${LISTING} ok`, `${LISTING} ServiceUnavailable`, `${LISTING} ServiceUnavailable`, `${LISTING} ok`,
        ]);

        const fallback = await stderrOf(() => secondPageFails({ status: 500, code: "InternalError" }, providerFor(emulator, { retryTimeoutSeconds: 1 })));
        const log = fallback.result;
        const listed = log.filter((r) => r.action === LISTING);
        expect(listed[0].code).to.equal(null);
        expect(listed.slice(1).every((r) => r.code === "InternalError")).to.equal(true);
        // The first page's 100 listeners are answered from it; only the other 20 are read on their own.
        expect(log.filter((r) => r.action === ATTRIBUTE)).to.have.length(20);
        expect(fallback.lines.filter((l) => l.includes(LISTING) && l.includes("not allowed"))).to.deep.equal([]);
    });

    it("a listing refused for permission: per-listener reads for the rest of the process, one stderr line", async () => {
        const lb = await newLb();
        await listeners(lb, [80, 81, 82]);
        const provider = providerFor(emulator, { key: DENIED_KEY });
        const readAll = () => Promise.all([80, 81, 82, 83].map((port) => provider.read(`${lb}:tcp:${port}`, props(lb, port))));
        emulator.clearRequests();
        const first = await stderrOf(readAll);
        const second = await stderrOf(readAll);
        expect(first.result.map((r) => (r.props as Props | undefined)?.status)).to.deep.equal(["running", "running", "running", undefined]);
        expect(second.result).to.deep.equal(first.result);
        expect(first.lines).to.have.length(1);
        expect(first.lines[0]).to.include(`${LISTING} is not allowed for this AccessKey (Forbidden.RAM)`);
        expect(second.lines).to.deep.equal([]);
        const log = emulator.requests().map((r) => `${r.action} ${r.code ?? "ok"}`);
        expect(log.filter((c) => c.startsWith(LISTING))).to.deep.equal([`${LISTING} Forbidden.RAM`]);
        expect(log.filter((c) => c.startsWith(ATTRIBUTE))).to.have.length(8);
    });

    it("a listener created by our own call while a listing is on its way is read by a later listing", async () => {
        const lb = await newLb();
        await listeners(lb, [80, 81]);
        const client = new SlbClient({
            endpoint: { host: emulator.endpoint.replace(/^http:\/\//, ""), protocol: "http" },
            credentials: { accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET },
            retryTimeoutMs: 10_000,
        });
        const key = (port: number) => ({ regionId: REGION, loadBalancerId: lb, listenerPort: port, protocol: TCP });
        emulator.setFaults({ rules: [{ action: LISTING, latencyMs: 300, count: 1 }] });
        emulator.clearRequests();
        const batch = Promise.all([client.describeListener(key(80)), client.describeListener(key(81))]);
        await sleep(100);
        for (const port of [82, 83]) {
            await client.createListener(key(port), { RegionId: REGION, LoadBalancerId: lb, ListenerPort: port, BackendServerPort: 8080, Bandwidth: -1 });
        }
        const [created, alsoCreated, other] = await Promise.all([82, 83, 80].map((port) => client.describeListener(key(port))));
        const [a, b] = await batch;
        expect([a?.values.listenerPort, b?.values.listenerPort]).to.deep.equal([80, 81]);
        expect([created?.values.listenerPort, alsoCreated?.values.listenerPort], "never answered from the listing sent before the Creates")
            .to.deep.equal([82, 83]);
        expect(created?.status).to.equal("stopped");
        expect(other?.values.listenerPort).to.equal(80);
        const log = emulator.requests();
        const created83 = log.filter((r) => r.action === "CreateLoadBalancerTCPListener").pop()!;
        // The log is in order of answers; the two listings may overlap (rounds run side by side), so order them by start.
        const listings = log.filter((r) => r.action === LISTING).sort((x, y) => Date.parse(x.time) - Date.parse(y.time));
        expect(listings).to.have.length(2);
        expect(log.filter((r) => r.action === ATTRIBUTE)).to.deep.equal([]);
        expect(Date.parse(listings[1].time)).to.be.at.least(Date.parse(created83.time) + created83.durationMs - 5);
    });

    it("a delete answered \"does not exist\" costs that one call", async () => {
        const lb = await newLb();
        const provider = providerFor(emulator);
        emulator.clearRequests();
        await provider.delete(`${lb}:tcp:80`, props(lb, 80));
        expect(emulator.requests().map((r) => `${r.action} ${r.code}`)).to.deep.equal(["DeleteLoadBalancerListener ListenerNotFound"]);
    });
});
