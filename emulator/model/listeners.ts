// Protocol-independent listener actions: Start/Stop/DeleteLoadBalancerListener (reference §2.4, §3) and
// DescribeLoadBalancerListeners (§2.5).
import { Errors } from "../errors";
import { ActionHandler, Call } from "./call";
import { listenerSummaryView } from "./listener-views";
import { decodeNextToken, page } from "./paging";
import { beginTransition, checkOperation } from "./status";
import { LoadBalancerRecord, ListenerRecord, PROTOCOLS, Protocol, deleteOwn, getOwn, listenerKey } from "./store";
import { matchesTagFilter, parseTagFilter } from "./tag-params";

const byPortThenProtocol = (a: ListenerRecord, b: ListenerRecord) =>
    a.port - b.port || PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol);

/**
 * The listener addressed by LoadBalancerId + ListenerPort (+ ListenerProtocol). Without a protocol the
 * port must identify one listener; when TCP and UDP share it the protocol is required.
 */
function addressedListener(call: Call): { lb: LoadBalancerRecord; listener: ListenerRecord } {
    const lbId = call.p.required("LoadBalancerId");
    const port = call.p.requiredInt("ListenerPort", 1, 65535);
    const protocol = call.p.oneOf("ListenerProtocol", PROTOCOLS);
    const lb = call.loadBalancer(lbId);
    if (protocol) {
        const listener = getOwn(lb.listeners, listenerKey(port, protocol));
        if (!listener) throw Errors.listenerNotFound();
        return { lb, listener };
    }
    const onPort = Object.values(lb.listeners).filter((l) => l.port === port);
    if (onPort.length === 0) throw Errors.listenerNotFound();
    if (onPort.length > 1) throw Errors.missingParameter("ListenerProtocol");
    return { lb, listener: onPort[0] };
}

const startListener: ActionHandler = (call) => {
    const { lb, listener } = addressedListener(call);
    call.occupy(lb.id);
    if (checkOperation("start", listener, call.now) === "go") {
        beginTransition(listener, "starting", "running", call.now, call.timings.transitionMs);
        call.changed();
    }
    return {};
};

const stopListener: ActionHandler = (call) => {
    const { lb, listener } = addressedListener(call);
    call.occupy(lb.id);
    if (checkOperation("stop", listener, call.now) === "go") {
        beginTransition(listener, "stopping", "stopped", call.now, call.timings.transitionMs);
        call.changed();
    }
    return {};
};

const deleteListener: ActionHandler = (call) => {
    const { lb, listener } = addressedListener(call);
    call.occupy(lb.id);
    checkOperation("delete", listener, call.now);
    // The listener's tags, ACL and group references live on the record and go with it.
    deleteOwn(lb.listeners, listenerKey(listener.port, listener.protocol));
    call.changed();
    return {};
};

const describeListeners: ActionHandler = (call) => {
    const p = call.p;
    const lbIds = [...new Set(p.list("LoadBalancerId", 10))];
    const protocol = p.oneOf<Protocol>("ListenerProtocol", PROTOCOLS);
    const port = p.int("ListenerPort", 1, 65535);
    const description = p.string("Description", { maxChars: 256 });
    const tagFilter = parseTagFilter(p);
    const maxResults = p.int("MaxResults", 1, 100) ?? 20;
    const offset = decodeNextToken("NextToken", p.get("NextToken"));

    const all = call.region().loadBalancers;
    // Unknown load balancer ids simply match nothing (a filter, not a lookup).
    const lbs = lbIds.length ? lbIds.map((id) => getOwn(all, id)).filter((lb): lb is LoadBalancerRecord => !!lb) : Object.values(all);
    const rows = lbs.flatMap((lb) =>
        Object.values(lb.listeners)
            .filter((l) => (protocol === undefined || l.protocol === protocol) && (port === undefined || l.port === port)
                && (description === undefined || l.description === description) && matchesTagFilter(l.tags, tagFilter))
            .sort(byPortThenProtocol)
            .map((l) => ({ lb, l })));
    const { items, nextToken } = page(rows, offset, maxResults);
    const body: Record<string, unknown> = { TotalCount: rows.length, MaxResults: maxResults, NextToken: nextToken };
    if (items.length) body.Listeners = items.map(({ lb, l }) => listenerSummaryView(lb, l, call.now));
    return body;
};

export const listenerActions: Record<string, ActionHandler> = {
    StartLoadBalancerListener: startListener,
    StopLoadBalancerListener: stopListener,
    DeleteLoadBalancerListener: deleteListener,
    DescribeLoadBalancerListeners: describeListeners,
};
