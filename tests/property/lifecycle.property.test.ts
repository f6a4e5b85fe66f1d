// Convergence as a property (design principle 9), for every protocol: for configurations A and B drawn from the
// protocol's field table and
// out-of-band changes between them, one `up` from A to B, run RPC by RPC through @pulumi/pulumi's own
// dynamic-provider host as the engine runs it, succeeds; the next preview says "no changes"; the live listener
// matches B field by field; a replacement happens only when a field that needs one changed; and exactly one
// listener is left on the load balancer. Seeded and bounded:
//   SLB_PROPERTY_RUNS   cases per protocol (default 240 TCP and 120 UDP: about 45 s);   e.g. 5000 for a long run
//   SLB_PROPERTY_PROTOCOLS  which protocols run (default: every protocol); e.g. SLB_PROPERTY_PROTOCOLS=udp
//   SLB_PROPERTY_SEED   fast-check seed (default fixed; printed either way, with the shrunk counterexample)
//   SLB_PROPERTY_LANES  cases run side by side, one load balancer each (default 4)
//   SLB_PROPERTY_EXPLORE=1  instead of stopping at the first failure, run every case, group the failures by
//                       signature (one per distinct defect) and shrink one counterexample for each
//   SLB_PROPERTY_DEBUG=1    one stderr line per case: its time and what it found
import { expect } from "chai";
import * as fc from "fast-check";
import { Protocol } from "../../provider/core/protocol";
import { PROTOCOLS } from "../../provider/protocols";
import { serializableProvider } from "../../provider/pulumi/loader";
import { serializeProvider } from "../harness";
import { PropertyMap, wrapSecret } from "../harness/encoding";
import { ProviderHost } from "../harness/host";
import { packageRoot } from "../support/package-alias";
import { REGION } from "../support/property-world";
import { ProtocolWorld } from "../support/protocol-world";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from "../support/slb-client";
import { CaseInput, caseArb, generated, rawB, showRaw } from "./arbitraries";
import { CaseContext, CaseReport, PROJECT, STACK, describeReport, runCase } from "./lifecycle-case";

/** Cases per protocol: TCP's as before; every other protocol's rows are mostly TCP's, so half as many. */
const runsOf = (protocol: Protocol) => Number(process.env.SLB_PROPERTY_RUNS ?? (protocol.name === "tcp" ? 240 : 120));
const CHOSEN = (process.env.SLB_PROPERTY_PROTOCOLS ?? Object.keys(PROTOCOLS).join(",")).split(",").map((p) => p.trim()).filter(Boolean);
const SEED = Number(process.env.SLB_PROPERTY_SEED ?? 20261130);
const LANES = Number(process.env.SLB_PROPERTY_LANES ?? 4);
const EXPLORE = process.env.SLB_PROPERTY_EXPLORE === "1";

/** A case as a reader wants it in a counterexample: only what is set, only what B changes. */
function showCase(protocol: Protocol, c: CaseInput): string {
    const b = rawB(protocol, c);
    const changed = generated(protocol).filter((f) => JSON.stringify(b[f.input]) !== JSON.stringify(c.a[f.input]))
        .map((f) => `${f.input}: ${b[f.input] !== undefined ? JSON.stringify(b[f.input]) : "(unset)"}`);
    const oob = c.outOfBand.map((o) => (o.kind === "set" ? `set ${o.field}=${JSON.stringify(o.value)}${Object.keys(o.companions).length ? ` with ${JSON.stringify(o.companions)}` : ""}` : JSON.stringify(o)));
    return `{ A: ${showRaw(protocol, c.a)}, B changes: { ${changed.join(", ")} }${c.movePort ? ", B moves port" : ""}` +
        `${oob.length ? `, out of band: [${oob.join("; ")}]` : ""}${c.refresh ? ", refresh before up(B)" : ""}${c.regionless ? ", up(B) without a region" : ""} }`;
}

for (const name of CHOSEN) {
    const protocol = PROTOCOLS[name as keyof typeof PROTOCOLS];
    if (!protocol) throw new Error(`SLB_PROPERTY_PROTOCOLS names ${name}; the protocols are ${Object.keys(PROTOCOLS).join(", ")}`);
    const RUNS = runsOf(protocol);
    const readableCase = caseArb(protocol).map((c) => Object.assign({ ...c }, { [fc.toStringMethod]: () => showCase(protocol, c) }));

    describe(`lifecycle property (${protocol.resourceName}): every valid configuration and change converges in one up (fast-check)`, function () {
        this.timeout(Math.max(300_000, RUNS * 2_000));
        let world: ProtocolWorld;
        let host: ProviderHost;
        let regionless: ProviderHost;
        let ctx: CaseContext;

        before(async function () {
            this.timeout(60_000);
            world = await ProtocolWorld.start(protocol, { lanes: LANES });
            const config = {
                "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID,
                "alicloud:secretKey": wrapSecret(DEFAULT_ACCESS_KEY_SECRET),
                "alicloud:endpoints": JSON.stringify([{ slb: world.emulator.endpoint }]),
                "slbListener:retryTimeoutSeconds": "10",
            };
            const start = async (args: PropertyMap) => {
                const h = await ProviderHost.start({
                    cwd: packageRoot(),
                    // No region from the environment either (empty counts as unset). One host serves every case's operations
                    // here, where the engine starts a provider process per operation: an operation's view of a load balancer
                    // (slbListener:readSnapshotSeconds) must not outlive it into the next, after the case's changes made outside.
                    env: {
                        PULUMI_NODEJS_PROJECT: PROJECT, PULUMI_NODEJS_STACK: STACK, PULUMI_PROJECT: PROJECT, ALICLOUD_REGION: "", ALIBABA_CLOUD_REGION_ID: "",
                        SLB_LISTENER_READ_SNAPSHOT_SECONDS: "0",
                    },
                });
                await h.getPluginInfo();
                // Once per process, as the engine does for the default provider: the whole stack config, the secret wrapped.
                await h.configure(args);
                return h;
            };
            host = await start({ ...config, "alicloud:region": REGION });
            regionless = await start(config);
            ctx = { protocol, world, host, regionless, providerText: (await serializeProvider(serializableProvider(`${protocol.resourceName}Provider`))).text };
            console.log(`      ${protocol.spec.title}: seed ${SEED}, ${RUNS} cases, ${LANES} lanes (SLB_PROPERTY_SEED / SLB_PROPERTY_RUNS / SLB_PROPERTY_LANES)`);
        });

        after(async () => {
            await host?.stop();
            await regionless?.stop();
            await world?.close();
        });

        it(`${RUNS} cases: up succeeds, the next diff is empty, the listener matches, replacements only when needed, one listener`, async function () {
            if (EXPLORE) this.skip();
            let cases = 0;
            const started = Date.now();
            // A run is a batch of LANES cases side by side; shrinking first drops cases (null), then simplifies the rest.
            const slot = fc.option(readableCase, { nil: null, freq: 50 });
            const batch = fc.tuple(...Array.from({ length: LANES }, () => slot));
            const property = fc.asyncProperty(batch, async (slots) => {
                const runs = slots.map((input, i) => (input ? runCase(ctx, world.lanes[i], input) : undefined)).filter((r) => r !== undefined);
                const reports = await Promise.all(runs);
                cases += reports.length;
                const failed = reports.filter((r) => r.findings.length > 0);
                if (failed.length > 0) throw new Error(`\n${failed.map(describeReport).join("\n\n")}`);
            });
            try {
                await fc.assert(property, { seed: SEED, numRuns: Math.ceil(RUNS / LANES) });
            } finally {
                console.log(`      ${protocol.spec.title}: ${cases} cases in ${((Date.now() - started) / 1000).toFixed(1)} s`);
            }
        });

        it("explore: every distinct failure, one shrunk counterexample each (SLB_PROPERTY_EXPLORE=1)", async function () {
            if (!EXPLORE) this.skip();
            const single = (accept: (r: CaseReport) => boolean) => fc.asyncProperty(readableCase, async (input) => {
                const report = await runCase(ctx, world.lanes[0], input);
                if (!accept(report)) throw new Error(`\n${describeReport(report)}`);
            });
            // The values fc.check generates (its path replays them; fc.sample's stream differs after a few values).
            const samples: Array<[CaseInput]> = [];
            fc.check(fc.property(readableCase, (input) => void samples.push([input])), { seed: SEED, numRuns: RUNS });
            const bySignature = new Map<string, { count: number; first: number }>();
            let cursor = 0;
            let failedCases = 0;
            const started = Date.now();
            await Promise.all(world.lanes.map(async (lane) => {
                while (cursor < samples.length) {
                    const index = cursor++;
                    const report = await runCase(ctx, lane, samples[index][0]);
                    if (report.findings.length > 0) failedCases++;
                    for (const signature of new Set(report.findings.map((f) => f.signature))) {
                        const seen = bySignature.get(signature) ?? { count: 0, first: index };
                        seen.count++;
                        seen.first = Math.min(seen.first, index);
                        bySignature.set(signature, seen);
                    }
                }
            }));
            console.log(`      ${samples.length} cases in ${((Date.now() - started) / 1000).toFixed(1)} s, ${failedCases} failed; ${bySignature.size} distinct signatures`);
            const sorted = [...bySignature.entries()].sort((x, y) => y[1].count - x[1].count);
            for (const [signature, { count }] of sorted) console.log(`      ${String(count).padStart(6)}  ${signature}`);
            for (const [signature, { count, first }] of sorted) {
                const result = await fc.check(single((r) => !r.findings.some((f) => f.signature === signature)), { seed: SEED, path: String(first), numRuns: 1 });
                const error = (result.errorInstance as Error | undefined)?.message ?? "";
                console.log(`\n=== ${signature} (${count} cases; seed ${SEED}, path ${result.counterexamplePath ?? first}, ${result.numShrinks} shrinks)`);
                console.log(`counterexample: ${result.counterexample ? showCase(protocol, result.counterexample[0]) : "(did not fail again)"}`);
                console.log(error.split("\n").map((l) => `  ${l}`).join("\n"));
            }
            expect(sorted.map(([signature]) => signature), "distinct failures (counterexamples above)").to.deep.equal([]);
        });
    });
}
