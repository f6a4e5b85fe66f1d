// How listeners look in responses, for every protocol, from its field table. The two read APIs disagree on
// shapes (reference §2.2 vs §2.5, §4): the attribute call wraps lists (`Tags: {Tag: [...]}`, `AclIds: {AclId:
// [...]}`) and has a boolean ProxyProtocolV2Enabled; DescribeLoadBalancerListeners has plain arrays and a string,
// and puts the protocol's settings in a <P>ListenerConfig block. Otherwise a listing row carries exactly the
// attribute call's values (but SynProxy), so both are built from one view of the settings.
import { Field, ListenerInput } from "./listener-fields";
import { currentStatus } from "./status";
import { LoadBalancerRecord, ListenerRecord, Protocol } from "./store";
import { tagsPlain, tagsWrapped } from "./tag-params";
import { TCP_FIELDS } from "./tcp-fields";
import { UDP_FIELDS } from "./udp-fields";

/** HTTP and HTTPS listeners have no actions; restore() may hold them, TCP-shaped. */
const FIELDS_OF: Record<Protocol, readonly Field[]> = { tcp: TCP_FIELDS, udp: UDP_FIELDS, http: TCP_FIELDS, https: TCP_FIELDS };

const CONFIG_BLOCK: Record<Protocol, string> = {
    tcp: "TCPListenerConfig", udp: "UDPListenerConfig", http: "HTTPListenerConfig", https: "HTTPSListenerConfig",
};

/** Settings at the top level of a listing row; the others go into its config block. */
const LISTED_AT_TOP = ["BackendServerPort", "Bandwidth", "Scheduler", "Description", "VServerGroupId", "AclStatus", "AclType", "AclId"];
/** Attribute-call settings a listing row does not carry. */
const NOT_LISTED = ["SynProxy"];

const aclOn = (l: ListenerRecord) => l.aclStatus === "on";

/** Settings shown only in some states; any other is shown whenever it has a value. */
const SHOWN_WHEN: Partial<Record<keyof ListenerInput, (l: ListenerRecord) => boolean>> = {
    // BackendServerPort is not shown while a server group supplies the backends.
    backendServerPort: (l) => !l.vServerGroupId && !l.masterSlaveServerGroupId,
    aclType: aclOn,
    aclIds: aclOn,
    connectionDrainTimeout: (l) => l.protocol !== "udp" && l.connectionDrain === "on",
};

/** The listener's settings under their Describe names; unset ones are left out. */
function settingsView(l: ListenerRecord): Record<string, unknown> {
    const values = l as unknown as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const f of FIELDS_OF[l.protocol]) {
        if (f.describe === undefined || SHOWN_WHEN[f.key]?.(l) === false || values[f.key] === undefined) continue;
        // The one list setting, the ACL ids, is shown comma-joined as AclId (the array itself is AclIds).
        const value = Array.isArray(values[f.key]) ? (values[f.key] as string[]).join(",") : values[f.key];
        out[f.describe] = value;
        if (f.describeAlso) out[f.describeAlso] = value;
    }
    return out;
}

/** Describe<P>ListenerAttribute. */
export function attributeView(lb: LoadBalancerRecord, l: ListenerRecord, now: number): Record<string, unknown> {
    return {
        LoadBalancerId: lb.id,
        ListenerPort: l.port,
        Status: currentStatus(l, now),
        ...settingsView(l),
        ...(aclOn(l) ? { AclIds: { AclId: [...(l.aclIds ?? [])] } } : {}),
        Tags: tagsWrapped(l.tags),
    };
}

/** One element of DescribeLoadBalancerListeners' `Listeners` array. */
export function listenerSummaryView(lb: LoadBalancerRecord, l: ListenerRecord, now: number): Record<string, unknown> {
    const row: Record<string, unknown> = { LoadBalancerId: lb.id, ListenerPort: l.port, ListenerProtocol: l.protocol, Status: currentStatus(l, now) };
    const config: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(settingsView(l))) {
        if (NOT_LISTED.includes(name)) continue;
        if (LISTED_AT_TOP.includes(name)) row[name] = value;
        else config[name] = name === "ProxyProtocolV2Enabled" ? String(value) : value;
    }
    if (aclOn(l)) row.AclIds = [...(l.aclIds ?? [])];
    row.Tags = tagsPlain(l.tags);
    row[CONFIG_BLOCK[l.protocol]] = config;
    return row;
}
