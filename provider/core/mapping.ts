// Translation between the listener's inputs and the SLB wire names, derived from the protocol's field table:
// Create and Set request parameters, and the Describe response read back as input-named live state.

import { writableDefault } from "./defaults";
import { applies, valueOf, wireValue } from "./desired";
import { FieldSpec, OWNER_TAG_KEY, SERVICE_TAG_KEY, isSet } from "./fields";
import { ListenerKey, Protocol } from "./protocol";

/**
 * The listener as the service reports it, keyed by input names: tags without the ownership tag and without
 * the tags the platform attaches itself (acs:…, aliyun…), which are neither the user's nor ours to manage.
 */
export interface LiveListener {
    readonly values: Record<string, unknown>;
    readonly tags: Record<string, string>;
    /** Value of the ownership tag; undefined when the listener has none, null when not known (a recorded state). */
    readonly owner?: string | null;
    /** The raw status (running, stopped, starting, configuring, stopping). */
    readonly status: string;
}

export type Params = Record<string, unknown>;

/** A field whose value on the service must change; `to` undefined means "back to the service default". */
export interface FieldChange {
    readonly field: FieldSpec;
    readonly from: unknown;
    readonly to: unknown;
}

/** Tags as the SDK flattens them: Tag.N.Key / Tag.N.Value. */
export function tagList(tags: Record<string, string>): Array<{ Key: string; Value: string }> {
    return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** The user's tags of the inputs. */
export function userTags(inputs: Record<string, unknown>): Record<string, string> {
    const tags = inputs.tags;
    return typeof tags === "object" && tags !== null && !Array.isArray(tags) ? { ...(tags as Record<string, string>) } : {};
}

/** The protocol's Create parameters: every setting the user gave, and the tags with the ownership tag, in one call. */
export function createParams(protocol: Protocol, inputs: Record<string, unknown>, regionId: string, owner: string | undefined): Params {
    const params: Params = { RegionId: regionId };
    for (const field of protocol.configFields) {
        const value = inputs[field.input];
        if (field.api?.create && isSet(value)) params[field.api.create] = value;
    }
    const tags = tagList({ ...userTags(inputs), ...(owner !== undefined ? { [OWNER_TAG_KEY]: owner } : {}) });
    if (tags.length > 0) params.Tag = tags;
    return params;
}

/** The protocol's Set...Attribute parameters carrying only the given changes. */
export function setParams(key: Pick<ListenerKey, "loadBalancerId" | "listenerPort" | "regionId">, changes: readonly FieldChange[]): Params {
    const params: Params = { RegionId: key.regionId, LoadBalancerId: key.loadBalancerId, ListenerPort: key.listenerPort };
    for (const { field, to } of changes) {
        const name = field.api?.set;
        if (!name) continue;
        if (field.setSwitch) {
            params[field.setSwitch] = isSet(to) ? "on" : "off";
            if (isSet(to)) params[name] = to;
        } else {
            const value = wireValue(field, to);
            if (value !== undefined) params[name] = value;
        }
    }
    return params;
}

function normalise(field: FieldSpec, raw: unknown): unknown {
    if (!isSet(raw)) return undefined;
    if (field.kind === "integer") {
        const n = typeof raw === "number" ? raw : Number(raw);
        return Number.isFinite(n) ? n : undefined;
    }
    if (field.kind === "boolean") return raw === true || raw === "true";
    return String(raw);
}

interface DescribeTag {
    TagKey?: string;
    TagValue?: string;
}

/** Reads the protocol's Describe...Attribute answer into input-named values. */
export function fromDescribe(protocol: Protocol, body: Record<string, unknown>): LiveListener {
    const values: Record<string, unknown> = {};
    for (const field of protocol.fields) {
        const name = field.api?.describe;
        if (!name || field.input === "status") continue;
        let raw = body[name];
        if (field.input === "aclId" && raw === undefined) {
            raw = (body.AclIds as { AclId?: unknown[] } | undefined)?.AclId?.[0];
        }
        const value = normalise(field, raw);
        if (value !== undefined) values[field.input] = value;
    }
    const tags: Record<string, string> = {};
    let owner: string | undefined;
    const rawTags = (body.Tags as { Tag?: DescribeTag[] } | undefined)?.Tag ?? [];
    for (const tag of Array.isArray(rawTags) ? rawTags : []) {
        if (typeof tag?.TagKey !== "string" || SERVICE_TAG_KEY.test(tag.TagKey)) continue;
        if (tag.TagKey === OWNER_TAG_KEY) owner = tag.TagValue ?? "";
        else tags[tag.TagKey] = tag.TagValue ?? "";
    }
    return { values, tags, owner, status: String(body.Status ?? "") };
}

/**
 * Describe leaves some fields out while another is set (backendServerPort while a server group is
 * attached); the recorded value (or, at create, the input) is the best knowledge of them.
 */
export function fillUnreported(protocol: Protocol, live: LiveListener, recorded: Record<string, unknown>): LiveListener {
    const values = { ...live.values };
    for (const field of protocol.fields) {
        const hiddenBy = field.notReportedWith?.some((other) => values[other] !== undefined) ?? false;
        if (hiddenBy && values[field.input] === undefined && isSet(recorded[field.input])) values[field.input] = recorded[field.input];
    }
    return { ...live, values };
}

/**
 * Inputs as a program would write them for a listener read back by refresh: what differs from the service
 * default (and what is required). Returning every output instead would make the next update list every
 * defaulted field as changed.
 */
export function inputsFromOutputs(protocol: Protocol, outs: Record<string, unknown>, configuredRegion: string | undefined): Record<string, unknown> {
    const inputs: Record<string, unknown> = {};
    for (const field of protocol.fields) {
        const value = outs[field.input];
        if (!isSet(value)) continue;
        if (field.input === "regionId" && value === configuredRegion) continue;
        const isDefault = field.kind === "tags"
            ? Object.keys(value as object).length === 0
            : value === field.serviceDefault;
        if (field.required || !isDefault) inputs[field.input] = value;
    }
    return inputs;
}

/** The stable status a transitional one is heading to. */
export function settledStatus(status: string): string {
    if (status === "starting" || status === "configuring") return "running";
    if (status === "stopping") return "stopped";
    return status;
}

/**
 * Outputs: what the service reports for every field that takes effect (its default where it shows nothing, and
 * nothing where it has no default or the default is "no value": a detached group, draining off, no description), in
 * the input's spelling where the service reports an equivalent one ("$_ip"); the provider-side inputs as given, the
 * tags, the region and the live status. JSON-safe (no undefined values).
 */
export function toOutputs(protocol: Protocol, inputs: Record<string, unknown>, live: LiveListener, regionId: string): Record<string, unknown> {
    const outs: Record<string, unknown> = {};
    // Whether a field takes effect is the listener's business (its health check type, its draining), not the inputs'.
    const state = { ...live.values, status: live.status };
    for (const field of protocol.fields) {
        if (!field.api?.describe) {
            const value = inputs[field.input] ?? field.serviceDefault;
            if (isSet(value)) outs[field.input] = value;
            continue;
        }
        if (applies(protocol, state, field) === false) continue;
        const input = inputs[field.input];
        let value: unknown = live.values[field.input] ?? field.serviceDefault;
        if (field.reportedAs && isSet(input) && valueOf(protocol, inputs, field) === value) value = input;
        else if (!isSet(input) && !writableDefault(field) && value === field.serviceDefault) continue;
        if (isSet(value)) outs[field.input] = value;
    }
    outs.tags = live.tags;
    outs.regionId = regionId;
    outs.status = settledStatus(live.status);
    return outs;
}
