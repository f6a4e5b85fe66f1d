// CreateLoadBalancerTCPListener, SetLoadBalancerTCPListenerAttribute, DescribeLoadBalancerTCPListenerAttribute
// (reference §2.1–§2.3, §4). Create and Set share the cross-field rules; both build the new record on a
// copy and commit it only when every check passed, so a failed call changes nothing.
import { Errors } from "../errors";
import { ActionHandler, Call } from "./call";
import { ModelErrors } from "./errors";
import { tcpAttributeView } from "./listener-views";
import { beginTransition, checkOperation } from "./status";
import { ListenerRecord, LoadBalancerRecord, getOwn, listenerKey, setOwn } from "./store";
import { parseTags } from "./tag-params";
import { TCP_DEFAULTS, TcpInput, USE_BACKEND_PORT, parseTcpInput } from "./tcp-fields";

export const MAX_LISTENERS_PER_LB = 50;

/** Settings that are simply copied when sent (everything with cross-field rules is handled below). */
const PLAIN_KEYS = [
    "bandwidth", "persistenceTimeout", "establishedTimeout", "healthCheck", "healthCheckType", "healthCheckConnectPort",
    "healthCheckConnectTimeout", "healthCheckInterval", "healthyThreshold", "unhealthyThreshold", "healthCheckDomain",
    "healthCheckURI", "healthCheckHttpCode", "description", "proxyProtocolV2Enabled", "synProxy",
] as const;

const isHash = (s: string) => s === "sch" || s === "tch";

function applyScheduler(next: ListenerRecord, input: TcpInput, lb: LoadBalancerRecord, isCreate: boolean): void {
    const wanted = input.scheduler;
    if (wanted === undefined || wanted === next.scheduler) return;
    // sch/tch exist only on performance-guaranteed (LoadBalancerSpec) instances.
    if (isHash(wanted) && !lb.spec) throw ModelErrors.specNotSupport();
    if (!isCreate && (isHash(wanted) || isHash(next.scheduler))) {
        throw Errors.invalidParameter("Scheduler",
            `Cannot convert the scheduler from ${next.scheduler} to ${wanted}: wrr/rr cannot be converted to or from sch/tch, and hash algorithms cannot be switched.`);
    }
    next.scheduler = wanted;
}

/** vServer / master-slave group attachment; `input.vServerGroup` etc. are the Set switches (Create maps ids to "on"). */
function applyGroups(next: ListenerRecord, input: TcpInput, lb: LoadBalancerRecord): void {
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

function applyAcl(call: Call, next: ListenerRecord, input: TcpInput): void {
    const status = input.aclStatus ?? next.aclStatus;
    if (status !== "on") {
        // AclId/AclType sent while the ACL is off are ignored; turning it off detaches the ACLs.
        next.aclStatus = "off";
        delete next.aclIds;
        delete next.aclType;
        return;
    }
    const ids = input.aclIds ?? next.aclIds;
    if (!ids) throw Errors.missingParameter("AclId");
    const type = input.aclType ?? next.aclType;
    if (!type) throw Errors.missingParameter("AclType");
    const acls = call.region().acls;
    if (ids.some((id) => !getOwn(acls, id))) throw ModelErrors.aclNotExist();
    next.aclStatus = "on";
    next.aclIds = [...ids];
    next.aclType = type;
}

function applyDrain(next: ListenerRecord, input: TcpInput): void {
    const drain = input.connectionDrain ?? next.connectionDrain;
    if (drain !== "on") {
        // A timeout sent while draining is off is ignored (it is only meaningful, and only shown, when on).
        next.connectionDrain = "off";
        delete next.connectionDrainTimeout;
        return;
    }
    const timeout = input.connectionDrainTimeout ?? next.connectionDrainTimeout;
    if (timeout === undefined) throw Errors.missingParameter("ConnectionDrainTimeout");
    next.connectionDrain = "on";
    next.connectionDrainTimeout = timeout;
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

/** All rules shared by Create and Set, applied to `next` in place. */
function applyInput(call: Call, lb: LoadBalancerRecord, next: ListenerRecord, input: TcpInput, isCreate: boolean): void {
    for (const k of PLAIN_KEYS) {
        if (input[k] !== undefined) (next as unknown as Record<string, unknown>)[k] = input[k];
    }
    if (next.healthCheckConnectPort === USE_BACKEND_PORT) delete next.healthCheckConnectPort;
    applyScheduler(next, input, lb, isCreate);
    applyGroups(next, input, lb);
    applyAcl(call, next, input);
    applyDrain(next, input);
    // Service quirk (reference §2.3): a connect timeout shorter than the interval is stored as the interval.
    if (next.healthCheckConnectTimeout < next.healthCheckInterval) next.healthCheckConnectTimeout = next.healthCheckInterval;
    checkBandwidth(lb, next);
}

const createTcpListener: ActionHandler = (call) => {
    const p = call.p;
    const lbId = p.required("LoadBalancerId");
    const port = p.requiredInt("ListenerPort", 1, 65535);
    const input = parseTcpInput(p, "create");
    const tags = parseTags(p);
    // Create has no on/off switches: sending a group id attaches it.
    if (input.vServerGroupId !== undefined) input.vServerGroup = "on";
    if (input.masterSlaveServerGroupId !== undefined) input.masterSlaveServerGroup = "on";
    if (input.vServerGroup === "on" && input.masterSlaveServerGroup === "on") throw ModelErrors.groupMissMatch();
    // The page: "If the VServerGroupId parameter is not set, this parameter is required."
    if (input.backendServerPort === undefined && input.vServerGroupId === undefined) throw Errors.missingParameter("BackendServerPort");

    const lb = call.loadBalancer(lbId);
    call.occupy(lb.id);
    const onPort = Object.values(lb.listeners).filter((l) => l.port === port);
    if (onPort.some((l) => l.protocol === "tcp")) throw Errors.listenerAlreadyExists();
    // TCP and UDP may share a port; HTTP/HTTPS (also TCP underneath) may not.
    if (onPort.some((l) => l.protocol === "http" || l.protocol === "https")) throw Errors.listenerPortConflict();
    if (Object.keys(lb.listeners).length >= MAX_LISTENERS_PER_LB) throw ModelErrors.tooManyListeners();

    const next: ListenerRecord = {
        ...TCP_DEFAULTS,
        protocol: "tcp",
        port,
        backendServerPort: input.backendServerPort,
        status: "stopped",
        createdAt: call.now,
        tags,
    };
    if (next.backendServerPort === undefined) delete next.backendServerPort;
    applyInput(call, lb, next, input, true);
    setOwn(lb.listeners, listenerKey(port, "tcp"), next);
    call.changed();
    return {};
};

const setTcpListener: ActionHandler = (call) => {
    const p = call.p;
    const lbId = p.required("LoadBalancerId");
    const port = p.requiredInt("ListenerPort", 1, 65535);
    const input = parseTcpInput(p, "set");
    if (input.vServerGroup === "on" && input.masterSlaveServerGroup === "on") throw ModelErrors.groupMissMatch();
    // A group id without its switch set to "on" is ignored (the switch decides).
    if (input.vServerGroup !== "on") delete input.vServerGroupId;
    if (input.masterSlaveServerGroup !== "on") delete input.masterSlaveServerGroupId;

    const lb = call.loadBalancer(lbId);
    const key = listenerKey(port, "tcp");
    const current = getOwn(lb.listeners, key);
    if (!current) throw Errors.listenerNotFound();
    call.occupy(lb.id);
    checkOperation("set", current, call.now);

    const next: ListenerRecord = { ...current, aclIds: current.aclIds && [...current.aclIds], tags: current.tags };
    applyInput(call, lb, next, input, false);
    // A running listener reconfigures for a while; a stopped one just takes the new settings.
    if (current.status === "running") beginTransition(next, "configuring", "running", call.now, call.timings.transitionMs);
    setOwn(lb.listeners, key, next);
    call.changed();
    return {};
};

const describeTcpListener: ActionHandler = (call) => {
    const lbId = call.p.required("LoadBalancerId");
    const port = call.p.requiredInt("ListenerPort", 1, 65535);
    const lb = call.loadBalancer(lbId);
    const l = getOwn(lb.listeners, listenerKey(port, "tcp"));
    if (!l) throw Errors.resourceNotFound();
    return tcpAttributeView(lb, l, call.now);
};

export const tcpListenerActions: Record<string, ActionHandler> = {
    CreateLoadBalancerTCPListener: createTcpListener,
    SetLoadBalancerTCPListenerAttribute: setTcpListener,
    DescribeLoadBalancerTCPListenerAttribute: describeTcpListener,
};
