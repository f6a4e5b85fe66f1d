// Pure comparison of desired inputs with a listener's state (the recorded outputs, or the live listener):
// which fields replace it, which change in place, which tags and status change, and what drifted.
// Unset inputs compare against the service default, and fields that do not apply are not compared.

import { desiredValue } from "./desired";
import { FIELDS, FIELD_BY_INPUT, FieldSpec, OWNER_TAG_KEY } from "./fields";
import { FieldChange, LiveListener, desiredTags, settledStatus } from "./mapping";
import { coversPath, pathSet } from "./paths";
import { SECRET_SHOWN, isUnknown, secretPaths } from "./validate";

/** What the listener looks like: recorded outputs or the live listener, in input names. */
export type ListenerState = LiveListener;

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

export { desiredValue };

/** Whether a field takes effect under the desired inputs; "unknown" while its condition is unknown. */
function applies(inputs: Record<string, unknown>, field: FieldSpec): boolean | "unknown" {
    const when = field.appliesWhen;
    if (!when) return true;
    const condition = desiredValue(inputs, FIELD_BY_INPUT.get(when.field)!);
    if (isUnknown(condition)) return "unknown";
    return condition === when.equals;
}

/** Tag keys are the user's: "toString" is a tag like any other, not a property of every object. */
const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

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
        // What Describe hides (backendServerPort behind a group) was filled in from the record (fillUnreported):
        // a value the record lacks is truly unset, so adding it later is a change like any other.
        if (applicable !== true) continue;
        const from = state.values[field.input];
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
    for (const [k, v] of Object.entries(want)) if (!hasOwn(have, k) || have[k] !== v) set[k] = v;
    // The ownership tag is only managed when the inputs carry an owner.
    const remove = Object.keys(have).filter((k) => !hasOwn(want, k) && (k !== OWNER_TAG_KEY || typeof inputs.owner === "string"));
    return { set, remove };
}

export function hasChanges(d: StateDiff): boolean {
    return d.replaces.length > 0 || d.updates.length > 0 || d.status !== undefined || d.unknown ||
        Object.keys(d.tags.set).length > 0 || d.tags.remove.length > 0;
}

/** The paths of the resource's ignoreChanges option (TcpListener hands it over as the ignoreChanges input). */
export function ignoredPaths(inputs: Record<string, unknown>): ReadonlySet<string> {
    return pathSet(inputs.ignoreChanges);
}

/**
 * The live state with every property the program ignores (ignoreChanges) taken from the recorded state instead:
 * the engine already put the old input values into the program's inputs, so comparing those with the live value
 * would revert a change made outside Pulumi that the user chose to keep.
 */
export function withoutIgnoredDrift(live: ListenerState, recorded: ListenerState, ignored: ReadonlySet<string>): ListenerState {
    if (ignored.size === 0) return live;
    const values = { ...live.values };
    for (const path of ignored) {
        if (FIELD_BY_INPUT.has(path) && path !== "tags" && path !== "status") {
            if (recorded.values[path] === undefined) delete values[path];
            else values[path] = recorded.values[path];
        }
    }
    let tags = { ...live.tags };
    if (ignored.has("tags")) tags = { ...recorded.tags };
    for (const path of ignored) {
        if (!path.startsWith("tags.")) continue;
        const key = path.slice("tags.".length);
        if (hasOwn(recorded.tags, key)) tags[key] = recorded.tags[key];
        else delete tags[key];
    }
    return { values, tags, owner: live.owner, status: ignored.has("status") ? recorded.status : live.status };
}

function show(value: unknown, secret: boolean): string {
    if (secret) return SECRET_SHOWN;
    if (value === undefined) return "unset";
    return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

/**
 * One line per field where the live listener differs both from what was recorded and from what the
 * program wants: `<id>: <input> is <live>, want <desired>`; secret inputs show as [secret], and drift the
 * program ignores (ignoreChanges) says it is left as it is.
 */
export function driftReport(id: string, inputs: Record<string, unknown>, recorded: ListenerState, live: ListenerState): string[] {
    const secrets = secretPaths(inputs);
    const ignored = ignoredPaths(inputs);
    const line = (path: string, now: unknown, want: unknown) =>
        `${id}: ${path} is ${show(now, coversPath(secrets, path))}, want ${show(want, coversPath(secrets, path))}` +
        (coversPath(ignored, path) ? " (left as it is: ignoreChanges)" : "");
    const lines: string[] = [];
    const liveDiff = compareState(inputs, live);
    const changed = new Set([...liveDiff.updates.map((u) => u.field.input), ...liveDiff.replaces]);
    for (const field of COMPARED) {
        if (!changed.has(field.input)) continue;
        const now = live.values[field.input];
        if (!same(recorded.values[field.input], now)) lines.push(line(field.input, now, desiredValue(inputs, field)));
    }
    const tagKeys = new Set([...Object.keys(liveDiff.tags.set), ...liveDiff.tags.remove]);
    for (const key of tagKeys) {
        const own = (tags: Record<string, string>) => (hasOwn(tags, key) ? tags[key] : undefined);
        const was = key === OWNER_TAG_KEY ? recorded.owner : own(recorded.tags);
        const now = key === OWNER_TAG_KEY ? live.owner : own(live.tags);
        if (was !== now) lines.push(line(`tags.${key}`, now, own(desiredTags(inputs))));
    }
    if (liveDiff.status && settledStatus(live.status) !== settledStatus(recorded.status)) {
        lines.push(line("status", settledStatus(live.status), liveDiff.status));
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
