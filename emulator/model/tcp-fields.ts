// The TCP listener's parameters (reference §2.1 / §2.3 / §4): one row per setting with its wire name on
// Create, on Set and in Describe, and its validator. Rows shared with UDP come from listener-fields.ts.
// Create-only (BackendServerPort, lower-case healthCheckInterval) and Set-only (capital HealthCheckInterval,
// VServerGroup, MasterSlaveServerGroup, SynProxy) parameters simply have no name for the other action.
import { Errors } from "../errors";
import {
    ACL_FIELDS, BACKEND_FIELDS, COMMON_DEFAULTS, COMMON_FIELDS as C, Field, PROBE_TIMING_FIELDS, Reader, everywhere, int, onOff, oneOf, scheduler,
} from "./listener-fields";
import { charLength } from "./params";
import { TcpListenerSettings } from "./store";

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

export const TCP_FIELDS: readonly Field[] = [
    ...BACKEND_FIELDS,
    scheduler("wrr", "rr", "sch", "tch"),
    C.persistenceTimeout,
    { key: "establishedTimeout", ...everywhere("EstablishedTimeout"), read: int(10, 900) },
    C.healthCheck,
    // Undocumented beyond "health check method"; the model shows the check type under both names (MODEL.md).
    { key: "healthCheckType", ...everywhere("HealthCheckType"), describeAlso: "HealthCheckMethod", read: oneOf("tcp", "http") },
    ...PROBE_TIMING_FIELDS,
    { key: "healthCheckDomain", ...everywhere("HealthCheckDomain"), read: readDomain },
    { key: "healthCheckURI", ...everywhere("HealthCheckURI"), read: readUri },
    { key: "healthCheckHttpCode", ...everywhere("HealthCheckHttpCode"), read: readHttpCodes },
    ...ACL_FIELDS,
    { key: "connectionDrain", ...everywhere("ConnectionDrain"), read: onOff },
    { key: "connectionDrainTimeout", ...everywhere("ConnectionDrainTimeout"), read: int(10, 900) },
    C.description,
    C.proxyProtocolV2Enabled,
    { key: "synProxy", set: "SynProxy", describe: "SynProxy", read: oneOf("enable", "disable") },
];

/** What Describe shows for settings never sent (reference §5). */
export const TCP_DEFAULTS: TcpListenerSettings = {
    ...COMMON_DEFAULTS,
    establishedTimeout: 900,
    healthCheckType: "tcp",
    healthCheckDomain: "",
    healthCheckURI: "/",
    healthCheckHttpCode: "http_2xx",
    connectionDrain: "off",
    synProxy: "disable",
};
