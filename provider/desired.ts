// What the service will hold for a field once the inputs are applied: the input (in the spelling the service
// reports), else the service default, raised to the floor the service enforces (atLeast). Diff, drift detection
// and the outputs of a partial failure all compare against this, so none of them expects what the service
// would never show.

import { FIELD_BY_INPUT, FieldSpec, isSet } from "./fields";
import { UNKNOWN, isUnknown } from "./unknown";

export function desiredValue(inputs: Record<string, unknown>, field: FieldSpec): unknown {
    const raw = inputs[field.input];
    if (isUnknown(raw)) return UNKNOWN;
    let value = isSet(raw) ? raw : field.serviceDefault;
    if (typeof value === "string" && field.reportedAs && Object.prototype.hasOwnProperty.call(field.reportedAs, value)) {
        value = field.reportedAs[value];
    }
    if (field.atLeast && typeof value === "number") {
        const floor = desiredValue(inputs, FIELD_BY_INPUT.get(field.atLeast)!);
        if (isUnknown(floor)) return UNKNOWN;
        if (typeof floor === "number" && floor > value) value = floor;
    }
    return value;
}

/** The Set parameter value that gives the field the desired value `to` (undefined: back to the default). */
export function wireValue(field: FieldSpec, to: unknown): unknown {
    const value = isSet(to) ? to : field.serviceDefault;
    if (!isSet(value)) return field.resetValue;
    // A value the service reports in another spelling is sent in the spelling it accepts ("" -> "$_ip").
    const spelled = Object.entries(field.reportedAs ?? {}).find(([, reported]) => reported === value);
    return spelled ? spelled[0] : value;
}

/** Whether a field takes effect under the desired inputs; "unknown" while its condition is unknown. */
export function applies(inputs: Record<string, unknown>, field: FieldSpec): boolean | "unknown" {
    const when = field.appliesWhen;
    if (!when) return true;
    const condition = desiredValue(inputs, FIELD_BY_INPUT.get(when.field)!);
    if (isUnknown(condition)) return "unknown";
    return condition === when.equals;
}
