// The rules of Create and Set that span several settings and hold for TCP and UDP listeners alike (reference
// §2.1, §2.3, the UDP section): scheduler conversions, server groups, ACLs, the timeout quirk and the
// instance's bandwidth budget; and which listeners may share a port.
import { Errors } from "../errors";
import { Call } from "./call";
import { ModelErrors } from "./errors";
import { ListenerInput, USE_BACKEND_PORT } from "./listener-fields";
import { ListenerRecord, LoadBalancerRecord, Protocol, getOwn, listenerKey } from "./store";

/** At most this many listeners of any protocol per load balancer. */
export const MAX_LISTENERS_PER_LB = 50;

/** The hashing schedulers: only on LoadBalancerSpec instances, and never converted to or from on Set. */
const HASHING = ["sch", "tch", "qch"];
const isHash = (s: string) => HASHING.includes(s);

function checkScheduler(lb: LoadBalancerRecord, current: string, wanted: string | undefined, isCreate: boolean): void {
    if (wanted === undefined || wanted === current) return;
    if (isHash(wanted) && !lb.spec) throw ModelErrors.specNotSupport();
    if (!isCreate && (isHash(wanted) || isHash(current))) {
        throw Errors.invalidParameter("Scheduler",
            `Cannot convert the scheduler from ${current} to ${wanted}: wrr/rr cannot be converted to or from sch/tch/qch, and hash algorithms cannot be switched.`);
    }
}

/** vServer / master-slave group attachment, by Set's switches (Create's handler turns a sent id into "on"). */
function applyGroups(next: ListenerRecord, input: ListenerInput, lb: LoadBalancerRecord): void {
    const vs = input.vServerGroup;
    const ms = input.masterSlaveServerGroup;
    if (vs === "on" && ms === "on") throw ModelErrors.groupMissMatch();
    if (vs === "on") {
        const id = input.vServerGroupId;
        if (id === undefined) throw Errors.missingParameter("VServerGroupId");
        if (!getOwn(lb.vServerGroups, id)) throw ModelErrors.vServerGroupNotFound();
        if (next.masterSlaveServerGroupId && ms !== "off") throw ModelErrors.groupMissMatch();
        next.vServerGroupId = id;
    } else if (vs === "off") {
        delete next.vServerGroupId;
    }
    if (ms === "on") {
        const id = input.masterSlaveServerGroupId;
        if (id === undefined) throw Errors.missingParameter("MasterSlaveServerGroupId");
        if (!getOwn(lb.masterSlaveGroups, id)) throw ModelErrors.masterSlaveGroupNotFound();
        if (next.vServerGroupId && vs !== "off") throw ModelErrors.groupMissMatch();
        next.masterSlaveServerGroupId = id;
    } else if (ms === "off") {
        delete next.masterSlaveServerGroupId;
    }
    // The listener needs somewhere to send traffic: a backend port or a group.
    if (next.backendServerPort === undefined && !next.vServerGroupId && !next.masterSlaveServerGroupId) {
        throw Errors.missingParameter("BackendServerPort");
    }
}

function applyAcl(call: Call, next: ListenerRecord): void {
    if (next.aclStatus !== "on") {
        // AclId/AclType sent while the ACL is off are ignored; turning it off detaches the ACLs.
        next.aclStatus = "off";
        delete next.aclIds;
        delete next.aclType;
        return;
    }
    if (!next.aclIds) throw Errors.missingParameter("AclId");
    if (!next.aclType) throw Errors.missingParameter("AclType");
    const acls = call.region().acls;
    if (next.aclIds.some((id) => !getOwn(acls, id))) throw ModelErrors.aclNotExist();
    next.aclIds = [...next.aclIds];
}

/** Pay-by-bandwidth instances share their bandwidth among listeners (reference §2.1 Bandwidth). */
function checkBandwidth(lb: LoadBalancerRecord, next: ListenerRecord): void {
    if (lb.internetChargeType !== "paybybandwidth" || next.bandwidth <= 0) return;
    const key = listenerKey(next.port, next.protocol);
    const others = Object.entries(lb.listeners)
        .filter(([k, l]) => k !== key && l.bandwidth > 0)
        .reduce((sum, [, l]) => sum + l.bandwidth, 0);
    if (others + next.bandwidth > lb.bandwidth) throw ModelErrors.bandwidthExceeded();
}

/**
 * Applies the parsed settings to `next` (a copy of the listener, or a new one) with every shared rule;
 * `ownRules` are the protocol's own, run before the timeout quirk and the bandwidth budget.
 */
export function applyInput<R extends ListenerRecord>(
    call: Call, lb: LoadBalancerRecord, next: R, input: ListenerInput, isCreate: boolean, ownRules?: (next: R) => void,
): void {
    const { vServerGroup: _vs, masterSlaveServerGroup: _ms, ...settings } = input;
    checkScheduler(lb, next.scheduler, settings.scheduler, isCreate);
    // Everything sent is taken as sent; the rules below then check, complete or drop what depends on others.
    Object.assign(next, settings);
    if (next.healthCheckConnectPort === USE_BACKEND_PORT) delete next.healthCheckConnectPort;
    applyGroups(next, input, lb);
    applyAcl(call, next);
    ownRules?.(next);
    // Service quirk (reference §2.3, the same on the UDP Set page): a connect timeout shorter than the interval
    // is stored as the interval.
    if (next.healthCheckConnectTimeout < next.healthCheckInterval) next.healthCheckConnectTimeout = next.healthCheckInterval;
    checkBandwidth(lb, next);
}

/** tcp, http and https all take the port's TCP side; udp its UDP side. */
const family = (p: Protocol) => (p === "udp" ? "udp" : "tcp");

/**
 * Whether a new listener fits: a port holds at most one listener of each family (the same protocol again is
 * ListenerAlreadyExists, another protocol of the same family, TCP beside HTTP, is ListenerPortConflict, TCP
 * beside UDP is fine: MODEL.md), and a load balancer at most MAX_LISTENERS_PER_LB listeners.
 */
export function checkRoomFor(lb: LoadBalancerRecord, port: number, protocol: Protocol): void {
    const sameFamily = Object.values(lb.listeners).filter((l) => l.port === port && family(l.protocol) === family(protocol));
    if (sameFamily.some((l) => l.protocol === protocol)) throw Errors.listenerAlreadyExists();
    if (sameFamily.length) throw Errors.listenerPortConflict();
    if (Object.keys(lb.listeners).length >= MAX_LISTENERS_PER_LB) throw ModelErrors.tooManyListeners();
}

/** The listener of `protocol` on the port, or undefined. */
export const listenerOn = (lb: LoadBalancerRecord, port: number, protocol: Protocol): ListenerRecord | undefined =>
    getOwn(lb.listeners, listenerKey(port, protocol));
