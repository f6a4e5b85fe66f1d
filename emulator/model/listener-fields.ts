// What TCP and UDP listener parameters have in common: the shape of a field table row (one row per setting,
// with its wire name on Create, on Set and in Describe, and its validator), the readers both protocols use, the
// rows that are the same for both, and the parser that walks a table. A parameter without a name for an action
// is simply not read there, so it is ignored like any unknown parameter (reference §4).
import { Errors } from "../errors";
import { Params } from "./params";
import { CommonListenerSettings, TcpListenerSettings, UdpListenerSettings } from "./store";

export type ListenerAction = "create" | "set";

/** Everything a Create or Set of either protocol may carry, under the record's names. */
export interface ListenerInput extends Partial<TcpListenerSettings & UdpListenerSettings> {
    /** Set's on/off switches for the groups (Create attaches by the id alone). */
    vServerGroup?: string;
    masterSlaveServerGroup?: string;
}

/** Reads one parameter; `action` tells Create from Set (Set also takes the values that restore a default). */
export type Reader = (p: Params, name: string, action: ListenerAction) => unknown;

export interface Field {
    key: keyof ListenerInput;
    create?: string;
    set?: string;
    /** The field's name in the attribute call and in a DescribeLoadBalancerListeners row. */
    describe?: string;
    /** A second Describe name showing the same value. */
    describeAlso?: string;
    /** Required on this action: checked before any value is validated, as the gateway does. */
    requiredOn?: ListenerAction;
    read: Reader;
}

export const int = (min: number, max: number): Reader => (p, name) => p.int(name, min, max);
export const oneOf = (...values: string[]): Reader => (p, name) => p.oneOf(name, values);
export const onOff = oneOf("on", "off");

/** One name on Create, on Set and in Describe. */
export const everywhere = (name: string) => ({ create: name, set: name, describe: name });

const readBandwidth: Reader = (p, name) => {
    const n = p.int(name, -1, 5120);
    if (n === 0) throw Errors.invalidParameter(name, "The value must be -1 or between 1 and 5120.");
    return n;
};

/** -520 is the service's marker for "probe the backend port" (the default): it clears a port set before. */
export const USE_BACKEND_PORT = -520;
const readConnectPort: Reader = (p, name) => {
    const raw = p.string(name);
    return raw === String(USE_BACKEND_PORT) ? USE_BACKEND_PORT : p.int(name, 1, 65535);
};

/** Resource ids (lb-, rsp-, acl-): the page gives no format; 1-64 letters, digits, - and _ (what the service issues). */
const readId: Reader = (p, name) => p.string(name, { maxChars: 64, pattern: /^[A-Za-z0-9_-]+$/ });

/** Up to MAX_ACLS_PER_LISTENER distinct ACL ids, comma separated (Terraform sends several). */
export const MAX_ACLS_PER_LISTENER = 5;
const readAclIds: Reader = (p, name) => {
    const v = p.string(name);
    if (v === undefined) return undefined;
    const ids = v.split(",");
    if (ids.some((id) => !/^[A-Za-z0-9_-]{1,64}$/.test(id)) || new Set(ids).size !== ids.length) {
        throw Errors.invalidParameter(name, "Use one or more distinct ACL ids separated by commas.");
    }
    if (ids.length > MAX_ACLS_PER_LISTENER) throw Errors.invalidParameter(name, `At most ${MAX_ACLS_PER_LISTENER} ACLs per listener.`);
    return ids;
};

/** The page: 1-256 characters of letters, digits, - / . _. Set also takes "" to clear it (MODEL.md). */
const readDescription: Reader = (p, name, action) => {
    const v = p.string(name, { allowEmpty: action === "set", maxChars: 256 });
    if (v !== undefined && !/^[A-Za-z0-9\-/._]*$/.test(v)) {
        throw Errors.invalidParameter(name, "Use 1-256 letters, digits, hyphens (-), forward slashes (/), periods (.) and underscores (_).");
    }
    return v;
};

/** The schedulers of both protocols; sch, tch (and UDP's qch) hash and need a LoadBalancerSpec instance. */
export const scheduler = (...values: string[]): Field => ({ key: "scheduler", ...everywhere("Scheduler"), read: oneOf(...values) });

/** Rows that are the same for TCP and UDP listeners (reference §2.1, §2.3 and the UDP section). */
export const COMMON_FIELDS = {
    bandwidth: { key: "bandwidth", ...everywhere("Bandwidth"), requiredOn: "create", read: readBandwidth },
    backendServerPort: { key: "backendServerPort", create: "BackendServerPort", describe: "BackendServerPort", read: int(1, 65535) },
    vServerGroup: { key: "vServerGroup", set: "VServerGroup", read: onOff },
    vServerGroupId: { key: "vServerGroupId", ...everywhere("VServerGroupId"), read: readId },
    masterSlaveServerGroup: { key: "masterSlaveServerGroup", set: "MasterSlaveServerGroup", read: onOff },
    masterSlaveServerGroupId: { key: "masterSlaveServerGroupId", ...everywhere("MasterSlaveServerGroupId"), read: readId },
    persistenceTimeout: { key: "persistenceTimeout", ...everywhere("PersistenceTimeout"), read: int(0, 3600) },
    healthCheck: { key: "healthCheck", create: "HealthCheckSwitch", set: "HealthCheckSwitch", describe: "HealthCheck", read: onOff },
    healthCheckConnectPort: { key: "healthCheckConnectPort", ...everywhere("HealthCheckConnectPort"), read: readConnectPort },
    healthCheckConnectTimeout: { key: "healthCheckConnectTimeout", ...everywhere("HealthCheckConnectTimeout"), read: int(1, 300) },
    healthCheckInterval: {
        key: "healthCheckInterval", create: "healthCheckInterval", set: "HealthCheckInterval", describe: "HealthCheckInterval", read: int(1, 50),
    },
    healthyThreshold: { key: "healthyThreshold", ...everywhere("HealthyThreshold"), read: int(2, 10) },
    unhealthyThreshold: { key: "unhealthyThreshold", ...everywhere("UnhealthyThreshold"), read: int(2, 10) },
    aclStatus: { key: "aclStatus", ...everywhere("AclStatus"), read: onOff },
    aclType: { key: "aclType", ...everywhere("AclType"), read: oneOf("white", "black") },
    aclIds: { key: "aclIds", ...everywhere("AclId"), read: readAclIds },
    description: { key: "description", ...everywhere("Description"), read: readDescription },
    proxyProtocolV2Enabled: { key: "proxyProtocolV2Enabled", ...everywhere("ProxyProtocolV2Enabled"), read: (p, n) => p.bool(n) },
} as const satisfies Record<string, Field>;

const C = COMMON_FIELDS;
/** Rows that stand together, in this order, in both tables. */
export const BACKEND_FIELDS: readonly Field[] = [
    C.bandwidth, C.backendServerPort, C.vServerGroup, C.vServerGroupId, C.masterSlaveServerGroup, C.masterSlaveServerGroupId,
];
export const PROBE_TIMING_FIELDS: readonly Field[] = [
    C.healthCheckConnectPort, C.healthCheckConnectTimeout, C.healthCheckInterval, C.healthyThreshold, C.unhealthyThreshold,
];
export const ACL_FIELDS: readonly Field[] = [C.aclStatus, C.aclType, C.aclIds];

/** Reads and validates every setting the action accepts, in table order (first bad value wins). */
export function parseFields(fields: readonly Field[], p: Params, action: ListenerAction): ListenerInput {
    for (const f of fields) {
        const name = f[action];
        if (f.requiredOn === action && name !== undefined) p.required(name);
    }
    const input: Record<string, unknown> = {};
    for (const f of fields) {
        const name = f[action];
        if (name === undefined) continue;
        const v = f.read(p, name, action);
        if (v !== undefined) input[f.key] = v;
    }
    return input as ListenerInput;
}

/** Settings every listener shows when never sent (reference §5; the UDP section for UDP). */
export const COMMON_DEFAULTS: CommonListenerSettings = {
    bandwidth: -1,
    scheduler: "wrr",
    persistenceTimeout: 0,
    healthCheck: "on",
    healthCheckConnectTimeout: 5,
    healthCheckInterval: 2,
    healthyThreshold: 3,
    unhealthyThreshold: 3,
    aclStatus: "off",
    description: "",
    proxyProtocolV2Enabled: false,
};
