// Property-based test of check(): hostile inputs never make it throw or reach the network, and every
// failure names an input property.
import { expect } from "chai";
import * as fc from "fast-check";
import { TcpListenerProvider } from "../../provider";
import { FIELDS, UNKNOWN } from "../../provider";

// The real module objects (an ES namespace import would be read-only).
const http = require("http") as typeof import("http");
const https = require("https") as typeof import("https");

const NAMES = FIELDS.map((f) => f.input);

/** Anything a program, a JS user or a broken Output could hand to check(). */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
    fc.constant(UNKNOWN), fc.constant(null), fc.constant(undefined), fc.constant(Number.NaN),
    fc.constant(Number.POSITIVE_INFINITY), fc.constant(-0), fc.integer(), fc.double(), fc.bigInt().map((n) => Number(n)),
    fc.integer({ min: -10, max: 70000 }), fc.boolean(), fc.string(), fc.string({ unit: "grapheme", maxLength: 300 }),
    fc.string({ minLength: 5000, maxLength: 20000 }), fc.constantFrom("on", "off", "tcp", "http", "wrr", "sch", "running", "$_ip", "/x", "http_2xx"),
    fc.array(fc.anything(), { maxLength: 5 }), fc.object({ maxDepth: 3 }),
    fc.dictionary(fc.string({ maxLength: 70 }), fc.oneof(fc.string({ maxLength: 140 }), fc.constant(UNKNOWN), fc.integer()), { maxKeys: 25 }),
);

const hostileInputs = fc.dictionary(fc.oneof(fc.constantFrom(...NAMES), fc.string({ maxLength: 20 })), hostileValue, { maxKeys: 20 });

describe("check() under hostile input (fast-check)", function () {
    this.timeout(60000);

    it("never throws, never calls the network, and every failure names an input property (10,000 inputs)", async () => {
        const provider = new TcpListenerProvider();
        const calls: string[] = [];
        const originals = { http: http.request, https: https.request };
        const trap = (name: string) => ((...args: unknown[]) => {
            calls.push(name);
            throw new Error(`network call from check: ${String(args[0])}`);
        }) as unknown as typeof http.request;
        (http as { request: unknown }).request = trap("http");
        (https as { request: unknown }).request = trap("https");
        let failures = 0;
        try {
            await fc.assert(fc.asyncProperty(hostileInputs, async (inputs) => {
                const result = await provider.check({}, inputs as Record<string, unknown>);
                for (const f of result.failures ?? []) {
                    failures++;
                    expect(f.property, JSON.stringify(f)).to.be.a("string");
                    expect(Object.keys(inputs).concat(NAMES)).to.include(f.property);
                    // The reason names the property, quoted when it is not a plain identifier.
                    const named = f.reason.includes(f.property) || f.reason.includes(JSON.stringify(f.property.slice(0, 60)));
                    expect(named, JSON.stringify(f)).to.equal(true);
                }
            }), { numRuns: 10000, seed: 20261129 });
        } finally {
            (http as { request: unknown }).request = originals.http;
            (https as { request: unknown }).request = originals.https;
        }
        expect(calls).to.deep.equal([]);
        expect(failures).to.be.greaterThan(10000);
    });

    it("accepts every combination of valid values and unknowns without a failure", async () => {
        const provider = new TcpListenerProvider();
        const valid = fc.record({
            loadBalancerId: fc.oneof(fc.constant(UNKNOWN), fc.stringMatching(/^lb-[a-z0-9]{8,20}$/)),
            listenerPort: fc.oneof(fc.constant(UNKNOWN), fc.integer({ min: 1, max: 65535 })),
            bandwidth: fc.oneof(fc.constant(-1), fc.integer({ min: 1, max: 5120 }), fc.constant(UNKNOWN)),
            backendServerPort: fc.oneof(fc.constant(UNKNOWN), fc.integer({ min: 1, max: 65535 })),
            scheduler: fc.constantFrom("wrr", "rr", "sch", "tch", UNKNOWN),
            persistenceTimeout: fc.integer({ min: 0, max: 3600 }),
            establishedTimeout: fc.integer({ min: 10, max: 900 }),
            healthyThreshold: fc.integer({ min: 2, max: 10 }),
            unhealthyThreshold: fc.integer({ min: 2, max: 10 }),
            healthCheckInterval: fc.integer({ min: 1, max: 50 }),
            tags: fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/), fc.string({ maxLength: 100 }), { maxKeys: 19 }),
        });
        await fc.assert(fc.asyncProperty(valid, async (inputs) => {
            const withTimeout = { ...inputs, healthCheckConnectTimeout: Math.max(inputs.healthCheckInterval, 5) };
            const result = await provider.check({}, withTimeout);
            expect(result.failures).to.deep.equal([]);
        }), { numRuns: 2000, seed: 7 });
    });
});
