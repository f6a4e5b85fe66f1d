// Pure comparison of desired inputs with a listener's state (the recorded outputs, or the live listener):
// which fields replace it, which change in place, which tags and status change, and what drifted.
// Unset inputs compare against the service default, and fields that do not apply are not compared.

import { FIELDS, FIELD_BY_INPUT, FieldSpec, OWNER_TAG_KEY, isSet } from "./fields";
import { FieldChange, desiredTags, settledStatus } from "./mapping";
import { UNKNOWN, isUnknown } from "./validate";

/** What the listener looks like: recorded outputs or the live listener, in input names. */
export interface ListenerState {
    readonly values: Record<string, unknown>;
    readonly tags: Record<string, string>;
    readonly owner?: string;
    readonly status: string;
}

export interface TagChanges {
    readonly set: Record<string, string>;
    readonly remove: string[];
}

export interface StateDiff {
    /** Fields whose change needs a new listener. */
    readonly replaces: string[];
    /** The new listener needs the old one gone first (same port). */
    readonly deleteBeforeReplace: boolean;
    readonly updates: FieldChange[];
    readonly tags: TagChanges;
    /** Target status when it differs, e.g. "running" for a listener stopped out of band. */
    readonly status?: string;
    /** Some desired value is not known yet (preview), so a change is possible. */
    readonly unknown: boolean;
}

/** The value the listener should have for a field: the input, else the service default. */
export function desiredValue(inputs: Record<string, unknown>, field: FieldSpec): unknown {
    const value = inputs[field.input];
    return isSet(value) ? value : field.serviceDefault;
}

/** Whether a field takes effect under the desired inputs; "unknown" while its condition is unknown. */
function applies(inputs: Record<string, unknown>, field: FieldSpec): boolean | "unknown" {
    const when = field.appliesWhen;
    if (!when) return true;
    const condition = desiredValue(inputs, FIELD_BY_INPUT.get(when.field)!);
    if (isUnknown(condition)) return "unknown";
    return condition === when.equals;
}

function same(a: unknown, b: unknown): boolean {
    return (a ?? undefined) === (b ?? undefined);
}

/** Fields compared field by field (tags, status and provider-local inputs have their own rules). */
const COMPARED = FIELDS.filter((f) => f.change !== "tags" && f.change !== "status" && f.change !== "local" && f.input !== "regionId");

export function compareState(inputs: Record<string, unknown>, state: ListenerState): StateDiff {
    const replaces: string[] = [];
    let deleteBeforeReplace = false;
    let unknown = false;
    const updates: FieldChange[] = [];

    for (const field of COMPARED) {
        const to = desiredValue(inputs, field);
        if (isUnknown(to)) {
            unknown = true;
            if (field.change !== "in-place") replaces.push(field.input);
            continue;
        }
        const applicable = applies(inputs, field);
        if (applicable === "unknown") unknown = true;
        if (applicable !== true) continue;
        const from = state.values[field.input];
        if (field.notReportedWith && from === undefined && desiredValue(inputs, FIELD_BY_INPUT.get(field.notReportedWith)!) !== undefined) {
            continue;
        }
        if (same(from, to)) continue;
        const replacedInPlace = field.change === "in-place" && typeof from === "string" && typeof to === "string" &&
            field.replacesWhen?.(from, to) === true;
        if (field.change === "replace") {
            replaces.push(field.input);
        } else if (field.change === "replace-delete-first" || replacedInPlace) {
            replaces.push(field.input);
            deleteBeforeReplace = true;
        } else {
            updates.push({ field, from, to });
        }
    }

    const tags = compareTags(inputs, state);
    if (tags === "unknown") unknown = true;
    const wantStatus = desiredValue(inputs, FIELD_BY_INPUT.get("status")!);
    if (isUnknown(wantStatus)) unknown = true;
    const status = !isUnknown(wantStatus) && settledStatus(state.status) !== wantStatus ? String(wantStatus) : undefined;
    return {
        replaces, deleteBeforeReplace, updates, status, unknown,
        tags: tags === "unknown" ? { set: {}, remove: [] } : tags,
    };
}

function compareTags(inputs: Record<string, unknown>, state: ListenerState): TagChanges | "unknown" {
    if (isUnknown(inputs.tags) || isUnknown(inputs.owner)) return "unknown";
    const want = desiredTags(inputs);
    if (Object.values(want).some(isUnknown)) return "unknown";
    const have: Record<string, string> = { ...state.tags };
    if (state.owner !== undefined) have[OWNER_TAG_KEY] = state.owner;
    const set: Record<string, string> = {};
    for (const [k, v] of Object.entries(want)) if (have[k] !== v) set[k] = v;
    // The ownership tag is only managed when the inputs carry an owner.
    const remove = Object.keys(have).filter((k) => !(k in want) && (k !== OWNER_TAG_KEY || typeof inputs.owner === "string"));
    return { set, remove };
}

export function hasChanges(d: StateDiff): boolean {
    return d.replaces.length > 0 || d.updates.length > 0 || d.status !== undefined || d.unknown ||
        Object.keys(d.tags.set).length > 0 || d.tags.remove.length > 0;
}

function show(value: unknown): string {
    if (value === undefined) return "unset";
    return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

/**
 * One line per field where the live listener differs both from what was recorded and from what the
 * program wants: `<id>: <input> is <live>, want <desired>`.
 */
export function driftReport(id: string, inputs: Record<string, unknown>, recorded: ListenerState, live: ListenerState): string[] {
    const lines: string[] = [];
    const liveDiff = compareState(inputs, live);
    const changed = new Set([...liveDiff.updates.map((u) => u.field.input), ...liveDiff.replaces]);
    for (const field of COMPARED) {
        if (!changed.has(field.input)) continue;
        const was = recorded.values[field.input];
        const now = live.values[field.input];
        if (!same(was, now)) lines.push(`${id}: ${field.input} is ${show(now)}, want ${show(desiredValue(inputs, field))}`);
    }
    const tagKeys = new Set([...Object.keys(liveDiff.tags.set), ...liveDiff.tags.remove]);
    for (const key of tagKeys) {
        const was = key === OWNER_TAG_KEY ? recorded.owner : recorded.tags[key];
        const now = key === OWNER_TAG_KEY ? live.owner : live.tags[key];
        if (was !== now) lines.push(`${id}: tags.${key} is ${show(now)}, want ${show(desiredTags(inputs)[key])}`);
    }
    if (liveDiff.status && settledStatus(live.status) !== settledStatus(recorded.status)) {
        lines.push(`${id}: status is ${show(settledStatus(live.status))}, want ${show(liveDiff.status)}`);
    }
    return lines;
}

/** Recorded outputs seen as a listener state. */
export function stateFromOutputs(outs: Record<string, unknown>): ListenerState {
    const tags = typeof outs.tags === "object" && outs.tags !== null ? (outs.tags as Record<string, string>) : {};
    return {
        values: outs,
        tags,
        owner: typeof outs.owner === "string" ? outs.owner : undefined,
        status: typeof outs.status === "string" ? outs.status : "running",
    };
}

export { UNKNOWN };
