// Generators of listener configurations, drawn from a protocol's field table (provider/protocols/*.ts), and of the
// out-of-band changes a case applies between two `up`s. Every generator that needs the table takes the protocol. Nothing here lists the fields: every row is generated
// from its kind, range, values and text rules, and every generated value passes the row's own rules (see
// acceptsValue), so a new row, range or pattern is covered without touching this file. What the table cannot
// say is kept small and explicit below: which fields the world controls, the documented pairs the table does
// not carry as data, and two value shapes random text would practically never hit.
import * as fc from "fast-check";
import { PROGRAM_KEY } from "../../provider/core/context";
import { FieldSpec, MAX_USER_TAGS, OWNER_TAG_KEY } from "../../provider/core/fields";
import { Protocol } from "../../provider/core/protocol";
import { Pool, SERVICE_TAG_PREFIXES } from "../support/property-world";

export type Config = Record<string, unknown>;

/** Per generated field: the value the program sets, or undefined when it leaves the field unset. */
export type RawConfig = Readonly<Record<string, unknown>>;

/** A reference to the index-th resource of the pool (resolved per lane, so one case runs on any lane). */
export interface Ref {
    readonly ref: number;
}

/** Set by the world, never generated: the listener's identity. (What only the program knows, its URN, is set too.) */
export const CONTROLLED = new Set(["loadBalancerId", "listenerPort"]);
export const isLeftToTheWorld = (f: FieldSpec) => CONTROLLED.has(f.input);
/** Fields the generators draw from a protocol's table (every row but the controlled ones). */
export function generated(protocol: Protocol): readonly FieldSpec[] {
    return protocol.fields.filter((f) => !isLeftToTheWorld(f));
}

/** A field that names another resource (an `...Id`, or the region): its values come from the world's pool. */
export function isReference(field: FieldSpec): boolean {
    return /Id$/.test(field.input);
}

/** Whether a value passes the row's own rules (kind, range, values, text length and pattern, extra check). */
export function acceptsValue(field: FieldSpec, value: unknown): boolean {
    switch (field.kind) {
        case "boolean":
            return typeof value === "boolean";
        case "integer": {
            const r = field.range!;
            return typeof value === "number" && Number.isInteger(value) && ((value >= r.min && value <= r.max) || (r.also ?? []).includes(value));
        }
        case "string": {
            if (typeof value !== "string") return false;
            if (field.values && !field.values.includes(value)) return false;
            const t = field.text;
            if (t && (value.length < t.min || value.length > t.max || (t.pattern && !t.pattern.test(value)))) return false;
            return field.check?.(value as never, (part) => part) === undefined;
        }
        case "tags":
            return typeof value === "object" && value !== null && !Array.isArray(value) &&
                Object.values(value).every((v) => typeof v === "string") && field.check?.(value as never, (part) => part) === undefined;
    }
}

function integerArb(field: FieldSpec): fc.Arbitrary<number> {
    const r = field.range!;
    // Boundaries and the isolated extra values (bandwidth -1) often, anything in range otherwise.
    return fc.oneof({ arbitrary: fc.constantFrom(r.min, r.max, ...(r.also ?? [])), weight: 1 }, { arbitrary: fc.integer({ min: r.min, max: r.max }), weight: 3 });
}

/** Text from the row's pattern (or any text), bounded by its length limits. */
function patternText(field: FieldSpec): fc.Arbitrary<string> {
    const t = field.text!;
    if (t.pattern) return fc.stringMatching(t.pattern, { size: "small" }).map((s) => s.slice(0, t.max));
    return fc.string({ minLength: t.min, maxLength: Math.min(t.max, 24) });
}

/** Shapes that random text practically never hits; the row's rules still filter them (acceptsValue). */
const SHAPES: Readonly<Record<string, (field: FieldSpec) => fc.Arbitrary<string>>> = {
    // A path: "/" and more text of the row's pattern.
    healthCheckUri: (field) => patternText(field).map((s) => `/${s.replace(/^\/+/, "")}`),
    // A list of the status classes the row's doc names (its check accepts only those).
    healthCheckHttpCode: (field) => {
        const codes = [...new Set(field.doc.match(/http_\dxx/g) ?? [])];
        if (codes.length === 0) throw new Error("healthCheckHttpCode: the row's doc no longer names the http_Nxx classes; update SHAPES");
        return fc.subarray(codes, { minLength: 1 }).map((list) => list.join(","));
    },
};

function textArb(field: FieldSpec): fc.Arbitrary<string> {
    const base = SHAPES[field.input]?.(field) ?? (field.values ? fc.constantFrom(...field.values) : patternText(field));
    return base.filter((v) => acceptsValue(field, v));
}

/** Keys shared by many cases, so that two configurations overlap (renames, value changes, partial removals). */
const COMMON_TAG_KEYS = Array.from({ length: 40 }, (_, i) => `k${String(i).padStart(2, "0")}`);

function tagsArb(field: FieldSpec): fc.Arbitrary<Record<string, string>> {
    const probe = (key: string, value: string) => field.check?.({ [key]: value } as never, (part) => part) === undefined;
    const key = fc.oneof({ arbitrary: fc.constantFrom(...COMMON_TAG_KEYS), weight: 6 }, { arbitrary: fc.string({ minLength: 1, maxLength: 64, unit: "grapheme" }), weight: 1 })
        // No program can set a "__proto__" tag: a JavaScript object literal makes it the prototype, and so does
        // google-protobuf's Struct.toJavaScript in the dynamic-provider host, which drops it before check() runs.
        .filter((k) => probe(k, "") && k !== "__proto__");
    const value = fc.oneof({ arbitrary: fc.constantFrom("", "a", "web", "prod"), weight: 3 }, { arbitrary: fc.string({ maxLength: 128, unit: "grapheme" }), weight: 1 })
        .filter((v) => probe("k", v));
    // Few tags mostly; near the limit sometimes (renaming many tags is where the limit bites).
    const many = Math.min(10, MAX_USER_TAGS);
    return fc.oneof(
        { arbitrary: fc.dictionary(key, value, { maxKeys: 4, noNullPrototype: true }), weight: 3 },
        { arbitrary: fc.dictionary(key, value, { minKeys: many, maxKeys: MAX_USER_TAGS, noNullPrototype: true }), weight: 1 },
    ).map((tags) => ({ ...tags })).filter((tags) => acceptsValue(field, tags));
}

/** Any value the row allows (a pool reference for reference fields). */
export function valueArb(field: FieldSpec): fc.Arbitrary<unknown> {
    if (isReference(field)) return fc.nat({ max: 15 }).map((ref): Ref => ({ ref }));
    switch (field.kind) {
        case "boolean":
            return fc.boolean();
        case "integer":
            return integerArb(field);
        case "string":
            return field.values ? fc.constantFrom(...field.values) : textArb(field);
        case "tags":
            return tagsArb(field);
    }
}

/** Set or unset, half and half; unset carries no value (so shrinking never spends runs on unused values). */
function optional(field: FieldSpec): fc.Arbitrary<unknown> {
    return field.required ? valueArb(field) : fc.option(valueArb(field), { nil: undefined, freq: 2 });
}

/** A configuration before the documented cross-field rules are applied (see normalise). */
export function rawConfigArb(protocol: Protocol): fc.Arbitrary<RawConfig> {
    return fc.record(Object.fromEntries(generated(protocol).map((f) => [f.input, optional(f)]))) as fc.Arbitrary<RawConfig>;
}

/** The value normalise() gives a field that must be set but was drawn unset: the generator's first value, fixed. */
const fills = new Map<FieldSpec, unknown>();
function fillValue(field: FieldSpec): unknown {
    if (!fills.has(field)) fills.set(field, fc.sample(valueArb(field), { seed: 1, numRuns: 1 })[0]);
    return fills.get(field);
}

export interface Identity {
    readonly pool: Pool;
    readonly loadBalancerId: string;
    readonly listenerPort: number;
    /** The resource's URN (the resource hands it over as `__program`; the ownership tag is derived from it). */
    readonly urn: string;
    /** Service-managed tags the case will attach: user tags leave room for them under the limit of 20. */
    readonly serviceTags: number;
}

export function resolve(field: FieldSpec, value: unknown, pool: Pool): unknown {
    if (!isReference(field)) return value;
    const ids = pool[field.input];
    if (!ids || ids.length === 0) throw new Error(`the world has no pool for the reference field ${field.input}`);
    return ids[(value as Ref).ref % ids.length];
}

/** The value a field takes on the service when the program leaves it unset (undefined when there is none). */
export function effective(protocol: Protocol, config: Config, name: string): unknown {
    return config[name] ?? protocol.fieldByInput.get(name)?.serviceDefault;
}

/**
 * A configuration that is valid by the documented contract: the generated fields that are present, then
 * - required rows are set; a row with appliesWhen is dropped when its condition does not hold, and set (to a
 *   fixed generated value) when it is requiredWhenApplies and the condition holds;
 * - a row that excludes another (notWith: the two kinds of server group) is dropped when the other is set, and a
 *   row required unless another is set (requiredUnless: backendServerPort without vServerGroupId) is set;
 * - a row the service raises to another's value (atLeast: the connect timeout to the interval) is not written
 *   below the other when both are written (the two written values would contradict each other; one alone is fine);
 * - user tags leave room for the ownership tag and any service-managed tags (20 in all).
 */
export function normalise(protocol: Protocol, raw: RawConfig, id: Identity): Config {
    const fields = generated(protocol);
    const config: Config = {};
    for (const f of fields) if (raw[f.input] !== undefined) config[f.input] = resolve(f, raw[f.input], id.pool);
    const restore = (name: string) => {
        const field = protocol.field(name);
        config[name] = resolve(field, fillValue(field), id.pool);
    };

    for (const f of fields) if (f.notWith && config[f.notWith.field] !== undefined) delete config[f.input];
    for (const f of fields) if (f.requiredUnless && config[f.input] === undefined && config[f.requiredUnless] === undefined) restore(f.input);
    // Conditions may depend on fields that are themselves conditional: settle until nothing changes.
    for (let changed = true; changed;) {
        changed = false;
        for (const f of fields) {
            const when = f.appliesWhen;
            if (!when) continue;
            const holds = effective(protocol, config, when.field) === when.equals;
            if (!holds && config[f.input] !== undefined) {
                delete config[f.input];
                changed = true;
            } else if (holds && f.requiredWhenApplies && config[f.input] === undefined) {
                restore(f.input);
                changed = true;
            }
        }
    }
    for (const f of fields) {
        const value = config[f.input];
        const floor = f.atLeast === undefined ? undefined : config[f.atLeast];
        if (typeof value === "number" && typeof floor === "number" && value < floor) config[f.input] = floor;
    }

    const room = MAX_USER_TAGS - id.serviceTags;
    if (config.tags && Object.keys(config.tags).length > room) {
        config.tags = Object.fromEntries(Object.entries(config.tags as Record<string, string>).slice(0, room));
    }
    config.loadBalancerId = id.loadBalancerId;
    config.listenerPort = id.listenerPort;
    config[PROGRAM_KEY] = { urn: id.urn };
    return config;
}

// ---- out-of-band changes ----

/** Fields the protocol's Set...Attribute call can change. */
export function settable(protocol: Protocol): readonly FieldSpec[] {
    return generated(protocol).filter((f) => f.api?.set !== undefined);
}

export type OutOfBand =
    | { readonly kind: "set"; readonly field: string; readonly value: unknown; readonly companions: RawConfig }
    | { readonly kind: "status" }
    | { readonly kind: "tag-add"; readonly key: string; readonly value: string }
    | { readonly kind: "tag-remove"; readonly index: number }
    | { readonly kind: "detach" }
    | { readonly kind: "service-tag"; readonly key: string; readonly value: string };

export function outOfBandArb(protocol: Protocol): fc.Arbitrary<OutOfBand> {
    const tags = protocol.field("tags");
    const tag = tagsArb(tags).map((t) => Object.entries(t)[0]).filter((e): e is [string, string] => e !== undefined);
    return fc.oneof(
        { arbitrary: fc.constantFrom(...settable(protocol)).chain((f) => setArb(protocol, f)), weight: 4 },
        { arbitrary: fc.constant({ kind: "status" as const }), weight: 1 },
        { arbitrary: tag.map(([key, value]) => ({ kind: "tag-add" as const, key, value })), weight: 1 },
        { arbitrary: fc.nat({ max: 30 }).map((index) => ({ kind: "tag-remove" as const, index })), weight: 1 },
        { arbitrary: fc.constant({ kind: "detach" as const }), weight: 1 },
        {
            arbitrary: fc.record({
                kind: fc.constant("service-tag" as const),
                key: fc.tuple(fc.constantFrom(...SERVICE_TAG_PREFIXES), fc.stringMatching(/^[a-z][a-z:-]{0,11}$/)).map(([p, s]) => p + s),
                value: fc.constantFrom("", "rg-acfm2x", "managed"),
            }),
            weight: 1,
        },
    );
}

/** Rows that must come along when `field` takes the value that makes them apply (aclStatus on -> aclId, aclType). */
function companionsOf(protocol: Protocol, field: FieldSpec): FieldSpec[] {
    return settable(protocol).filter((g) => g.appliesWhen?.field === field.input && g.requiredWhenApplies);
}

function setArb(protocol: Protocol, field: FieldSpec): fc.Arbitrary<OutOfBand> {
    const companions = fc.record(Object.fromEntries(companionsOf(protocol, field).map((g) => [g.input, valueArb(g)]))) as fc.Arbitrary<RawConfig>;
    // A row with a clear value (the probe port's -520, UDP's empty probe string) can also be cleared out of band.
    const value = field.resetValue === undefined ? valueArb(field) : fc.oneof(valueArb(field), fc.constant(field.resetValue));
    return fc.record({ kind: fc.constant("set" as const), field: fc.constant(field.input), value, companions });
}

/** The protocol's Set...Attribute parameters for an out-of-band change of `field` (plus what it needs). */
export function setParamsFor(protocol: Protocol, change: Extract<OutOfBand, { kind: "set" }>, pool: Pool): Record<string, unknown> {
    const field = protocol.field(change.field);
    const value = resolve(field, change.value, pool);
    const params: Record<string, unknown> = { [field.api!.set!]: value };
    if (field.setSwitch) params[field.setSwitch] = "on";
    for (const g of companionsOf(protocol, field)) {
        if (g.appliesWhen!.equals === value) params[g.api!.set!] = resolve(g, change.companions[g.input], pool);
    }
    return params;
}

// ---- a case ----

/** A change B makes to one field of A: the new value, or undefined to unset it. */
export interface FieldChange {
    readonly to: unknown;
}

export interface CaseInput {
    readonly a: RawConfig;
    /** Per field: null keeps A's value, otherwise B's. */
    readonly changes: Readonly<Record<string, FieldChange | null>>;
    /** B drawn on its own instead of as a variation of A (null: a variation). */
    readonly independent: RawConfig | null;
    /** B moves to another listener port (a replacement with a new id). */
    readonly movePort: boolean;
    readonly outOfBand: readonly OutOfBand[];
    /** A `pulumi refresh` between the out-of-band changes and up(B). */
    readonly refresh: boolean;
    /** up(B) and the preview after it run where no region is configured (a CI job that lost ALICLOUD_REGION). */
    readonly regionless: boolean;
}

/** Integers shrink towards 0, so this shrinks towards false: counterexamples change as little as possible. */
const rarely = (oneIn: number) => fc.integer({ min: 0, max: oneIn - 1 }).map((n) => n === oneIn - 1);

/** `value` one time in `oneIn`, null otherwise; shrinks towards null. */
function rarelySome<T>(oneIn: number, value: fc.Arbitrary<T>): fc.Arbitrary<T | null> {
    return fc.oneof({ withCrossShrink: true }, { arbitrary: fc.constant(null), weight: oneIn - 1 }, { arbitrary: value, weight: 1 });
}

export function caseArb(protocol: Protocol): fc.Arbitrary<CaseInput> {
    return fc.record({
        a: rawConfigArb(protocol),
        changes: fc.record(Object.fromEntries(generated(protocol).map((f) => [f.input, rarelySome(7, optional(f).map((to): FieldChange => ({ to })))]))) as
            fc.Arbitrary<Record<string, FieldChange | null>>,
        independent: rarelySome(5, rawConfigArb(protocol)),
        movePort: rarely(10),
        outOfBand: fc.array(outOfBandArb(protocol), { maxLength: 3 }),
        refresh: rarely(4),
        regionless: rarely(12),
    });
}

/** B's raw configuration: A with the changed fields drawn anew, or B's own. */
export function rawB(protocol: Protocol, input: CaseInput): RawConfig {
    if (input.independent) return input.independent;
    return Object.fromEntries(generated(protocol).map((f) => [f.input, input.changes[f.input] ? input.changes[f.input]!.to : input.a[f.input]]));
}

/** Number of service-managed tags the case attaches (distinct keys). */
export function serviceTagCount(input: CaseInput): number {
    return new Set(input.outOfBand.flatMap((c) => (c.kind === "service-tag" ? [c.key] : []))).size;
}

/** The present fields of a raw configuration, for readable counterexamples. */
export function showRaw(protocol: Protocol, raw: RawConfig): string {
    const present = generated(protocol).filter((f) => raw[f.input] !== undefined).map((f) => `${f.input}: ${JSON.stringify(raw[f.input])}`);
    return `{ ${present.join(", ")} }`;
}

export { OWNER_TAG_KEY };
