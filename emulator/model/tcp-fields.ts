// The TCP listener's parameters (reference §2.1 / §2.3 / §4): one row per setting with its wire name on
// Create and on Set and its validator. Create-only (BackendServerPort, lower-case healthCheckInterval) and
// Set-only (capital HealthCheckInterval, VServerGroup, MasterSlaveServerGroup, SynProxy) parameters simply
// have no name for the other action, so they are ignored there like any unknown parameter.
import { Errors } from "../errors";
import { charLength, Params } from "./params";
import { ListenerSettings } from "./store";

export interface TcpInput extends Partial<ListenerSettings> {
    vServerGroup?: string;
    masterSlaveServerGroup?: string;
}

/** Reads one parameter; `action` tells Create from Set (Set also takes the values that restore a default). */
type Reader = (p: Params, name: string, action: "create" | "set") => unknown;

const int = (min: number, max: number): Reader => (p, name) => p.int(name, min, max);
const oneOf = (...values: string[]): Reader => (p, name) => p.oneOf(name, values);
const onOff = oneOf("on", "off");

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

/** `$_ip` means "the backend server's IP" and is stored (and described) as "". */
const readDomain: Reader = (p, name) => {
    const v = p.string(name);
    if (v === undefined || v === "$_ip") return v === undefined ? undefined : "";
    if (charLength(v) > 80 || !/^[A-Za-z0-9.-]+$/.test(v)) {
        throw Errors.invalidParameter(name, "Use $_ip or 1-80 characters of letters, digits, hyphens (-) and periods (.).");
    }
    return v;
};

/** The page: 1-80 characters of letters, digits, - / . % # &, starting with / but not just /. */
const readUri: Reader = (p, name, action) => {
    const v = p.string(name);
    if (v === undefined) return undefined;
    // Set takes "/", the value Describe shows when no path is set, to restore that default (MODEL.md).
    if (v === "/" && action === "set") return v;
    if (charLength(v) > 80 || !v.startsWith("/") || v === "/" || !/^[A-Za-z0-9\-/.%#&]+$/.test(v)) {
        throw Errors.invalidParameter(name,
            "The URI must be 1-80 characters, start with / (but not be just /) and contain only letters, digits and -/.%#&.");
    }
    return v;
};

const HTTP_CODES = ["http_2xx", "http_3xx", "http_4xx", "http_5xx"];
const readHttpCodes: Reader = (p, name) => {
    const v = p.string(name);
    if (v === undefined) return undefined;
    const codes = v.split(",");
    if (codes.some((c) => !HTTP_CODES.includes(c)) || new Set(codes).size !== codes.length) {
        throw Errors.invalidParameter(name, `Use a comma-separated list of distinct values from ${HTTP_CODES.join(", ")}.`);
    }
    return v;
};

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

interface Field {
    key: keyof TcpInput;
    create?: string;
    set?: string;
    read: Reader;
}

const both = (name: string) => ({ create: name, set: name });

export const TCP_FIELDS: readonly Field[] = [
    { key: "bandwidth", ...both("Bandwidth"), read: readBandwidth },
    { key: "backendServerPort", create: "BackendServerPort", read: int(1, 65535) },
    { key: "vServerGroup", set: "VServerGroup", read: onOff },
    { key: "vServerGroupId", ...both("VServerGroupId"), read: readId },
    { key: "masterSlaveServerGroup", set: "MasterSlaveServerGroup", read: onOff },
    { key: "masterSlaveServerGroupId", ...both("MasterSlaveServerGroupId"), read: readId },
    { key: "scheduler", ...both("Scheduler"), read: oneOf("wrr", "rr", "sch", "tch") },
    { key: "persistenceTimeout", ...both("PersistenceTimeout"), read: int(0, 3600) },
    { key: "establishedTimeout", ...both("EstablishedTimeout"), read: int(10, 900) },
    { key: "healthCheck", ...both("HealthCheckSwitch"), read: onOff },
    { key: "healthCheckType", ...both("HealthCheckType"), read: oneOf("tcp", "http") },
    { key: "healthCheckConnectPort", ...both("HealthCheckConnectPort"), read: readConnectPort },
    { key: "healthCheckConnectTimeout", ...both("HealthCheckConnectTimeout"), read: int(1, 300) },
    { key: "healthCheckInterval", create: "healthCheckInterval", set: "HealthCheckInterval", read: int(1, 50) },
    { key: "healthyThreshold", ...both("HealthyThreshold"), read: int(2, 10) },
    { key: "unhealthyThreshold", ...both("UnhealthyThreshold"), read: int(2, 10) },
    { key: "healthCheckDomain", ...both("HealthCheckDomain"), read: readDomain },
    { key: "healthCheckURI", ...both("HealthCheckURI"), read: readUri },
    { key: "healthCheckHttpCode", ...both("HealthCheckHttpCode"), read: readHttpCodes },
    { key: "aclStatus", ...both("AclStatus"), read: onOff },
    { key: "aclType", ...both("AclType"), read: oneOf("white", "black") },
    { key: "aclIds", ...both("AclId"), read: readAclIds },
    { key: "connectionDrain", ...both("ConnectionDrain"), read: onOff },
    { key: "connectionDrainTimeout", ...both("ConnectionDrainTimeout"), read: int(10, 900) },
    { key: "description", ...both("Description"), read: readDescription },
    { key: "proxyProtocolV2Enabled", ...both("ProxyProtocolV2Enabled"), read: (p, n) => p.bool(n) },
    { key: "synProxy", set: "SynProxy", read: oneOf("enable", "disable") },
];

/** Reads and validates every TCP setting the action accepts, in table order (first bad value wins). */
export function parseTcpInput(p: Params, action: "create" | "set"): TcpInput {
    // Required parameters are checked before any value is validated, as the gateway does.
    if (action === "create") p.required("Bandwidth");
    const input: Record<string, unknown> = {};
    for (const f of TCP_FIELDS) {
        const name = action === "create" ? f.create : f.set;
        if (name === undefined) continue;
        const v = f.read(p, name, action);
        if (v !== undefined) input[f.key] = v;
    }
    return input as TcpInput;
}

/** What Describe shows for settings never sent (reference §5). */
export const TCP_DEFAULTS: ListenerSettings = {
    bandwidth: -1,
    scheduler: "wrr",
    persistenceTimeout: 0,
    establishedTimeout: 900,
    healthCheck: "on",
    healthCheckType: "tcp",
    healthCheckConnectTimeout: 5,
    healthCheckInterval: 2,
    healthyThreshold: 3,
    unhealthyThreshold: 3,
    healthCheckDomain: "",
    healthCheckURI: "/",
    healthCheckHttpCode: "http_2xx",
    aclStatus: "off",
    connectionDrain: "off",
    description: "",
    proxyProtocolV2Enabled: false,
    synProxy: "disable",
};
