// CreateLoadBalancerTCPListener, SetLoadBalancerTCPListenerAttribute, DescribeLoadBalancerTCPListenerAttribute
// (reference §2.1–§2.3, §4): the TCP field table plus TCP's own rule, connection draining.
import { Errors } from "../errors";
import { ActionHandler } from "./call";
import { attributeActions } from "./listener-attributes";
import { TcpListenerRecord } from "./store";
import { TCP_DEFAULTS, TCP_FIELDS } from "./tcp-fields";

function applyDrain(next: TcpListenerRecord): void {
    if (next.connectionDrain !== "on") {
        // A timeout sent while draining is off is ignored (it is only meaningful, and only shown, when on).
        next.connectionDrain = "off";
        delete next.connectionDrainTimeout;
        return;
    }
    if (next.connectionDrainTimeout === undefined) throw Errors.missingParameter("ConnectionDrainTimeout");
}

export const tcpListenerActions: Record<string, ActionHandler> = attributeActions<TcpListenerRecord>({
    name: "TCP",
    protocol: "tcp",
    fields: TCP_FIELDS,
    newRecord: (state) => ({ ...TCP_DEFAULTS, ...state, protocol: "tcp" }),
    ownRules: applyDrain,
});
