// CreateLoadBalancerUDPListener, SetLoadBalancerUDPListenerAttribute, DescribeLoadBalancerUDPListenerAttribute
// (the UDP section of the reference): the UDP field table, the ports UDP keeps for the service, and clearing
// the probe strings.
import { ActionHandler } from "./call";
import { ModelErrors } from "./errors";
import { attributeActions } from "./listener-attributes";
import { UdpListenerRecord } from "./store";
import { RESERVED_UDP_PORTS, UDP_DEFAULTS, UDP_FIELDS } from "./udp-fields";

export const udpListenerActions: Record<string, ActionHandler> = attributeActions<UdpListenerRecord>({
    name: "UDP",
    protocol: "udp",
    fields: UDP_FIELDS,
    newRecord: (state) => ({ ...UDP_DEFAULTS, ...state, protocol: "udp" }),
    checkPort: (port) => {
        if (RESERVED_UDP_PORTS.includes(port)) throw ModelErrors.reservedUdpPort(port);
    },
    ownRules: (next) => {
        // An empty probe string (Set only) restores the default: no string, and Describe leaves the field out.
        if (next.healthCheckReq === "") delete next.healthCheckReq;
        if (next.healthCheckExp === "") delete next.healthCheckExp;
    },
});
