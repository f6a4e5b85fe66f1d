// The three attribute actions of a listener protocol: CreateLoadBalancer<P>Listener,
// SetLoadBalancer<P>ListenerAttribute and DescribeLoadBalancer<P>ListenerAttribute (reference §2.1–§2.3, §4, and
// the UDP section), built from the protocol's field table. Create and Set build the new record on a copy and
// commit it only when every check passed, so a failed call changes nothing.
import { Errors } from "../errors";
import { ActionHandler } from "./call";
import { ModelErrors } from "./errors";
import { Field, ListenerInput, parseFields } from "./listener-fields";
import { applyInput, checkRoomFor, listenerOn } from "./listener-rules";
import { attributeView } from "./listener-views";
import { Params } from "./params";
import { beginTransition, checkOperation } from "./status";
import { ListenerRecord, ListenerState, listenerKey, setOwn } from "./store";
import { parseTags } from "./tag-params";

export interface ListenerKind<R extends ListenerRecord> {
    /** As in the action names: "TCP" -> CreateLoadBalancerTCPListener. */
    name: string;
    protocol: "tcp" | "udp";
    fields: readonly Field[];
    /** A new listener with the protocol's defaults. */
    newRecord(state: ListenerState): R;
    /** Checks of ListenerPort beyond 1-65535, before any other parameter (UDP's reserved ports). */
    checkPort?(port: number): void;
    /** Rules of this protocol alone, run after the shared ones have taken the settings. */
    ownRules?(next: R): void;
}

const listenerPort = (p: Params) => p.requiredInt("ListenerPort", 1, 65535);

export function attributeActions<R extends ListenerRecord>(kind: ListenerKind<R>): Record<string, ActionHandler> {
    const create: ActionHandler = (call) => {
        const p = call.p;
        const lbId = p.required("LoadBalancerId");
        const port = listenerPort(p);
        kind.checkPort?.(port);
        const input = parseFields(kind.fields, p, "create");
        const tags = parseTags(p);
        // Create has no on/off switches: sending a group id attaches it.
        if (input.vServerGroupId !== undefined) input.vServerGroup = "on";
        if (input.masterSlaveServerGroupId !== undefined) input.masterSlaveServerGroup = "on";
        if (input.vServerGroup === "on" && input.masterSlaveServerGroup === "on") throw ModelErrors.groupMissMatch();
        // The page: "If the VServerGroupId parameter is not set, this parameter is required."
        if (input.backendServerPort === undefined && input.vServerGroupId === undefined) throw Errors.missingParameter("BackendServerPort");

        const lb = call.loadBalancer(lbId);
        call.occupy(lb.id);
        checkRoomFor(lb, port, kind.protocol);
        const next = kind.newRecord({ port, status: "stopped", createdAt: call.now, tags });
        applyInput(call, lb, next, input, true, kind.ownRules);
        setOwn(lb.listeners, listenerKey(port, kind.protocol), next);
        call.changed();
        return {};
    };

    const set: ActionHandler = (call) => {
        const p = call.p;
        const lbId = p.required("LoadBalancerId");
        const port = listenerPort(p);
        const input: ListenerInput = parseFields(kind.fields, p, "set");
        if (input.vServerGroup === "on" && input.masterSlaveServerGroup === "on") throw ModelErrors.groupMissMatch();
        // A group id without its switch set to "on" is ignored (the switch decides).
        if (input.vServerGroup !== "on") delete input.vServerGroupId;
        if (input.masterSlaveServerGroup !== "on") delete input.masterSlaveServerGroupId;

        const lb = call.loadBalancer(lbId);
        // The key names the protocol, so the record is this kind's.
        const current = listenerOn(lb, port, kind.protocol) as R | undefined;
        if (!current) throw Errors.listenerNotFound();
        call.occupy(lb.id);
        checkOperation("set", current, call.now);

        const next: R = { ...current, aclIds: current.aclIds && [...current.aclIds], tags: current.tags };
        applyInput(call, lb, next, input, false, kind.ownRules);
        // A running listener reconfigures for a while; a stopped one just takes the new settings.
        if (current.status === "running") beginTransition(next, "configuring", "running", call.now, call.timings.transitionMs);
        setOwn(lb.listeners, listenerKey(port, kind.protocol), next);
        call.changed();
        return {};
    };

    const describe: ActionHandler = (call) => {
        const lbId = call.p.required("LoadBalancerId");
        const port = listenerPort(call.p);
        const lb = call.loadBalancer(lbId);
        const l = listenerOn(lb, port, kind.protocol);
        if (!l) throw Errors.resourceNotFound();
        return attributeView(lb, l, call.now);
    };

    return {
        [`CreateLoadBalancer${kind.name}Listener`]: create,
        [`SetLoadBalancer${kind.name}ListenerAttribute`]: set,
        [`DescribeLoadBalancer${kind.name}ListenerAttribute`]: describe,
    };
}
