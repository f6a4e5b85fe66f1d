// The service's defaults as inputs: what check() fills in for a field the program leaves unset, so that the engine
// records, compares and shows the listener's whole configuration (a replacement's preview then lists what changes,
// not every default as removed), and what refresh hands back as inputs.

import { applies, valueOf } from "./desired";
import { FieldSpec, isSet } from "./fields";
import { Protocol } from "./protocol";
import { isUnknown } from "./unknown";
import { validateValue } from "./validate";

/**
 * Whether the service's default of a field is a value a program could write itself. Most are ("wrr", 900, "off");
 * an empty description or health-check domain is "no value", and a health-check path of "/" is what the service
 * reports when none is set: no input can spell those.
 */
export function writableDefault(field: FieldSpec): boolean {
    return field.serviceDefault !== undefined && validateValue(field, field.serviceDefault) === undefined;
}

/**
 * Whether filling a field would make a written field fall below it (a connect timeout of 1 with the interval left
 * at its default 2): the pair would read as written by the user, which validation refuses; the service holds the
 * floor either way, so the floor is left unset.
 */
function undercutsFloor(protocol: Protocol, inputs: Record<string, unknown>, floor: FieldSpec, value: unknown): boolean {
    return protocol.fields.some((f) => f.atLeast === floor.input && typeof inputs[f.input] === "number" && typeof value === "number" &&
        (inputs[f.input] as number) < value);
}

/** The inputs with every unset field that takes effect and has a writable default given the listener's value. */
export function withDefaults(protocol: Protocol, inputs: Record<string, unknown>, region: string | undefined): Record<string, unknown> {
    const filled: Record<string, unknown> = { ...inputs };
    for (const field of protocol.fields) {
        if (isSet(inputs[field.input])) continue;
        if (field.input === "regionId") {
            if (region !== undefined) filled.regionId = region;
            continue;
        }
        if (!writableDefault(field) || applies(protocol, inputs, field) !== true) continue;
        const value = valueOf(protocol, inputs, field);
        if (isUnknown(value) || undercutsFloor(protocol, inputs, field, value)) continue;
        filled[field.input] = typeof value === "object" && value !== null ? { ...value } : value;
    }
    return filled;
}
