// Rows every listener protocol shares (TCP and UDP today; HTTP and HTTPS will share most of them too). A protocol's
// table (tcp.ts, udp.ts) lists these and its own rows in the order its reference table shows them; rows that differ
// between protocols only in their values are built by the functions below.

import { FieldSpec, MAX_USER_TAGS, PORT_RANGE, PORT_TAKEN_CODES, checkTags, sameWireName } from "../core/fields";

const ID_TEXT = { min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/, rule: "letters, digits, - and _" } as const;

export const loadBalancerId: FieldSpec = {
    input: "loadBalancerId", kind: "string", required: true, change: "replace",
    doc: "ID of the Classic Load Balancer instance that owns the listener.",
    text: ID_TEXT,
    api: { create: "LoadBalancerId", describe: "LoadBalancerId" },
    errorCodes: ["InvalidLoadBalancerId.NotFound"],
};

/** The frontend port; `check` adds a protocol's own rule (UDP reserves some ports), `note` says it in the docs. */
export function listenerPort(check?: (port: number) => string | undefined, note = ""): FieldSpec {
    return {
        input: "listenerPort", kind: "integer", required: true, change: "replace", range: PORT_RANGE,
        doc: `Frontend port the listener accepts connections on${note}.`,
        ...(check ? { check: check as FieldSpec["check"] } : {}),
        api: { create: "ListenerPort", describe: "ListenerPort" },
        errorCodes: [...PORT_TAKEN_CODES, "InvalidParam.ListenerPort"],
    };
}

export const bandwidth: FieldSpec = {
    input: "bandwidth", kind: "integer", required: true, change: "in-place", range: { min: 1, max: 5120, also: [-1] },
    doc: "Peak bandwidth in Mbit/s: -1 for unlimited (pay-by-traffic instances) or 1 to 5120.",
    api: sameWireName("Bandwidth"),
};

export const backendServerPort: FieldSpec = {
    input: "backendServerPort", kind: "integer", change: "replace-delete-first", range: PORT_RANGE,
    doc: "Backend port; required unless vServerGroupId is set. Changing it replaces the listener (delete first, same port).",
    api: { create: "BackendServerPort", describe: "BackendServerPort" }, notReportedWith: ["vServerGroupId", "masterSlaveServerGroupId"],
    requiredUnless: "vServerGroupId",
};

export const vServerGroupId: FieldSpec = {
    input: "vServerGroupId", kind: "string", change: "in-place", text: ID_TEXT,
    doc: "vServer group that receives the traffic, instead of the default backend servers.",
    api: sameWireName("VServerGroupId"), setSwitch: "VServerGroup",
};

export const masterSlaveServerGroupId: FieldSpec = {
    input: "masterSlaveServerGroupId", kind: "string", change: "in-place", text: ID_TEXT,
    doc: "Primary/secondary server group that receives the traffic; not together with vServerGroupId.",
    api: sameWireName("MasterSlaveServerGroupId"),
    setSwitch: "MasterSlaveServerGroup", errorCodes: ["Abs.VServerGroupIdAndMasterSlaveServerGroupId.MissMatch"],
    notWith: { field: "vServerGroupId", because: "a listener forwards to one kind of server group" },
};

/**
 * The scheduler: round robin (wrr, rr) or one of the protocol's hashing schedulers, which need a performance-
 * guaranteed instance. The service converts neither between round robin and hashing nor between two hashings.
 */
export function scheduler(hashing: readonly string[], doc: string): FieldSpec {
    const names = hashing.join(", ").replace(/, ([^,]*)$/, " and $1");
    return {
        input: "scheduler", kind: "string", change: "in-place", values: ["wrr", "rr", ...hashing], serviceDefault: "wrr",
        doc,
        api: sameWireName("Scheduler"),
        replacesWhen: (from, to) => from !== to && (hashing.includes(from) || hashing.includes(to)),
        replacesWhenText: `a change to, from or between ${names} replaces the listener (old one deleted first)`,
        errorCodes: ["InvalidParameterValue.SpecNotSupport"],
    };
}

export const persistenceTimeout: FieldSpec = {
    input: "persistenceTimeout", kind: "integer", change: "in-place", range: { min: 0, max: 3600 }, serviceDefault: 0,
    doc: "Session persistence timeout in seconds; 0 turns session persistence off.",
    api: sameWireName("PersistenceTimeout"),
};

export const healthyThreshold: FieldSpec = {
    input: "healthyThreshold", kind: "integer", change: "in-place", range: { min: 2, max: 10 }, serviceDefault: 3,
    doc: "Consecutive successful health checks before a backend is declared healthy.",
    api: sameWireName("HealthyThreshold"),
};

export const unhealthyThreshold: FieldSpec = {
    input: "unhealthyThreshold", kind: "integer", change: "in-place", range: { min: 2, max: 10 }, serviceDefault: 3,
    doc: "Consecutive failed health checks before a backend is declared unhealthy.",
    api: sameWireName("UnhealthyThreshold"),
};

export const healthCheckSwitch: FieldSpec = {
    input: "healthCheckSwitch", kind: "string", change: "in-place", values: ["on", "off"], serviceDefault: "on",
    doc: "Whether health checks run.",
    api: { create: "HealthCheckSwitch", set: "HealthCheckSwitch", describe: "HealthCheck" },
};

export const healthCheckConnectPort: FieldSpec = {
    input: "healthCheckConnectPort", kind: "integer", change: "in-place", range: PORT_RANGE,
    defaultText: "the backend port",
    doc: "Port the health check probes.",
    api: sameWireName("HealthCheckConnectPort"), resetValue: -520,
};

export const healthCheckConnectTimeout: FieldSpec = {
    input: "healthCheckConnectTimeout", kind: "integer", change: "in-place", range: { min: 1, max: 300 }, serviceDefault: 5,
    doc: "Seconds to wait for a health check answer. The service uses healthCheckInterval instead when that is longer; setting both with the timeout shorter is an error.",
    api: sameWireName("HealthCheckConnectTimeout"),
    atLeast: "healthCheckInterval",
};

export const healthCheckInterval: FieldSpec = {
    input: "healthCheckInterval", kind: "integer", change: "in-place", range: { min: 1, max: 50 }, serviceDefault: 2,
    doc: "Seconds between health checks.",
    // Lower-case on Create only (the API's own spelling).
    api: { create: "healthCheckInterval", set: "HealthCheckInterval", describe: "HealthCheckInterval" },
};

export const aclStatus: FieldSpec = {
    input: "aclStatus", kind: "string", change: "in-place", values: ["on", "off"], serviceDefault: "off",
    doc: "Whether access control applies; on needs aclId and aclType.",
    api: sameWireName("AclStatus"),
};

export const aclType: FieldSpec = {
    input: "aclType", kind: "string", change: "in-place", values: ["white", "black"],
    appliesWhen: { field: "aclStatus", equals: "on" }, requiredWhenApplies: true,
    doc: "white: only the ACL's addresses may connect; black: the ACL's addresses may not.",
    api: sameWireName("AclType"),
};

export const aclId: FieldSpec = {
    input: "aclId", kind: "string", change: "in-place", appliesWhen: { field: "aclStatus", equals: "on" }, requiredWhenApplies: true,
    text: ID_TEXT,
    doc: "Access control list applied to the listener.",
    api: sameWireName("AclId"),
    errorCodes: ["AclNotExist"],
};

export const description: FieldSpec = {
    input: "description", kind: "string", change: "in-place", serviceDefault: "", defaultText: '"" (none)',
    text: { min: 1, max: 256, pattern: /^[A-Za-z0-9\-/._]+$/, rule: "letters, digits and - / . _" },
    doc: "Name of the listener; remove it to clear it.",
    api: sameWireName("Description"),
};

export const proxyProtocolV2Enabled: FieldSpec = {
    input: "proxyProtocolV2Enabled", kind: "boolean", change: "in-place", serviceDefault: false,
    doc: "Whether the client address is passed to backends with PROXY protocol v2.",
    api: sameWireName("ProxyProtocolV2Enabled"),
};

export const tags: FieldSpec = {
    input: "tags", kind: "tags", change: "tags", serviceDefault: {}, defaultText: "{}",
    check: checkTags as FieldSpec["check"],
    doc: `Tags of the listener, at most ${MAX_USER_TAGS}; keys 1-64 characters, values up to 128; neither may start with "aliyun" or "acs:" or contain "http://" or "https://". Tags the platform attaches itself (acs:…, aliyun…) are left alone.`,
    errorCodes: ["InvalidParam.TagKey", "InvalidParam.TagValue", "SizeLimitExceeded.Tag", "TagCountLimit"],
};

export const regionId: FieldSpec = {
    input: "regionId", kind: "string", change: "replace", defaultText: "the configured region (alicloud:region)",
    text: { min: 1, max: 64, pattern: /^[a-z0-9-]+$/, rule: "lower-case letters, digits and -" },
    doc: "Region of the load balancer.",
};

export const status: FieldSpec = {
    input: "status", kind: "string", change: "status", values: ["running", "stopped"], serviceDefault: "running",
    doc: "Whether the listener forwards traffic; a listener stopped outside Pulumi is started again.",
    api: { describe: "Status" },
};

export const adoptExisting: FieldSpec = {
    input: "adoptExisting", kind: "boolean", change: "local", serviceDefault: false,
    doc: "Take over a listener that already uses listenerPort instead of failing (how to bring an existing listener under management).",
};

/** Top-level names of every protocol's DescribeLoadBalancerListeners row (its settings block holds the rest). */
export const LISTING_TOP_LEVEL: readonly string[] = [
    "LoadBalancerId", "ListenerPort", "BackendServerPort", "Bandwidth", "Scheduler", "Status", "Description",
    "VServerGroupId", "AclId", "AclIds", "AclStatus", "AclType", "Tags",
];
