// The lifecycle property's generators cover each protocol's field table: every row is generated (or set by the world), every
// generated value passes its row's rules, and every normalised configuration keeps the table's cross-field rules.
import { expect } from "chai";
import * as fc from "fast-check";
import { MAX_USER_TAGS } from "../../provider/core/fields";
import { PROTOCOLS } from "../../provider/protocols";
import { acceptsValue, isLeftToTheWorld, caseArb, effective, generated, isReference, normalise, rawB, rawConfigArb, resolve, valueArb } from "./arbitraries";
import { typeOf } from "../support/resource-facts";

const POOL = { loadBalancerId: ["lb-a"], regionId: ["cn-hangzhou"], vServerGroupId: ["rsp-v1", "rsp-v2"], masterSlaveServerGroupId: ["rsp-m1"], aclId: ["acl-1", "acl-2"] };

for (const protocol of Object.values(PROTOCOLS)) {
    const FIELDS = protocol.fields;
    const GENERATED = generated(protocol);
    const ID = { pool: POOL, loadBalancerId: "lb-a", listenerPort: 80, urn: `urn:pulumi:s::p::${typeOf(protocol)}::n`, serviceTags: 0 };

    describe(`lifecycle property generators (${protocol.resourceName}, fast-check)`, () => {
        it("generate every row of the field table, or leave it to the world", () => {
            for (const f of FIELDS) expect(GENERATED.includes(f) || isLeftToTheWorld(f), f.input).to.equal(true);
            for (const f of GENERATED.filter(isReference)) expect(POOL, `pool for ${f.input}`).to.have.property(f.input);
        });

        it("draw only values their row accepts, and reach both ends of every range and every listed value", () => {
            for (const f of GENERATED) {
                const values = fc.sample(valueArb(f), { seed: 5, numRuns: 400 }).map((v) => resolve(f, v, POOL));
                for (const v of values) expect(isReference(f) || acceptsValue(f, v), `${f.input} = ${JSON.stringify(v)}`).to.equal(true);
                if (f.range) expect(values, f.input).to.include.members([f.range.min, f.range.max, ...(f.range.also ?? [])]);
                if (f.values) expect(values, f.input).to.include.members([...f.values]);
            }
            const tagCounts = fc.sample(valueArb(protocol.field("tags")), { seed: 5, numRuns: 400 }).map((t) => Object.keys(t as object).length);
            expect(Math.max(...tagCounts)).to.equal(MAX_USER_TAGS);
        });

        it("normalise to configurations that keep the table's applies-when, required-when-applies, pair and floor rules", () => {
            fc.assert(fc.property(rawConfigArb(protocol), (raw) => {
                const c = normalise(protocol, raw, ID);
                for (const f of FIELDS) {
                    if (f.required) expect(c[f.input], f.input).to.not.equal(undefined);
                    const when = f.appliesWhen;
                    if (!when) continue;
                    const holds = effective(protocol, c, when.field) === when.equals;
                    if (!holds) expect(c[f.input], `${f.input} without ${when.field}=${when.equals}`).to.equal(undefined);
                    if (holds && f.requiredWhenApplies) expect(c[f.input], `${f.input} with ${when.field}=${when.equals}`).to.not.equal(undefined);
                }
                expect(c.backendServerPort !== undefined || c.vServerGroupId !== undefined).to.equal(true);
                expect(c.vServerGroupId !== undefined && c.masterSlaveServerGroupId !== undefined).to.equal(false);
                if (typeof c.healthCheckConnectTimeout === "number" && typeof c.healthCheckInterval === "number") {
                    expect(c.healthCheckConnectTimeout).to.be.at.least(c.healthCheckInterval);
                }
            }), { seed: 11, numRuns: 2000 });
        });

        it("make B a small variation of A most of the time, and sometimes change everything", () => {
            const cases = fc.sample(caseArb(protocol), { seed: 13, numRuns: 500 });
            const changed = cases.map((c) => GENERATED.filter((f) => JSON.stringify(rawB(protocol, c)[f.input]) !== JSON.stringify(c.a[f.input])).length);
            const same = changed.filter((n) => n === 0).length;
            const few = changed.filter((n) => n > 0 && n <= 5).length;
            expect(same, "B = A").to.be.greaterThan(10);
            expect(few, "a few fields change").to.be.greaterThan(150);
            expect(Math.max(...changed), "many fields change").to.be.greaterThan(12);
        });
    });
}
