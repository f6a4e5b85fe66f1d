// Seeded fuzzing of every model action through the real client (both signatures): random keys, huge,
// unicode and empty values, random numbers. Every answer must be a JSON object with a RequestId and
// never a 5xx. Set FUZZ_SEED to replay a run, FUZZ_COUNT to change its size.
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator";
import { mulberry32 } from "../../emulator/faults";
import { ACTIONS } from "../../emulator/model";
import { slbClient, type SlbClient } from "../support/slb-client";
import { raw, v1Request, v3Request } from "./wire-raw";

const SEED = Number(process.env.FUZZ_SEED ?? 20240515);
const COUNT = Number(process.env.FUZZ_COUNT ?? 2500);
const CONCURRENCY = 8;

const KNOWN_PARAMS = [
    "RegionId", "LoadBalancerId", "ListenerPort", "BackendServerPort", "Bandwidth", "VServerGroupId", "MasterSlaveServerGroupId",
    "Scheduler", "PersistenceTimeout", "EstablishedTimeout", "HealthCheckSwitch", "HealthCheckType", "HealthCheckConnectPort",
    "HealthCheckConnectTimeout", "healthCheckInterval", "HealthCheckInterval", "HealthyThreshold", "UnhealthyThreshold",
    "HealthCheckDomain", "HealthCheckURI", "HealthCheckHttpCode", "AclStatus", "AclType", "AclId", "ConnectionDrain",
    "ConnectionDrainTimeout", "Description", "ProxyProtocolV2Enabled", "VServerGroup", "MasterSlaveServerGroup", "SynProxy",
    "LoadBalancerName", "AddressType", "VpcId", "VSwitchId", "LoadBalancerSpec", "PayType", "InternetChargeType", "DeleteProtection",
    "BackendServers", "MasterSlaveBackendServers", "VServerGroupName", "MasterSlaveServerGroupName", "AclName", "AclEntrys",
    "ResourceType", "ResourceId", "TagKey", "NextToken", "PageNumber", "PageSize", "ListenerProtocol", "MaxResults", "All",
    "AddressIPVersion", "ResourceGroupId", "Status", "OwnerId", "ResourceOwnerAccount",
];
const REGIONS = ["cn-hangzhou", "cn-beijing", "eu-central-1", "", "xx-nowhere-9", "CN-HANGZHOU"];
const WORDS = ["on", "off", "tcp", "http", "wrr", "rr", "sch", "true", "false", "white", "black", "http_2xx,http_3xx", "/healthz",
    "$_ip", "enable", "disable", "instance", "classic", "internet", "intranet", "slb.s1.small", "PayOnDemand", "acl", "listener", "loadbalancer"];
const UNICODE = ["ü", "😀", "漢字", "\u0301", "\u202e", "\u0000", "\n", "\t", " ", "%", "&", "=", "+", "?", "#", "/", "\\", "\"", "'", "<>", "%00", "%zz"];

function generator(seed: number) {
    const rand = mulberry32(seed);
    const int = (n: number) => Math.floor(rand() * n);
    const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)];
    const chars = (n: number) => Array.from({ length: n }, () => (rand() < 0.3 ? pick(UNICODE) : String.fromCharCode(32 + int(95)))).join("");
    const ids: string[] = [];

    function value(): unknown {
        switch (int(14)) {
            case 0: return "";
            case 1: return chars(1 + int(12));
            case 2: return "x".repeat(1000 + int(9000)) + pick(UNICODE); // long, around the model's value cap
            case 3: return pick(UNICODE).repeat(1 + int(400));
            case 4: return int(70000) - 2;
            case 5: return pick([-1, 0, 1, 2, 3, 5, 10, 50, 80, 300, 900, 3600, 5120, 65535, 65536, 2 ** 31, -(2 ** 53), 1e21, 0.5, NaN, Infinity]);
            case 6: return pick(["1e3", "0x10", " 80", "80 ", "08", "-0", "+5", "1.0", "٣", "NaN"]);
            case 7: return pick(WORDS);
            case 8: return rand() < 0.5 ? true : false;
            case 9: return ids.length ? pick(ids) : "lb-" + chars(8);
            case 10: return JSON.stringify([{ ServerId: "i-" + chars(5), Weight: pick(["100", "x", -1]), Port: int(70000), Type: pick(["ecs", "eni", "?"]) }]);
            case 11: return JSON.stringify([{ entry: pick(["10.0.0.0/24", "1.2.3.4", "::/0", "999.1.1.1/40", ""]), comment: chars(int(20)) }]);
            case 12: return Array.from({ length: int(25) }, () => ({ Key: rand() < 0.8 ? chars(1 + int(10)) : pick(["aliyun", "acs:x", "http://"]), Value: chars(int(10)) }));
            default: return Array.from({ length: 1 + int(4) }, () => (ids.length && rand() < 0.5 ? pick(ids) : chars(1 + int(6))));
        }
    }

    return {
        rand, pick, int, ids,
        params(): Record<string, unknown> {
            const p: Record<string, unknown> = {};
            if (rand() < 0.9) p.RegionId = rand() < 0.85 ? "cn-hangzhou" : pick(REGIONS);
            const n = int(8);
            for (let i = 0; i < n; i++) {
                const key = rand() < 0.75 ? pick(KNOWN_PARAMS) : rand() < 0.8 ? chars(1 + int(10)) : pick(["__proto__", "constructor", "Tag.1.Key", "a.b.c", "Signature", "Action", "AccessKeyId", "x".repeat(300)]);
                if (key === "") continue;
                p[key] = value();
            }
            if (rand() < 0.5 && ids.length) p.LoadBalancerId = pick(ids);
            if (rand() < 0.4) p.ListenerPort = pick([80, 443, 8080, int(70000)]);
            if (rand() < 0.05) p.Description = "y".repeat(20_000 + int(60_000)); // some URLs beyond the emulator's limit
            return p;
        },
    };
}

describe("emulator fuzz (random parameters to every action, real client)", function () {
    this.timeout(60_000);
    let emu: Emulator;

    before(async () => {
        emu = await startEmulator({ timings: { transitionMs: 20, changeMs: 1 } });
    });
    after(() => emu.close());

    it(`answers ${COUNT} random calls (seed ${SEED}) with JSON objects carrying a RequestId, never a 5xx`, async () => {
        expect(ACTIONS.length).to.be.at.least(20);
        const g = generator(SEED);
        const clients: SlbClient[] = [slbClient(emu.endpoint), slbClient(emu.endpoint, { signature: "v1" })];
        // Some real resources so random calls hit existing ids too.
        for (let i = 0; i < 3; i++) g.ids.push((await clients[0].call("CreateLoadBalancer", { RegionId: "cn-hangzhou" })).LoadBalancerId);

        const actions = [...ACTIONS, "DescribeNothing", "createloadbalancer", ""];
        const statuses = new Map<number, number>();
        const failures: string[] = [];
        let sent = 0;
        let next = 0;
        const plan = Array.from({ length: COUNT }, () => ({ action: g.pick(actions), params: g.params(), client: g.pick(clients) }));

        async function worker() {
            while (next < plan.length) {
                const { action, params, client } = plan[next++];
                sent++;
                let status = 200;
                try {
                    const body = await client.call(action, params);
                    if (typeof body !== "object" || body === null || typeof body.RequestId !== "string") failures.push(`${action}: success body ${JSON.stringify(body).slice(0, 200)}`);
                    if (action.startsWith("CreateLoadBalancer") && typeof body.LoadBalancerId === "string") g.ids.push(body.LoadBalancerId);
                } catch (e) {
                    const err = e as { statusCode?: number; code?: string; data?: { RequestId?: unknown }; message?: string };
                    status = err.statusCode ?? -1;
                    if (err.statusCode === undefined) failures.push(`${action}: not an HTTP error answer: ${err.message?.slice(0, 200)}`);
                    else if (err.statusCode >= 500) failures.push(`${action} ${JSON.stringify(params).slice(0, 300)}: ${err.statusCode} ${err.code}`);
                    else if (typeof err.data?.RequestId !== "string" || typeof err.code !== "string") failures.push(`${action}: error without RequestId/Code`);
                }
                statuses.set(status, (statuses.get(status) ?? 0) + 1);
            }
        }
        await Promise.all(Array.from({ length: CONCURRENCY }, worker));

        const summary = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}:${n}`).join(" ");
        console.log(`      fuzz: sent ${sent} requests (seed ${SEED}); statuses ${summary}`);
        expect(failures.slice(0, 10), `${failures.length} bad answers`).to.deep.equal([]);
        expect(sent).to.equal(COUNT);
        expect(statuses.get(200) ?? 0, "some calls succeed").to.be.greaterThan(0);
        // Still serving normally afterwards.
        expect((await clients[1].call("DescribeLoadBalancers", { RegionId: "cn-hangzhou" })).RequestId).to.be.a("string");
    });

    it("answers random raw HTTP requests (methods, paths, headers, broken signatures) with JSON, never a 5xx", async () => {
        const g = generator(SEED + 1);
        const rawCount = Math.min(600, COUNT);
        const junk = () => Array.from({ length: g.int(40) }, () => g.pick(["%", "%2", "%zz", "&", "=", "==", "+", "?", "a", "Action=", "ü", "%E0%A4", "%00", ";", "#"])).join("");
        let bad = 0;
        const statuses = new Map<number, number>();
        for (let i = 0; i < rawCount; i++) {
            const base = g.rand() < 0.5 ? v3Request(emu.endpoint, { action: g.pick([...ACTIONS, "X"]) }) : v1Request(emu.endpoint, { action: g.pick([...ACTIONS, "X"]) });
            const headers: Record<string, string> = { ...base.headers };
            const mutation = g.int(8);
            if (mutation === 0) headers["x-acs-" + g.int(3)] = "1";
            if (mutation === 1) delete headers[g.pick(Object.keys(headers))];
            if (mutation === 2) headers[g.pick(Object.keys(headers))] = junk().replace(/[^\x20-\x7e]/g, "x");
            const path = mutation === 3 ? base.path + "&" + junk() : mutation === 4 ? "/?" + junk() : mutation === 5 ? g.pick(["/x", "//", "/_emulator", "/?"]) : base.path;
            const method = mutation === 6 ? g.pick(["GET", "PUT", "DELETE", "PATCH", "OPTIONS"]) : base.method;
            const body = mutation === 7 ? junk() : undefined;
            let res;
            try {
                res = await raw(emu.endpoint, { method, path: path.replace(/ /g, "%20").replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c)), headers, body });
            } catch (e) {
                bad++;
                console.log("raw fuzz transport error", (e as Error).message);
                continue;
            }
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const isObject = typeof res.json === "object" && res.json !== null;
            const adminPath = path.startsWith("/_emulator");
            if (res.status >= 500 || !isObject || (!adminPath && typeof res.json.RequestId !== "string")) {
                bad++;
                console.log("raw fuzz bad answer", method, path.slice(0, 100), res.status, res.text.slice(0, 200));
            }
        }
        const summary = [...statuses.entries()].sort((a, b) => a[0] - b[0]).map(([st, n]) => `${st}:${n}`).join(" ");
        console.log(`      raw fuzz: sent ${rawCount} requests; statuses ${summary}`);
        expect(bad).to.equal(0);
    });
});
