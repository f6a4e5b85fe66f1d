// Command-line flags for the project's commands (slb-emulator, the benchmark): node:util's tokenizer, with every
// mistake reported as a UsageError in plain words naming the flag (callers print it with their usage and exit 2).
import { parseArgs } from "node:util";

export class UsageError extends Error {}

export type FlagSpec =
    | { type: "string"; multiple?: false; short?: string }
    | { type: "string"; multiple: true; short?: string }
    | { type: "boolean"; short?: string };

type FlagValue<S extends FlagSpec> = S extends { type: "boolean" } ? boolean : S extends { multiple: true } ? string[] : string | undefined;

export type Flags<T extends Record<string, FlagSpec>> = { [K in keyof T]: FlagValue<T[K]> };

/**
 * Parses `argv` against `spec`. Unknown flags, positional arguments, a missing or empty value, a value given to a
 * boolean flag and a repeated single-valued flag are errors. A value may start with "-" (`--port -1`): it is then
 * checked as a value, not taken for a flag.
 */
export function parseFlags<T extends Record<string, FlagSpec>>(argv: string[], spec: T): Flags<T> {
    const { tokens } = parseArgs({ args: argv, options: spec, strict: false, allowPositionals: true, tokens: true });
    const values: Record<string, string | string[] | boolean | undefined> = {};
    for (const [name, s] of Object.entries(spec)) values[name] = s.type === "boolean" ? false : s.multiple ? [] : undefined;
    for (const token of tokens) {
        if (token.kind === "option-terminator") throw new UsageError("unexpected argument --");
        if (token.kind === "positional") throw new UsageError(`unexpected argument ${JSON.stringify(token.value)}`);
        const s: FlagSpec | undefined = Object.prototype.hasOwnProperty.call(spec, token.name) ? spec[token.name] : undefined;
        if (!s) throw new UsageError(`unknown option ${token.rawName}`);
        const flag = `--${token.name}`;
        if (s.type === "boolean") {
            if (token.value !== undefined) throw new UsageError(`${flag} takes no value`);
            values[token.name] = true;
            continue;
        }
        // The tokenizer takes the next argument as the value even when it is another flag: `--port --host x`.
        if (!token.value || (!token.inlineValue && token.value.startsWith("--"))) throw new UsageError(`${flag} needs a value`);
        if (s.multiple) (values[token.name] as string[]).push(token.value);
        else if (values[token.name] !== undefined) throw new UsageError(`${flag} given twice`);
        else values[token.name] = token.value;
    }
    return values as Flags<T>;
}

function invalid(flag: string, value: string, expected: string): UsageError {
    return new UsageError(`invalid value for --${flag}: ${JSON.stringify(value)} (${expected})`);
}

function bounds(min: number, max: number): string {
    if (min === -Infinity) return max === Infinity ? "" : ` <= ${max}`;
    return max === Infinity ? ` >= ${min}` : ` from ${min} to ${max}`;
}

/** A finite decimal number in [min, max]. */
export function numberFlag(flag: string, value: string, min = -Infinity, max = Infinity): number {
    const n = Number(value);
    if (value.trim() === "" || !Number.isFinite(n) || n < min || n > max) {
        throw invalid(flag, value, `a number${bounds(min, max)}`);
    }
    return n;
}

/** An integer in [min, max]. */
export function integerFlag(flag: string, value: string, min = -Infinity, max = Infinity): number {
    const n = Number(value);
    if (value.trim() === "" || !Number.isSafeInteger(n) || n < min || n > max) {
        throw invalid(flag, value, `an integer${bounds(min, max)}`);
    }
    return n;
}

/**
 * A number checked by a library validator (the same one the admin API uses), whose error names `field`:
 * the message is reworded to name the flag instead.
 */
export function validatedFlag(flag: string, value: string, field: string, validate: (n: number) => unknown): number {
    const n = numberFlag(flag, value);
    try {
        validate(n);
    } catch (e) {
        throw invalid(flag, value, (e as Error).message.replace(new RegExp(`^${field}\\s*`), ""));
    }
    return n;
}
