// Value encoding between the three worlds the harness connects (reference §2c "Value encoding"):
//   program side  - what setMocks hands to newResource (unknowns as pulumi.unknown, secrets as wrapper objects),
//   wire side     - plain JSON for google.protobuf.Struct (unknowns as the sentinel string, secrets unwrapped),
//   state file    - plain JSON, with secret values obscured (the engine would encrypt them).
import * as pulumi from "@pulumi/pulumi";

/** The engine's unknown-value sentinel (sdk runtime/rpc.ts `unknownValue`). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** Key that marks special objects (secrets, assets, resource refs, ...). */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
/** Signature of a secret: `{ [SIG_KEY]: SECRET_SIG, value }`. */
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type PropertyMap = Record<string, Json>;

/** Marks a stack-config value as secret (`pulumi config set --secret`). */
export interface SecretConfig {
    secret: string;
}
export type ConfigValue = string | SecretConfig;

export function secret(value: string): SecretConfig {
    return { secret: value };
}

export function isSecretConfig(v: ConfigValue): v is SecretConfig {
    return typeof v === "object" && v !== null && typeof v.secret === "string";
}

function isObject(v: unknown): v is Record<string, unknown> {
    return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function isSecretWrapper(v: unknown): v is { value: unknown } {
    return isObject(v) && v[SIG_KEY] === SECRET_SIG;
}

/** Wraps a value the way the engine wraps secret config values in ConfigureRequest.args. */
export function wrapSecret(value: Json): Json {
    return { [SIG_KEY]: SECRET_SIG, value };
}

/**
 * Converts inputs as delivered by the mock monitor into wire values: pulumi.unknown (and nested unknowns) become
 * the sentinel string, secret wrappers are unwrapped (the dynamic provider declines secrets), undefined entries are
 * dropped. Returns the names of top-level keys that carried a secret anywhere inside, so the harness can keep
 * treating them as secret (the engine's `annotateSecrets`).
 */
export function toWire(inputs: Record<string, unknown>): { props: PropertyMap; secretKeys: string[] } {
    const props: PropertyMap = {};
    const secretKeys: string[] = [];
    for (const [k, v] of Object.entries(inputs)) {
        const found = { secret: false };
        const w = valueToWire(v, found, k);
        if (w !== undefined) props[k] = w;
        if (found.secret) secretKeys.push(k);
    }
    return { props, secretKeys };
}

function valueToWire(v: unknown, found: { secret: boolean }, path: string): Json | undefined {
    if (v === undefined) return undefined;
    if (pulumi.isUnknown(v)) return UNKNOWN;
    if (v === null || typeof v === "boolean" || typeof v === "number" || typeof v === "string") return v;
    if (isSecretWrapper(v)) {
        found.secret = true;
        return valueToWire(v.value, found, path);
    }
    if (Array.isArray(v)) return v.map((e, i) => valueToWire(e, found, `${path}[${i}]`) ?? null);
    if (isObject(v) && Object.getPrototypeOf(v) === Object.prototype && !(SIG_KEY in v)) {
        const out: Record<string, Json> = {};
        for (const [k, e] of Object.entries(v)) {
            const w = valueToWire(e, found, `${path}.${k}`);
            if (w !== undefined) out[k] = w;
        }
        return out;
    }
    throw new Error(`harness: unsupported input value at ${path} (assets, archives and resource objects are not handled)`);
}

/** Wire outputs -> what the mock returns to the program: secret keys re-wrapped, sentinels left for the SDK. */
export function toProgram(props: PropertyMap, secretKeys: readonly string[]): Record<string, unknown> {
    const out: Record<string, unknown> = { ...props };
    for (const k of secretKeys) if (k in out) out[k] = { [SIG_KEY]: SECRET_SIG, value: out[k] };
    return out;
}

/** Drops the secret markers of resolved stack outputs (`serializeProperties` result), keeping sentinels. */
export function unwrapSecrets(v: unknown): unknown {
    if (isSecretWrapper(v)) return unwrapSecrets(v.value);
    if (Array.isArray(v)) return v.map(unwrapSecrets);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, unwrapSecrets(e)]));
    return v;
}

/** JSON text with object keys sorted, for order-insensitive comparison. */
function canonical(v: unknown): string {
    return JSON.stringify(v, (_k, x: unknown) =>
        isObject(x) ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1))) : x) ?? "undefined";
}

/** Top-level keys whose values differ between two property maps (the engine's input diff for DIFF_UNKNOWN). */
export function changedKeys(olds: PropertyMap, news: PropertyMap): string[] {
    const keys = new Set([...Object.keys(olds), ...Object.keys(news)]);
    return [...keys].filter((k) => canonical(olds[k]) !== canonical(news[k])).sort();
}

/** Obscures secret values for the state file: `{[SIG_KEY]: SECRET_SIG, ciphertext}` (base64 - NOT encryption). */
export function obscure(props: PropertyMap, secretKeys: readonly string[] | undefined): PropertyMap {
    const out: PropertyMap = { ...props };
    for (const k of secretKeys ?? []) {
        if (k in out) {
            const ciphertext = Buffer.from(JSON.stringify(out[k]), "utf8").toString("base64");
            out[k] = { [SIG_KEY]: SECRET_SIG, ciphertext };
        }
    }
    return out;
}

export function reveal(props: PropertyMap): PropertyMap {
    const out: PropertyMap = {};
    for (const [k, v] of Object.entries(props)) {
        out[k] = isObject(v) && v[SIG_KEY] === SECRET_SIG && typeof v.ciphertext === "string"
            ? (JSON.parse(Buffer.from(v.ciphertext, "base64").toString("utf8")) as Json)
            : v;
    }
    return out;
}
