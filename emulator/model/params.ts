// Reading and validating request parameters. Every bad value becomes a 400 ApiError naming the
// parameter; nothing here may throw anything else (the model turns stray exceptions into 500s).
// Unknown parameters are ignored, as the real gateway does, so a misspelt parameter (e.g.
// `HealthCheckInterval` on Create) silently falls back to the service default and shows up as drift.
import { ApiError, Errors } from "../errors";
import { getOwn } from "./store";

/** Longest string value the model reads; anything longer is rejected before regexes run on it. */
const MAX_VALUE_CHARS = 8192;

/** Length in Unicode code points (what the service counts, so an emoji is one character). */
export const charLength = (s: string) => [...s].length;

export class Params {
    private readonly values: Record<string, unknown>;

    constructor(values: unknown) {
        this.values = typeof values === "object" && values !== null ? (values as Record<string, unknown>) : {};
    }

    /** Every parameter name present. */
    names(): string[] {
        return Object.keys(this.values);
    }

    /** The raw value, or undefined when absent. Non-string or oversized values are rejected. */
    get(name: string): string | undefined {
        const v = getOwn(this.values, name);
        if (v === undefined || v === null) return undefined;
        if (typeof v !== "string") throw Errors.invalidParameter(name, "The value must be a string.");
        if (v.length > MAX_VALUE_CHARS) throw Errors.invalidParameter(name, "The value is too long.");
        return v;
    }

    has(name: string): boolean {
        return this.get(name) !== undefined;
    }

    /** A mandatory parameter; absent or empty -> MissingParameter. */
    required(name: string): string {
        const v = this.get(name);
        if (v === undefined || v === "") throw Errors.missingParameter(name);
        return v;
    }

    /** An optional string; empty is an invalid value unless allowEmpty. */
    string(name: string, opts: { maxChars?: number; pattern?: RegExp; allowEmpty?: boolean; detail?: string } = {}): string | undefined {
        const v = this.get(name);
        if (v === undefined) return undefined;
        if (v === "" && !opts.allowEmpty) throw Errors.invalidParameter(name, "The value must not be empty.");
        if (opts.maxChars !== undefined && charLength(v) > opts.maxChars) {
            throw Errors.invalidParameter(name, `The value must be at most ${opts.maxChars} characters.`);
        }
        if (opts.pattern && v !== "" && !opts.pattern.test(v)) throw Errors.invalidParameter(name, opts.detail ?? "The value has an invalid format.");
        return v;
    }

    int(name: string, min: number, max: number, required = false): number | undefined {
        const v = required ? this.required(name) : this.get(name);
        if (v === undefined) return undefined;
        return parseIntStrict(name, v, min, max);
    }

    requiredInt(name: string, min: number, max: number): number {
        return this.int(name, min, max, true) as number;
    }

    oneOf<T extends string>(name: string, allowed: readonly T[], required = false): T | undefined {
        const v = required ? this.required(name) : this.get(name);
        if (v === undefined) return undefined;
        if (!(allowed as readonly string[]).includes(v)) throw Errors.invalidParameter(name, `Valid values: ${allowed.join(", ")}.`);
        return v as T;
    }

    bool(name: string): boolean | undefined {
        const v = this.get(name);
        if (v === undefined) return undefined;
        if (v === "true") return true;
        if (v === "false") return false;
        throw Errors.invalidParameter(name, "Valid values: true, false.");
    }

    /** `Name.1`, `Name.2`, ... in index order (gaps allowed, as OpenApiUtil.query leaves them for null items). */
    list(prefix: string, maxN: number, tooMany: () => ApiError = () => Errors.invalidParameter(prefix, `At most ${maxN} values.`)): string[] {
        const found: [number, string][] = [];
        for (const name of this.names()) {
            if (!name.startsWith(prefix + ".")) continue;
            const rest = name.slice(prefix.length + 1);
            const n = indexOf(name, rest);
            if (rest !== String(n)) throw Errors.invalidParameter(name, `Expected ${prefix}.N.`);
            if (n > maxN) throw tooMany();
            const v = this.get(name);
            if (v === undefined || v === "") throw Errors.invalidParameter(name, "The value must not be empty.");
            found.push([n, v]);
        }
        return found.sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    }

    /** A JSON-valued parameter (e.g. BackendServers); malformed JSON -> InvalidParameter. */
    json(name: string): unknown {
        const v = this.get(name);
        if (v === undefined) return undefined;
        try {
            return JSON.parse(v) as unknown;
        } catch {
            throw Errors.invalidParameter(name, "The value is not valid JSON.");
        }
    }
}

/** The N of `Prefix.N...`: a positive decimal integer without sign or leading zeros. */
export function indexOf(paramName: string, rest: string): number {
    const m = /^([1-9][0-9]{0,5})(?:$|\.)/.exec(rest);
    if (!m) throw Errors.invalidParameter(paramName, "The index N must be a positive integer.");
    return Number(m[1]);
}

export function parseIntStrict(name: string, v: string, min: number, max: number): number {
    if (!/^-?[0-9]{1,12}$/.test(v)) throw Errors.invalidParameter(name, "The value must be an integer.");
    const n = Number(v);
    if (n < min || n > max) throw Errors.invalidParameter(name, `The value must be between ${min} and ${max}.`);
    return n;
}
