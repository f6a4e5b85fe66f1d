// The UDP listener: its field table and descriptor (CreateLoadBalancerUDPListener and the shared listener actions).
// What the sources leave open is decided once, in emulator/MODEL.md ("UDP listeners"), and this table follows it:
// PersistenceTimeout works although the current metadata lacks it; qch is UDP's own scheduler; the probe request and
// answer are lower case on Create and Set (healthCheckReq) but not in Describe (HealthCheckReq); ports 250, 4789 and
// 4790 are reserved; there is no health-check type, domain, URI or HTTP code, no established timeout and no drain.

import { FieldSpec } from "../core/fields";
import { Protocol } from "../core/protocol";
import * as common from "./common";

/** Ports UDP listeners may not use (the service keeps them for itself). */
export const UDP_RESERVED_PORTS: readonly number[] = [250, 4789, 4790];

function checkReservedPort(port: number): string | undefined {
    return UDP_RESERVED_PORTS.includes(port) ? `must not be ${UDP_RESERVED_PORTS.join(", ")} (reserved for UDP by the service)` : undefined;
}

/** The health check's request string and the answer it expects (each optional; without them, a plain UDP probe). */
function probeString(input: "healthCheckReq" | "healthCheckExp", doc: string): FieldSpec {
    const wire = input; // lower case on Create and Set
    return {
        input, kind: "string", change: "in-place",
        text: { min: 1, max: 64, pattern: /^[A-Za-z0-9]+$/, rule: "letters and digits" },
        defaultText: "unset (a plain UDP probe)",
        doc,
        api: { create: wire, set: wire, describe: `H${wire.slice(1)}` },
        // Removing it from the program clears it (the service takes "" on Set for that).
        resetValue: "",
        errorCodes: [`InvalidParamLength.H${wire.slice(1)}`],
    };
}

const FIELDS: readonly FieldSpec[] = [
    common.loadBalancerId,
    common.listenerPort(checkReservedPort, `; ${UDP_RESERVED_PORTS.join(", ")} are reserved for UDP by the service`),
    common.bandwidth,
    common.backendServerPort,
    common.vServerGroupId,
    common.masterSlaveServerGroupId,
    common.scheduler(["sch", "tch", "qch"], "Scheduling algorithm; sch, tch and qch (QUIC connection id hash) need a performance-guaranteed instance."),
    common.persistenceTimeout,
    common.healthyThreshold,
    common.unhealthyThreshold,
    common.healthCheckSwitch,
    common.healthCheckConnectPort,
    common.healthCheckConnectTimeout,
    common.healthCheckInterval,
    probeString("healthCheckReq", "Request string the UDP health check sends to the backend."),
    probeString("healthCheckExp", "Answer the UDP health check expects from the backend."),
    common.aclStatus,
    common.aclType,
    common.aclId,
    common.description,
    common.proxyProtocolV2Enabled,
    common.tags,
    common.regionId,
    common.status,
    common.adoptExisting,
];

export const UDP = new Protocol({
    name: "udp",
    title: "UDP",
    resourceName: "UdpListener",
    fields: FIELDS,
    actions: { create: "CreateLoadBalancerUDPListener", set: "SetLoadBalancerUDPListenerAttribute", describe: "DescribeLoadBalancerUDPListenerAttribute" },
    listing: {
        block: "UDPListenerConfig",
        topLevel: common.LISTING_TOP_LEVEL,
        inBlock: [
            "HealthCheck", "HealthCheckConnectPort", "HealthCheckConnectTimeout", "HealthCheckExp", "HealthCheckInterval",
            "HealthCheckReq", "HealthyThreshold", "UnhealthyThreshold", "MasterSlaveServerGroupId", "PersistenceTimeout",
            "ProxyProtocolV2Enabled",
        ],
    },
});
