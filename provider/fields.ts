// The ONE table of a TCP listener's fields. Validation (validate.ts), request building and response
// mapping (mapping.ts), diff and drift detection (diff.ts), the generated argument types' TSDoc and the
// README reference table (docs.ts) are all derived from it: adding a field is adding one row here.

/** How a change of the field reaches the listener. */
export type ChangeMode =
    | "in-place" // SetLoadBalancerTCPListenerAttribute
    | "replace" // a new listener (create-before-delete)
    | "replace-delete-first" // a new listener on the same port: the old one must go first
    | "tags" // TagResources / UntagResources
    | "status" // StartLoadBalancerListener / StopLoadBalancerListener
    | "local"; // provider-side only, never sent

export type FieldKind = "integer" | "string" | "boolean" | "tags";

/** A condition under which a field has any effect; setting the field otherwise is a mistake we report. */
export interface AppliesWhen {
    readonly field: string;
    readonly equals: string;
}

export interface FieldSpec {
    /** Input and output property name (camelCase of the API parameter). */
    readonly input: string;
    readonly kind: FieldKind;
    /** One sentence for TSDoc and the README. */
    readonly doc: string;
    readonly required?: boolean;
    /** Fixed values, rendered as a literal union type. */
    readonly values?: readonly string[];
    /** Integer range; `also` lists isolated extra values such as bandwidth -1. */
    readonly range?: { readonly min: number; readonly max: number; readonly also?: readonly number[] };
    /** String length limits and allowed characters. */
    readonly text?: {
        readonly min: number;
        readonly max: number;
        readonly pattern?: RegExp;
        /** Human wording of pattern, used in error messages and docs. */
        readonly rule?: string;
    };
    /**
     * Extra rule beyond range/values/text; returns the reason when the value is not acceptable. `show` renders a part
     * of the value that the reason quotes (it hides the parts of a secret input).
     */
    readonly check?: (value: never, show: (part: string) => string) => string | undefined;
    /** What the service uses when the input is unset (and what drift detection compares against). */
    readonly serviceDefault?: string | number | boolean | Record<string, string>;
    /** Wording of the default when it is not a plain value (docs only). */
    readonly defaultText?: string;
    /** Wire names: Create request, Set request, Describe response. */
    readonly api?: { readonly create?: string; readonly set?: string; readonly describe?: string };
    readonly change: ChangeMode;
    readonly appliesWhen?: AppliesWhen;
    /** The field must be set whenever appliesWhen holds (e.g. aclId when aclStatus is on). */
    readonly requiredWhenApplies?: boolean;
    /** Set parameter that switches the field on/off (server groups): on + value attaches, off detaches. */
    readonly setSwitch?: string;
    /** Wire value that resets the field on Set when it has no service default (e.g. -520: "use the backend port"). */
    readonly resetValue?: number;
    /** Describe leaves this field out while any of the named fields is set (backendServerPort with a server group). */
    readonly notReportedWith?: readonly string[];
    /**
     * Input spellings the service reports differently ("$_ip" is reported as ""). Inputs are sent as written;
     * comparisons and outputs use the reported spelling, and Set sends the input spelling for a reported value.
     */
    readonly reportedAs?: Readonly<Record<string, string>>;
    /** The service stores at least the named field's value (a connect timeout below the interval becomes the interval). */
    readonly atLeast?: string;
    /** For in-place fields: changes the service cannot apply in place (they replace, deleting first). */
    readonly replacesWhen?: (from: string, to: string) => boolean;
    /** The changes replacesWhen picks out, in words (docs). */
    readonly replacesWhenText?: string;
    /** API error codes that point at this field, for errors in the user's language. */
    readonly errorCodes?: readonly string[];
}

/** "-1 or 1 to 5120": an integer range in words, for error messages and docs. */
export function rangeWords(range: NonNullable<FieldSpec["range"]>): string {
    const also = range.also?.length ? `${range.also.join(", ")} or ` : "";
    return `${also}${range.min} to ${range.max}`;
}

/** Whether an input is given at all (null counts as unset, as it does in Pulumi programs). */
export function isSet(value: unknown): boolean {
    return value !== undefined && value !== null;
}

/** Tag key reserved by the provider to recognise listeners it created itself (see README, Ownership). */
export const OWNER_TAG_KEY = "pulumi-owner";
/** The service allows 20 tags per listener; one is the ownership tag. */
export const MAX_USER_TAGS = 19;
/** Tag keys the platform attaches itself (users cannot set them): never drift, never removed. */
export const SERVICE_TAG_KEY = /^(acs:|aliyun)/i;

const port = { min: 1, max: 65535 } as const;
/** The codes the API page documents for a port already in use; the ownership tag then decides what to do. */
export const PORT_TAKEN_CODES: readonly string[] = ["ListenerAlreadyExists", "ListenerPortConflict", "InvalidParameter.ListenerPortConflict"];
/** Consistent-hash schedulers; the service cannot convert a listener between these and wrr/rr. */
const HASH_SCHEDULERS: readonly string[] = ["sch", "tch"];
const HTTP_CODES = ["http_2xx", "http_3xx", "http_4xx", "http_5xx"] as const;

function checkHttpCodes(value: string, show: (part: string) => string): string | undefined {
    const codes = value.split(",");
    const bad = codes.filter((c) => !(HTTP_CODES as readonly string[]).includes(c));
    if (bad.length > 0) return `must be a comma-separated list of ${HTTP_CODES.join(", ")}; got ${show(JSON.stringify(bad.join(",")))}`;
    if (new Set(codes).size !== codes.length) return "must not repeat a code";
    return undefined;
}

function checkUri(value: string): string | undefined {
    if (!value.startsWith("/")) return "must start with /";
    if (value === "/") return 'must be a path longer than "/" (the service reports "/" when no path is set)';
    return undefined;
}

/** Rules shared by tag keys and values (API page: Tag.N.Key / Tag.N.Value). */
function checkTagText(text: string): string | undefined {
    if (SERVICE_TAG_KEY.test(text)) return 'must not start with "aliyun" or "acs:"';
    if (/https?:\/\//i.test(text)) return 'must not contain "http://" or "https://"';
    return undefined;
}

function checkTagKey(key: string): string | undefined {
    if ([...key].length < 1 || [...key].length > 64) return "must be 1 to 64 characters";
    if (key === OWNER_TAG_KEY) return "is reserved by this provider (it marks the listeners it created)";
    return checkTagText(key);
}

function checkTagValue(value: string): string | undefined {
    if ([...value].length > 128) return "must be at most 128 characters";
    return checkTagText(value);
}

function checkTags(tags: Record<string, string>, show: (part: string) => string): string | undefined {
    const keys = Object.keys(tags);
    if (keys.length > MAX_USER_TAGS) return `may hold at most ${MAX_USER_TAGS} tags (the service allows 20; one is the ownership tag); got ${keys.length}`;
    for (const key of keys) {
        const shown = show(JSON.stringify(key.slice(0, 80)));
        const keyProblem = checkTagKey(key);
        if (keyProblem) return `key ${shown} ${keyProblem}`;
        const valueProblem = checkTagValue(tags[key]);
        if (valueProblem) return `value of ${shown} ${valueProblem}`;
    }
    return undefined;
}

const httpCheck: AppliesWhen = { field: "healthCheckType", equals: "http" };

export const FIELDS: readonly FieldSpec[] = [
    {
        input: "loadBalancerId", kind: "string", required: true, change: "replace",
        doc: "ID of the Classic Load Balancer instance that owns the listener.",
        text: { min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: "letters, digits, - and _" },
        api: { create: "LoadBalancerId", describe: "LoadBalancerId" },
        errorCodes: ["InvalidLoadBalancerId.NotFound"],
    },
    {
        input: "listenerPort", kind: "integer", required: true, change: "replace", range: port,
        doc: "Frontend port the listener accepts connections on.",
        api: { create: "ListenerPort", describe: "ListenerPort" },
        errorCodes: PORT_TAKEN_CODES,
    },
    {
        input: "bandwidth", kind: "integer", required: true, change: "in-place", range: { min: 1, max: 5120, also: [-1] },
        doc: "Peak bandwidth in Mbit/s: -1 for unlimited (pay-by-traffic instances) or 1 to 5120.",
        api: { create: "Bandwidth", set: "Bandwidth", describe: "Bandwidth" },
    },
    {
        input: "backendServerPort", kind: "integer", change: "replace-delete-first", range: port,
        doc: "Backend port; required unless vServerGroupId is set. Changing it replaces the listener (delete first, same port).",
        api: { create: "BackendServerPort", describe: "BackendServerPort" }, notReportedWith: ["vServerGroupId", "masterSlaveServerGroupId"],
    },
    {
        input: "vServerGroupId", kind: "string", change: "in-place",
        text: { min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: "letters, digits, - and _" },
        doc: "vServer group that receives the traffic, instead of the default backend servers.",
        api: { create: "VServerGroupId", set: "VServerGroupId", describe: "VServerGroupId" }, setSwitch: "VServerGroup",
    },
    {
        input: "masterSlaveServerGroupId", kind: "string", change: "in-place",
        text: { min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: "letters, digits, - and _" },
        doc: "Primary/secondary server group that receives the traffic; not together with vServerGroupId.",
        api: { create: "MasterSlaveServerGroupId", set: "MasterSlaveServerGroupId", describe: "MasterSlaveServerGroupId" },
        setSwitch: "MasterSlaveServerGroup", errorCodes: ["Abs.VServerGroupIdAndMasterSlaveServerGroupId.MissMatch"],
    },
    {
        input: "scheduler", kind: "string", change: "in-place", values: ["wrr", "rr", "sch", "tch"], serviceDefault: "wrr",
        doc: "Scheduling algorithm; sch and tch need a performance-guaranteed instance.",
        api: { create: "Scheduler", set: "Scheduler", describe: "Scheduler" },
        // The service converts neither between {wrr, rr} and {sch, tch} nor between the two hash schedulers.
        replacesWhen: (from, to) => from !== to && (HASH_SCHEDULERS.includes(from) || HASH_SCHEDULERS.includes(to)),
        replacesWhenText: "a change to, from or between sch and tch replaces the listener (old one deleted first)",
        errorCodes: ["InvalidParameterValue.SpecNotSupport"],
    },
    {
        input: "persistenceTimeout", kind: "integer", change: "in-place", range: { min: 0, max: 3600 }, serviceDefault: 0,
        doc: "Session persistence timeout in seconds; 0 turns session persistence off.",
        api: { create: "PersistenceTimeout", set: "PersistenceTimeout", describe: "PersistenceTimeout" },
    },
    {
        input: "establishedTimeout", kind: "integer", change: "in-place", range: { min: 10, max: 900 }, serviceDefault: 900,
        doc: "Timeout of established TCP connections in seconds.",
        api: { create: "EstablishedTimeout", set: "EstablishedTimeout", describe: "EstablishedTimeout" },
    },
    {
        input: "healthyThreshold", kind: "integer", change: "in-place", range: { min: 2, max: 10 }, serviceDefault: 3,
        doc: "Consecutive successful health checks before a backend is declared healthy.",
        api: { create: "HealthyThreshold", set: "HealthyThreshold", describe: "HealthyThreshold" },
    },
    {
        input: "unhealthyThreshold", kind: "integer", change: "in-place", range: { min: 2, max: 10 }, serviceDefault: 3,
        doc: "Consecutive failed health checks before a backend is declared unhealthy.",
        api: { create: "UnhealthyThreshold", set: "UnhealthyThreshold", describe: "UnhealthyThreshold" },
    },
    {
        input: "healthCheckSwitch", kind: "string", change: "in-place", values: ["on", "off"], serviceDefault: "on",
        doc: "Whether health checks run.",
        api: { create: "HealthCheckSwitch", set: "HealthCheckSwitch", describe: "HealthCheck" },
    },
    {
        input: "healthCheckType", kind: "string", change: "in-place", values: ["tcp", "http"], serviceDefault: "tcp",
        doc: "Health check protocol.",
        api: { create: "HealthCheckType", set: "HealthCheckType", describe: "HealthCheckType" },
    },
    {
        input: "healthCheckConnectPort", kind: "integer", change: "in-place", range: port,
        defaultText: "the backend port",
        doc: "Port the health check probes.",
        api: { create: "HealthCheckConnectPort", set: "HealthCheckConnectPort", describe: "HealthCheckConnectPort" }, resetValue: -520,
    },
    {
        input: "healthCheckConnectTimeout", kind: "integer", change: "in-place", range: { min: 1, max: 300 }, serviceDefault: 5,
        doc: "Seconds to wait for a health check answer. The service uses healthCheckInterval instead when that is longer; setting both with the timeout shorter is an error.",
        api: { create: "HealthCheckConnectTimeout", set: "HealthCheckConnectTimeout", describe: "HealthCheckConnectTimeout" },
        atLeast: "healthCheckInterval",
    },
    {
        input: "healthCheckInterval", kind: "integer", change: "in-place", range: { min: 1, max: 50 }, serviceDefault: 2,
        doc: "Seconds between health checks.",
        api: { create: "healthCheckInterval", set: "HealthCheckInterval", describe: "HealthCheckInterval" },
    },
    {
        input: "healthCheckDomain", kind: "string", change: "in-place", serviceDefault: "", appliesWhen: httpCheck,
        reportedAs: { $_ip: "" },
        defaultText: '"" (the backend server\'s IP, $_ip)',
        text: { min: 1, max: 80, pattern: /^(\$_ip|[A-Za-z0-9.-]+)$/, rule: "$_ip, or letters, digits, - and ." },
        doc: "Host name sent by HTTP health checks.",
        api: { create: "HealthCheckDomain", set: "HealthCheckDomain", describe: "HealthCheckDomain" },
    },
    {
        input: "healthCheckUri", kind: "string", change: "in-place", serviceDefault: "/", appliesWhen: httpCheck,
        text: { min: 1, max: 80, pattern: /^[A-Za-z0-9\-/.%#&]+$/, rule: "letters, digits and - / . % # &, starting with / but not just /" },
        check: checkUri as FieldSpec["check"],
        doc: "Path requested by HTTP health checks.",
        api: { create: "HealthCheckURI", set: "HealthCheckURI", describe: "HealthCheckURI" },
    },
    {
        input: "healthCheckHttpCode", kind: "string", change: "in-place", serviceDefault: "http_2xx", appliesWhen: httpCheck,
        text: { min: 1, max: 64 },
        check: checkHttpCodes as FieldSpec["check"],
        doc: "HTTP status classes that count as healthy, comma-separated (http_2xx, http_3xx, http_4xx, http_5xx).",
        api: { create: "HealthCheckHttpCode", set: "HealthCheckHttpCode", describe: "HealthCheckHttpCode" },
    },
    {
        input: "aclStatus", kind: "string", change: "in-place", values: ["on", "off"], serviceDefault: "off",
        doc: "Whether access control applies; on needs aclId and aclType.",
        api: { create: "AclStatus", set: "AclStatus", describe: "AclStatus" },
    },
    {
        input: "aclType", kind: "string", change: "in-place", values: ["white", "black"],
        appliesWhen: { field: "aclStatus", equals: "on" }, requiredWhenApplies: true,
        doc: "white: only the ACL's addresses may connect; black: the ACL's addresses may not.",
        api: { create: "AclType", set: "AclType", describe: "AclType" },
    },
    {
        input: "aclId", kind: "string", change: "in-place", appliesWhen: { field: "aclStatus", equals: "on" }, requiredWhenApplies: true,
        text: { min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: "letters, digits, - and _" },
        doc: "Access control list applied to the listener.",
        api: { create: "AclId", set: "AclId", describe: "AclId" },
        errorCodes: ["AclNotExist"],
    },
    {
        input: "description", kind: "string", change: "in-place", serviceDefault: "", defaultText: '"" (none)',
        text: { min: 1, max: 256, pattern: /^[A-Za-z0-9\-/._]+$/, rule: "letters, digits and - / . _" },
        doc: "Name of the listener; remove it to clear it.",
        api: { create: "Description", set: "Description", describe: "Description" },
    },
    {
        input: "connectionDrain", kind: "string", change: "in-place", values: ["on", "off"], serviceDefault: "off",
        doc: "Whether connections to a removed backend are drained; on needs connectionDrainTimeout.",
        api: { create: "ConnectionDrain", set: "ConnectionDrain", describe: "ConnectionDrain" },
    },
    {
        input: "connectionDrainTimeout", kind: "integer", change: "in-place", range: { min: 10, max: 900 },
        appliesWhen: { field: "connectionDrain", equals: "on" }, requiredWhenApplies: true,
        doc: "Seconds connections are drained for.",
        api: { create: "ConnectionDrainTimeout", set: "ConnectionDrainTimeout", describe: "ConnectionDrainTimeout" },
    },
    {
        input: "proxyProtocolV2Enabled", kind: "boolean", change: "in-place", serviceDefault: false,
        doc: "Whether the client address is passed to backends with PROXY protocol v2.",
        api: { create: "ProxyProtocolV2Enabled", set: "ProxyProtocolV2Enabled", describe: "ProxyProtocolV2Enabled" },
    },
    {
        input: "tags", kind: "tags", change: "tags", serviceDefault: {}, defaultText: "{}",
        check: checkTags as FieldSpec["check"],
        doc: `Tags of the listener, at most ${MAX_USER_TAGS}; keys 1-64 characters, values up to 128; neither may start with "aliyun" or "acs:" or contain "http://" or "https://". Tags the platform attaches itself (acs:…, aliyun…) are left alone.`,
        errorCodes: ["InvalidParam.TagKey", "InvalidParam.TagValue", "SizeLimitExceeded.Tag", "TagCountLimit"],
    },
    {
        input: "regionId", kind: "string", change: "replace", defaultText: "the configured region (alicloud:region)",
        text: { min: 1, max: 64, pattern: /^[a-z0-9-]+$/, rule: "lower-case letters, digits and -" },
        doc: "Region of the load balancer.",
    },
    {
        input: "status", kind: "string", change: "status", values: ["running", "stopped"], serviceDefault: "running",
        doc: "Whether the listener forwards traffic; a listener stopped outside Pulumi is started again.",
        api: { describe: "Status" },
    },
    {
        input: "adoptExisting", kind: "boolean", change: "local", serviceDefault: false,
        doc: "Take over a listener that already uses listenerPort instead of failing (how to bring an existing listener under management).",
    },
];

export const FIELD_BY_INPUT: ReadonlyMap<string, FieldSpec> = new Map(FIELDS.map((f) => [f.input, f]));

/** Fields that are part of the listener's configuration on the service (not tags, status or local). */
export const CONFIG_FIELDS: readonly FieldSpec[] = FIELDS.filter((f) => f.api?.create !== undefined || f.api?.set !== undefined);
