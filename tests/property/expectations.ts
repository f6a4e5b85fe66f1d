// What the service must show for a desired configuration, read from the protocol's field table: every field with a
// Describe name that applies under the configuration is compared, an unset field against the row's service
// default (or "not reported" when the row has none), canonical spellings mapped ("$_ip" -> ""), a value below the
// row it is raised to (atLeast: the connect timeout below the interval, emulator/MODEL.md "Timeout quirk") as that
// row's value; a row the service hides at times (notReportedWith) is compared only when the service shows it. Also:
// which changes permit a replacement, and whether refreshed outputs tell the truth.
import { writableDefault } from "../../provider/core/defaults";
import { FieldSpec, OWNER_TAG_KEY } from "../../provider/core/fields";
import { Protocol } from "../../provider/core/protocol";
import { contextOf } from "../../provider/pulumi/program-facts";
import { DescribeBody, SERVICE_TAG_PREFIXES } from "../support/property-world";
import { Config, effective } from "./arbitraries";

export const ABSENT = "(not reported)";

export interface Mismatch {
    readonly field: string;
    readonly want: unknown;
    readonly got: unknown;
}

/** Fields compared with the Describe answer (status and tags are compared on their own). */
function described(protocol: Protocol): readonly FieldSpec[] {
    return protocol.configFields.filter((f) => f.api?.describe !== undefined && f.input !== "status");
}

/** The rows the service hides this field behind (notReportedWith may name one row or, later, several). */
export function hiddenBy(field: FieldSpec): readonly string[] {
    const w = (field as { notReportedWith?: string | readonly string[] }).notReportedWith;
    return w === undefined ? [] : typeof w === "string" ? [w] : w;
}

export function applies(protocol: Protocol, config: Config, field: FieldSpec): boolean {
    const when = field.appliesWhen;
    return !when || effective(protocol, config, when.field) === when.equals;
}

export function isServiceTag(key: string): boolean {
    return SERVICE_TAG_PREFIXES.some((p) => key.toLowerCase().startsWith(p));
}

function normalised(field: FieldSpec, raw: unknown): unknown {
    if (raw === undefined || raw === null) return ABSENT;
    if (field.kind === "integer") return Number(raw);
    if (field.kind === "boolean") return raw === true || raw === "true";
    return String(raw);
}

/** The Describe answer in input names, normalised by the rows' kinds; ABSENT for what it leaves out. */
export function liveValues(protocol: Protocol, body: DescribeBody): Record<string, unknown> {
    return Object.fromEntries(described(protocol).map((f) => [f.input, normalised(f, body[f.api!.describe!])]));
}

export function liveTags(body: DescribeBody): Record<string, string> {
    const list = ((body.Tags as { Tag?: Array<{ TagKey: string; TagValue: string }> } | undefined)?.Tag) ?? [];
    return Object.fromEntries(list.map((t) => [t.TagKey, t.TagValue ?? ""]));
}

/** The status a transitional one settles in. */
export function settled(status: unknown): string {
    if (status === "starting" || status === "configuring") return "running";
    if (status === "stopping") return "stopped";
    return String(status);
}

/** The value the service should show for a field under the configuration. */
export function expectedValue(protocol: Protocol, config: Config, field: FieldSpec): unknown {
    const set = config[field.input];
    const canonical = typeof set === "string" && field.reportedAs && Object.prototype.hasOwnProperty.call(field.reportedAs, set);
    const value = canonical ? field.reportedAs![set as string] : effective(protocol, config, field.input);
    if (field.atLeast !== undefined) {
        const floor = effective(protocol, config, field.atLeast);
        if (typeof value === "number" && typeof floor === "number" && value < floor) return floor;
    }
    return value === undefined ? ABSENT : value;
}

/** Fields where the live listener differs from the configuration (tags: all tags, service-managed ones kept). */
export function liveMismatches(protocol: Protocol, config: Config, body: DescribeBody, serviceTags: Record<string, string>): Mismatch[] {
    const live = liveValues(protocol, body);
    const out: Mismatch[] = [];
    for (const f of described(protocol)) {
        if (!applies(protocol, config, f)) continue;
        if (hiddenBy(f).some((other) => config[other] !== undefined)) continue;
        const want = expectedValue(protocol, config, f);
        const got = live[f.input];
        // A row the service hides at times (backendServerPort behind a server group) cannot be seen when hidden.
        if (got === ABSENT && hiddenBy(f).length > 0) continue;
        if (want !== got) out.push({ field: f.input, want, got });
    }
    const wantTags: Record<string, string> = { ...((config.tags as Record<string, string>) ?? {}), [OWNER_TAG_KEY]: String(contextOf(config).owner), ...serviceTags };
    const gotTags = liveTags(body);
    if (canonical(wantTags) !== canonical(gotTags)) out.push({ field: "tags", want: wantTags, got: gotTags });
    const wantStatus = effective(protocol, config, "status");
    if (settled(body.Status) !== wantStatus) out.push({ field: "status", want: wantStatus, got: body.Status });
    return out;
}

function canonical(tags: Record<string, string>): string {
    return JSON.stringify(Object.entries(tags).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * Fields whose change from A to B permits a replacement: a row with change mode replace / replace-delete-first
 * whose effective value changed, or an in-place row whose replacesWhen says the service cannot make this change.
 * (Out-of-band changes cannot touch these: the service has no Set for them and refuses such scheduler changes.)
 */
export function replacementFields(protocol: Protocol, a: Config, b: Config, defaults: Record<string, unknown>): string[] {
    const value = (c: Config, f: FieldSpec) => c[f.input] ?? f.serviceDefault ?? defaults[f.input];
    return protocol.fields.filter((f) => {
        const from = value(a, f);
        const to = value(b, f);
        if (f.change === "replace" || f.change === "replace-delete-first") return from !== to;
        return f.replacesWhen !== undefined && typeof from === "string" && typeof to === "string" && f.replacesWhen(from, to);
    }).map((f) => f.input);
}

/**
 * Where refreshed outputs disagree with what the service shows: a reported field must be recorded as reported,
 * a field the service does not report must not be recorded (unless it is a row the service hides at times), user tags as tagged (the ownership tag is the provider's own, not an output), the status as settled.
 */
export function refreshMismatches(protocol: Protocol, outputs: Record<string, unknown>, body: DescribeBody): Mismatch[] {
    const live = liveValues(protocol, body);
    const out: Mismatch[] = [];
    for (const f of described(protocol)) {
        // A field that does not take effect on the listener (its health check type, its draining) is not an output.
        const when = f.appliesWhen;
        const condition = when ? live[when.field] : undefined;
        if (when && (condition === ABSENT ? protocol.fieldByInput.get(when.field)?.serviceDefault : condition) !== when.equals) {
            if (outputs[f.input] !== undefined) out.push({ field: f.input, want: "(not recorded: not in effect)", got: outputs[f.input] });
            continue;
        }
        let recorded = outputs[f.input];
        // Outputs keep the input's spelling of an equivalent value ("$_ip"), and leave out a default that is "no value".
        if (typeof recorded === "string" && f.reportedAs && Object.prototype.hasOwnProperty.call(f.reportedAs, recorded)) recorded = f.reportedAs[recorded];
        if (recorded === undefined && f.serviceDefault !== undefined && !writableDefault(f)) recorded = f.serviceDefault;
        const got = normalised(f, recorded);
        const want = live[f.input];
        // A row the service hides at times keeps its recorded value while hidden (nothing better is known).
        if (want === ABSENT && hiddenBy(f).length > 0) continue;
        if (got !== want) out.push({ field: f.input, want, got });
    }
    const tags = liveTags(body);
    const userTags = Object.fromEntries(Object.entries(tags).filter(([k]) => k !== OWNER_TAG_KEY && !isServiceTag(k)));
    const recorded = Object.fromEntries(Object.entries((outputs.tags as Record<string, string>) ?? {}).filter(([k]) => !isServiceTag(k)));
    if (canonical(userTags) !== canonical(recorded)) out.push({ field: "tags", want: userTags, got: recorded });
    if (outputs.status !== settled(body.Status)) out.push({ field: "status", want: settled(body.Status), got: outputs.status });
    return out;
}
