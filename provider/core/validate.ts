// check(): every documented rule of a listener's inputs, all failures at once, each naming the input. Pure and
// network-free, driven by the protocol's table. Values unknown during preview (the engine's sentinel string, which
// may stand in for any type) are skipped, and so is every cross-field rule that depends on them. Secret inputs are
// never quoted: every message that shows a value goes through the same masking.

import { FieldSpec, isSet, rangeWords } from "./fields";
import { PathPatterns } from "./paths";
import { PROGRAM_KEY } from "./context";
import { Protocol } from "./protocol";
import { UNKNOWN, isUnknown } from "./unknown";

export { UNKNOWN, isUnknown };

export interface Failure {
    readonly property: string;
    readonly reason: string;
}

/** Keys the engine (the serialized provider) and the resource itself (what only the program knows) add to the inputs. */
const ENGINE_KEYS = new Set(["__provider", PROGRAM_KEY]);

/** Where a message shows a secret input's value. */
export const SECRET_SHOWN = "[secret]";

/** A short, safe rendering of a received value for error messages. */
export function describeValue(value: unknown): string {
    if (value === null) return "null";
    if (typeof value === "number") return Number.isNaN(value) ? "NaN" : String(value);
    if (typeof value === "string") {
        const shown = value.length > 60 ? `${value.slice(0, 60)}…` : value;
        return `${JSON.stringify(shown)}${value.length > 60 ? ` (${value.length} characters)` : ""}`;
    }
    if (Array.isArray(value)) return "an array";
    if (typeof value === "object") return "an object";
    return `${typeof value} ${String(value)}`;
}

/** A value as a message may quote it: [secret] when the input (or the single tag) was given as a secret. */
export function shownValue(secrets: PathPatterns, path: readonly string[], value: unknown): string {
    return secrets.covers(path) ? SECRET_SHOWN : describeValue(value);
}

/** Problems with one field's own value (type, range, values, text rules). */
function checkValue(field: FieldSpec, value: unknown, secrets: PathPatterns): string | undefined {
    const secret = secrets.coversInput(field.input);
    const got = `; got ${secret ? SECRET_SHOWN : describeValue(value)}`;
    const show = (part: string) => (secret ? SECRET_SHOWN : part);
    switch (field.kind) {
        case "integer": {
            const ok = typeof value === "number" && Number.isInteger(value) &&
                ((value >= field.range!.min && value <= field.range!.max) || (field.range!.also ?? []).includes(value));
            if (!ok) return `must be an integer, ${rangeWords(field.range!)}${got}`;
            const reason = field.check?.(value as never, show);
            return reason ? `${reason}${got}` : undefined;
        }
        case "boolean":
            return typeof value === "boolean" ? undefined : `must be true or false${got}`;
        case "string": {
            if (typeof value !== "string") return `must be a string${got}`;
            if (field.values && !field.values.includes(value)) {
                return `must be one of ${field.values.map((v) => JSON.stringify(v)).join(", ")}${got}`;
            }
            const t = field.text;
            if (t && (value.length < t.min || value.length > t.max)) {
                return `must be ${t.min} to ${t.max} characters${got}`;
            }
            if (t?.pattern && !t.pattern.test(value)) return `may contain only ${t.rule}${got}`;
            return field.check?.(value as never, show);
        }
        case "tags": {
            if (typeof value !== "object" || value === null || Array.isArray(value)) {
                return `must be an object of string keys to string values${got}`;
            }
            const known: Record<string, string> = {};
            for (const [k, v] of Object.entries(value)) {
                if (isUnknown(v)) continue;
                if (typeof v !== "string") {
                    return `value of ${show(JSON.stringify(k.slice(0, 80)))} must be a string; got ${shownValue(secrets, ["tags", k], v)}`;
                }
                known[k] = v;
            }
            return field.check?.(known as never, show);
        }
    }
}

/** Whether a value is acceptable for a field on its own (its type, range, values and text rules); the reason if not. */
export function validateValue(field: FieldSpec, value: unknown): string | undefined {
    return checkValue(field, value, PathPatterns.NONE);
}

/** Best-effort "did you mean" for misspelt property names. */
function closestField(protocol: Protocol, name: string): string | undefined {
    const lower = name.toLowerCase();
    return protocol.fields.map((f) => f.input).find((input) => input.toLowerCase() === lower ||
        (lower.length > 3 && (input.toLowerCase().includes(lower) || lower.includes(input.toLowerCase()))));
}

/**
 * The value a field will have on the service: the input when known and valid, else its default.
 * Returns UNKNOWN when it cannot be known yet, and undefined when unset without a default.
 */
function effective(protocol: Protocol, inputs: Record<string, unknown>, name: string, invalid: Set<string>): unknown {
    const value = inputs[name];
    if (isUnknown(value) || invalid.has(name)) return UNKNOWN;
    return value ?? protocol.fieldByInput.get(name)?.serviceDefault;
}

function crossFieldFailures(protocol: Protocol, inputs: Record<string, unknown>, invalid: Set<string>, secrets: PathPatterns): Failure[] {
    const failures: Failure[] = [];
    const known = (name: string) => !isUnknown(inputs[name]) && !invalid.has(name);
    const shown = (name: string, value: unknown) => (secrets.coversInput(name) ? SECRET_SHOWN : JSON.stringify(value));

    for (const field of protocol.fields) {
        if (field.requiredUnless && !isSet(inputs[field.input]) && !isSet(inputs[field.requiredUnless])) {
            failures.push({ property: field.input, reason: `${field.input} is required unless ${field.requiredUnless} is set` });
        }
    }
    for (const field of protocol.fields) {
        if (field.notWith && isSet(inputs[field.input]) && isSet(inputs[field.notWith.field])) {
            failures.push({ property: field.input, reason: `${field.input} cannot be combined with ${field.notWith.field}: ${field.notWith.because}` });
        }
    }
    for (const field of protocol.fields) {
        const when = field.appliesWhen;
        if (!when) continue;
        const condition = effective(protocol, inputs, when.field, invalid);
        if (isUnknown(condition)) continue;
        const applies = condition === when.equals;
        if (!applies && isSet(inputs[field.input]) && known(field.input)) {
            failures.push({
                property: field.input,
                reason: `${field.input} only applies when ${when.field} is "${when.equals}" (it is ${shown(when.field, condition)}); remove it or set ${when.field}: "${when.equals}"`,
            });
        }
        if (applies && field.requiredWhenApplies && !isSet(inputs[field.input])) {
            failures.push({ property: field.input, reason: `${field.input} is required when ${when.field} is "${when.equals}"` });
        }
    }
    // The service raises such a field to its floor silently; the provider expects that, unless the user wrote both.
    for (const field of protocol.fields) {
        if (!field.atLeast) continue;
        const value = inputs[field.input];
        const floor = inputs[field.atLeast];
        if (known(field.input) && known(field.atLeast) && typeof value === "number" && typeof floor === "number" && value < floor) {
            failures.push({
                property: field.input,
                reason: `${field.input} ${shown(field.input, value)} is less than ${field.atLeast} ${shown(field.atLeast, floor)}; the service would ` +
                    `silently use ${shown(field.atLeast, floor)}, so set ${field.input} to at least ${shown(field.atLeast, floor)} or remove it`,
            });
        }
    }
    return failures;
}

/** Every failure of the inputs at once; an empty array means they are acceptable. Never throws. */
export function validateInputs(protocol: Protocol, raw: unknown, secrets: PathPatterns = PathPatterns.NONE): Failure[] {
    const inputs: Record<string, unknown> = typeof raw === "object" && raw !== null && !Array.isArray(raw)
        ? (raw as Record<string, unknown>) : {};
    const failures: Failure[] = [];
    const invalid = new Set<string>();

    for (const name of Object.keys(inputs)) {
        if (protocol.fieldByInput.has(name) || ENGINE_KEYS.has(name)) continue;
        const hint = closestField(protocol, name);
        const shown = /^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name.slice(0, 60));
        failures.push({ property: name, reason: `${shown} is not a property of ${protocol.resourceName}${hint ? `; did you mean ${hint}?` : ""}` });
    }
    for (const field of protocol.fields) {
        const value = inputs[field.input];
        if (isUnknown(value)) continue;
        if (!isSet(value)) {
            if (field.required) failures.push({ property: field.input, reason: `${field.input} is required` });
            continue;
        }
        const problem = checkValue(field, value, secrets);
        if (problem) {
            invalid.add(field.input);
            failures.push({ property: field.input, reason: `${field.input} ${problem}` });
        }
    }
    return failures.concat(crossFieldFailures(protocol, inputs, invalid, secrets));
}
