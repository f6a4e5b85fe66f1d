// The UDP listener's parameters (the UDP section of the reference): one row per setting, like tcp-fields.ts.
// UDP has no health-check type, domain, URI or HTTP codes, no established timeout, no connection drain and no
// SynProxy: those parameters have no row here, so a UDP call ignores them like any unknown parameter. It adds
// the probe's request and answer strings (lower-case `h` on Create and Set, capital in Describe) and the
// qch scheduler. PersistenceTimeout is gone from the current metadata but still works, so it keeps its row.
import { Errors } from "../errors";
import { ModelErrors } from "./errors";
import {
    ACL_FIELDS, BACKEND_FIELDS, COMMON_DEFAULTS, COMMON_FIELDS as C, Field, PROBE_TIMING_FIELDS, Reader, scheduler,
} from "./listener-fields";
import { charLength } from "./params";
import { UdpListenerSettings } from "./store";

/** Ports the service keeps for itself on UDP (the UDP listener guide) [unconf: the error it answers]. */
export const RESERVED_UDP_PORTS: readonly number[] = [250, 4789, 4790];

const PROBE_TEXT_MAX = 64;

/**
 * healthCheckReq / healthCheckExp: 1-64 ASCII letters and digits. A wrong length has its own documented code
 * (InvalidParamLength.HealthCheckReq / .HealthCheckExp); Set also takes "" to clear the string (MODEL.md).
 */
const probeText = (describeName: string): Reader => (p, name, action) => {
    const v = p.get(name);
    if (v === undefined) return undefined;
    if ((v === "" && action === "create") || charLength(v) > PROBE_TEXT_MAX) throw ModelErrors.probeTextLength(describeName, name, PROBE_TEXT_MAX);
    if (!/^[A-Za-z0-9]*$/.test(v)) throw Errors.invalidParameter(name, "Use only letters and digits.");
    return v;
};

/** The wire name is the record key (lower-case `h`) on Create and Set; Describe capitalises it. */
const probeRow = (key: "healthCheckReq" | "healthCheckExp", describe: string): Field =>
    ({ key, create: key, set: key, describe, read: probeText(describe) });

export const UDP_FIELDS: readonly Field[] = [
    ...BACKEND_FIELDS,
    // qch hashes the QUIC connection id: UDP only.
    scheduler("wrr", "rr", "sch", "tch", "qch"),
    C.persistenceTimeout,
    C.healthCheck,
    ...PROBE_TIMING_FIELDS,
    probeRow("healthCheckReq", "HealthCheckReq"),
    probeRow("healthCheckExp", "HealthCheckExp"),
    ...ACL_FIELDS,
    C.description,
    C.proxyProtocolV2Enabled,
];

/** What Describe shows for settings never sent: the same as TCP's shared settings (MODEL.md, "UDP listeners"). */
export const UDP_DEFAULTS: UdpListenerSettings = { ...COMMON_DEFAULTS };
