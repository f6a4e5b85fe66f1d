// Pure comparison of the desired listener (desired.ts, computed once from the inputs) with a listener's state (the
// recorded outputs, or the live listener): which fields replace it, which change in place, which tags and status
// change, and what drifted. Fields that do not take effect are not compared.

import { ownerTagSatisfied } from "./context";
import { DesiredListener } from "./desired";
import { OWNER_TAG_KEY } from "./fields";
import { FieldChange, LiveListener, settledStatus } from "./mapping";
import { PathPatterns, PathSegment, showPath } from "./paths";
import { Protocol } from "./protocol";
import { SECRET_SHOWN, isUnknown } from "./validate";

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

/** Tag keys are the user's: "toString" is a tag like any other, not a property of every object. */
const hasOwn = (object: object, key: string) => Object.prototype.hasOwnProperty.call(object, key);

function same(a: unknown, b: unknown): boolean {
    return (a ?? undefined) === (b ?? undefined);
}

/** What must change for a listener in `state` to become the desired one. */
export function compareState(desired: DesiredListener, state: ListenerState): StateDiff {
    const replaces: string[] = [];
    let deleteBeforeReplace = false;
    let unknown = false;
    const updates: FieldChange[] = [];

    for (const field of desired.protocol.compared) {
        if (desired.undecided.has(field.input)) unknown = true;
        if (!desired.values.has(field.input)) continue;
        const to = desired.values.get(field.input);
        if (isUnknown(to)) {
            unknown = true;
            if (field.change !== "in-place") replaces.push(field.input);
            continue;
        }
        // What Describe hides (backendServerPort behind a group) was filled in from the record (fillUnreported):
        // a value the record lacks is truly unset, so adding it later is a change like any other.
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

    const tags = compareTags(desired, state);
    if (tags === "unknown") unknown = true;
    if (isUnknown(desired.status)) unknown = true;
    const status = !isUnknown(desired.status) && settledStatus(state.status) !== desired.status ? desired.status : undefined;
    return {
        replaces, deleteBeforeReplace, updates, status, unknown,
        tags: tags === "unknown" ? { set: {}, remove: [] } : tags,
    };
}

function compareTags(desired: DesiredListener, state: ListenerState): TagChanges | "unknown" {
    const want = desired.tags;
    if (isUnknown(want)) return "unknown";
    const set: Record<string, string> = {};
    for (const [k, v] of Object.entries(want as Record<string, string>)) if (!hasOwn(state.tags, k) || state.tags[k] !== v) set[k] = v;
    const remove = Object.keys(state.tags).filter((k) => !hasOwn(want as object, k));
    // The ownership tag: written when missing or another's; a tag an earlier version wrote for this resource is kept.
    // The outputs do not record it (null): only the live listener's tag is compared.
    const { context } = desired;
    if (context.owner !== undefined && state.owner !== null && !ownerTagSatisfied(context, state.owner)) set[OWNER_TAG_KEY] = context.owner;
    return { set, remove };
}

export function hasChanges(d: StateDiff): boolean {
    return d.replaces.length > 0 || d.updates.length > 0 || d.status !== undefined || d.unknown ||
        Object.keys(d.tags.set).length > 0 || d.tags.remove.length > 0;
}

/**
 * The live state with every property the program ignores (ignoreChanges) taken from the recorded state instead:
 * the engine already put the old input values into the program's inputs, so comparing those with the live value
 * would revert a change made outside Pulumi that the user chose to keep.
 */
export function withoutIgnoredDrift(protocol: Protocol, live: ListenerState, recorded: ListenerState, ignored: PathPatterns): ListenerState {
    if (ignored.empty) return live;
    const values = { ...live.values };
    for (const field of protocol.compared) {
        if (!ignored.coversInput(field.input)) continue;
        if (recorded.values[field.input] === undefined) delete values[field.input];
        else values[field.input] = recorded.values[field.input];
    }
    const tags = { ...live.tags };
    for (const key of new Set([...Object.keys(live.tags), ...Object.keys(recorded.tags)])) {
        if (!ignored.coversTag(key)) continue;
        if (hasOwn(recorded.tags, key)) tags[key] = recorded.tags[key];
        else delete tags[key];
    }
    return { values, tags, owner: live.owner, status: ignored.coversInput("status") ? recorded.status : live.status };
}

/** The property paths a diff changes: fields, single tags and the status. */
export function changedPaths(d: StateDiff): PathSegment[][] {
    return [
        ...d.updates.map((u) => [u.field.input]),
        ...d.replaces.map((f) => [f]),
        ...[...Object.keys(d.tags.set), ...d.tags.remove].filter((k) => k !== OWNER_TAG_KEY).map((k) => ["tags", k]),
        ...(d.status !== undefined ? [["status"]] : []),
    ];
}

function show(value: unknown, secret: boolean): string {
    if (secret) return SECRET_SHOWN;
    if (value === undefined) return "unset";
    return typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
}

/**
 * One line per field where the live listener differs both from what was recorded and from what the
 * program wants: `<id>: <input> is <live>, want <desired>`; secret inputs show as [secret], and drift the
 * program ignores (ignoreChanges) says it is left as it is. The ownership tag is the provider's own and is
 * restored without a line.
 */
export function driftReport(id: string, desired: DesiredListener, recorded: ListenerState, live: ListenerState): string[] {
    const { secrets, ignored } = desired.context;
    const line = (path: PathSegment[], now: unknown, want: unknown) => {
        const secret = secrets.covers(path);
        // A tag map given as a secret hides its keys too.
        const name = path[0] === "tags" && secrets.coversInput("tags") ? `tags.${SECRET_SHOWN}` : showPath(path);
        return `${id}: ${name} is ${show(now, secret)}, want ${show(want, secret)}` + (ignored.covers(path) ? " (left as it is: ignoreChanges)" : "");
    };
    const lines: string[] = [];
    const liveDiff = compareState(desired, live);
    const changed = new Set([...liveDiff.updates.map((u) => u.field.input), ...liveDiff.replaces]);
    for (const field of desired.protocol.compared) {
        if (!changed.has(field.input)) continue;
        const now = live.values[field.input];
        if (!same(recorded.values[field.input], now)) lines.push(line([field.input], now, desired.values.get(field.input)));
    }
    const want = isUnknown(desired.tags) ? {} : desired.tags as Record<string, string>;
    for (const key of new Set([...Object.keys(liveDiff.tags.set), ...liveDiff.tags.remove])) {
        if (key === OWNER_TAG_KEY) continue;
        const own = (tags: Record<string, string>) => (hasOwn(tags, key) ? tags[key] : undefined);
        if (own(recorded.tags) !== own(live.tags)) lines.push(line(["tags", key], own(live.tags), own(want)));
    }
    if (liveDiff.status && settledStatus(live.status) !== settledStatus(recorded.status)) {
        lines.push(line(["status"], settledStatus(live.status), liveDiff.status));
    }
    return lines;
}

/**
 * Recorded outputs seen as a listener state. The outputs leave out what does not take effect and what has "no value"
 * (toOutputs); the service holds its default there.
 */
export function stateFromOutputs(protocol: Protocol, outs: Record<string, unknown>): ListenerState {
    const tags = typeof outs.tags === "object" && outs.tags !== null ? (outs.tags as Record<string, string>) : {};
    const values: Record<string, unknown> = { ...outs };
    for (const field of protocol.compared) {
        const value = values[field.input];
        if (value === undefined) values[field.input] = field.serviceDefault;
        // Outputs keep the input's spelling of a value the service reports in another ("$_ip" for "").
        else if (typeof value === "string" && field.reportedAs && hasOwn(field.reportedAs, value)) values[field.input] = field.reportedAs[value];
    }
    return {
        values,
        tags,
        // Earlier versions recorded the ownership tag as the output `owner`; now it is the provider's own business.
        owner: typeof outs.owner === "string" ? outs.owner : null,
        status: typeof outs.status === "string" ? outs.status : "running",
    };
}
