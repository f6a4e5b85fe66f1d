// The listener the program wants, computed once from its inputs: for every compared field that takes effect, the value
// the service will hold (the input in the spelling the service reports, else the service default, raised to the floor
// the service enforces: atLeast), the user's tags, the ownership tag and the status. Diff, drift lines, the recorded
// state of a partial failure and check()'s defaults all read this one value, so none of them expects what the
// service would never show.

import { ResourceContext } from "./context";
import { FieldSpec, isSet } from "./fields";
import { Protocol } from "./protocol";
import { UNKNOWN, isUnknown } from "./unknown";

export interface DesiredListener {
    readonly protocol: Protocol;
    /** The inputs as written (checked): what Create sends. */
    readonly inputs: Readonly<Record<string, unknown>>;
    readonly context: ResourceContext;
    /**
     * Every compared field that takes effect, with the value the service will hold (undefined: it wants the field
     * unset, such as a detached group), and every field whose value is not known yet (UNKNOWN, in a preview).
     */
    readonly values: ReadonlyMap<string, unknown>;
    /** Fields whose taking effect is not known yet (their condition is unknown). */
    readonly undecided: ReadonlySet<string>;
    /** The user's tags, or UNKNOWN. */
    readonly tags: Readonly<Record<string, string>> | typeof UNKNOWN;
    /** "running" or "stopped", or UNKNOWN. */
    readonly status: string;
}

/** The listener the inputs ask for. */
export function desiredListener(protocol: Protocol, inputs: Record<string, unknown>, context: ResourceContext): DesiredListener {
    const values = new Map<string, unknown>();
    const undecided = new Set<string>();
    for (const field of protocol.compared) {
        const value = valueOf(protocol, inputs, field);
        const applicable = applies(protocol, inputs, field);
        if (applicable === "unknown") undecided.add(field.input);
        // A value not known yet may change the listener whether or not the field turns out to take effect.
        if (applicable === true || isUnknown(value)) values.set(field.input, value);
    }
    const tags = inputs.tags;
    const userTags = isUnknown(tags) || (typeof tags === "object" && tags !== null && Object.values(tags).some(isUnknown))
        ? UNKNOWN
        : { ...((typeof tags === "object" && tags !== null ? tags : {}) as Record<string, string>) };
    const status = valueOf(protocol, inputs, protocol.field("status"));
    return { protocol, inputs, context, values, undecided, tags: userTags, status: isUnknown(status) ? UNKNOWN : String(status) };
}

/** What the service will hold for one field under these inputs (UNKNOWN when it cannot be known yet). */
export function valueOf(protocol: Protocol, inputs: Record<string, unknown>, field: FieldSpec): unknown {
    const raw = inputs[field.input];
    if (isUnknown(raw)) return UNKNOWN;
    let value = isSet(raw) ? raw : field.serviceDefault;
    if (typeof value === "string" && field.reportedAs && Object.prototype.hasOwnProperty.call(field.reportedAs, value)) {
        value = field.reportedAs[value];
    }
    if (field.atLeast && typeof value === "number") {
        const floor = valueOf(protocol, inputs, protocol.field(field.atLeast));
        if (isUnknown(floor)) return UNKNOWN;
        if (typeof floor === "number" && floor > value) value = floor;
    }
    return value;
}

/** Whether a field takes effect under the inputs; "unknown" while its condition is unknown. */
export function applies(protocol: Protocol, inputs: Record<string, unknown>, field: FieldSpec): boolean | "unknown" {
    const when = field.appliesWhen;
    if (!when) return true;
    const condition = valueOf(protocol, inputs, protocol.field(when.field));
    if (isUnknown(condition)) return "unknown";
    return condition === when.equals;
}

/** The Set parameter value that gives the field the desired value `to` (undefined: back to the default). */
export function wireValue(field: FieldSpec, to: unknown): unknown {
    const value = isSet(to) ? to : field.serviceDefault;
    if (!isSet(value)) return field.resetValue;
    // A value the service reports in another spelling is sent in the spelling it accepts ("" -> "$_ip").
    const spelled = Object.entries(field.reportedAs ?? {}).find(([, reported]) => reported === value);
    return spelled ? spelled[0] : value;
}
