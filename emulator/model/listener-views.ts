// How listeners look in responses. The two read APIs disagree on shapes (reference §2.2 vs §2.5, §4):
// the attribute API wraps lists (`Tags: {Tag: [...]}`, `AclIds: {AclId: [...]}`) and has a boolean
// ProxyProtocolV2Enabled; DescribeLoadBalancerListeners uses plain arrays and a string.
import { currentStatus } from "./status";
import { LoadBalancerRecord, ListenerRecord } from "./store";
import { tagsPlain, tagsWrapped } from "./tag-params";

/** BackendServerPort is not shown while a server group supplies the backends. */
const shownBackendPort = (l: ListenerRecord) =>
    l.vServerGroupId || l.masterSlaveServerGroupId ? undefined : l.backendServerPort;

/** Drops undefined values so optional fields are omitted rather than sent as null. */
function compact(obj: Record<string, unknown>): Record<string, unknown> {
    return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined));
}

const aclOn = (l: ListenerRecord) => l.aclStatus === "on";
const drainOn = (l: ListenerRecord) => l.connectionDrain === "on";

/** Health-check fields shared by both views. */
function healthCheck(l: ListenerRecord) {
    return {
        HealthCheck: l.healthCheck,
        HealthCheckType: l.healthCheckType,
        // Undocumented beyond "health check method"; mirrors the check type (MODEL.md).
        HealthCheckMethod: l.healthCheckType,
        HealthCheckConnectPort: l.healthCheckConnectPort,
        HealthCheckConnectTimeout: l.healthCheckConnectTimeout,
        HealthCheckInterval: l.healthCheckInterval,
        HealthyThreshold: l.healthyThreshold,
        UnhealthyThreshold: l.unhealthyThreshold,
        HealthCheckDomain: l.healthCheckDomain,
        HealthCheckURI: l.healthCheckURI,
        HealthCheckHttpCode: l.healthCheckHttpCode,
    };
}

/** DescribeLoadBalancerTCPListenerAttribute. */
export function tcpAttributeView(lb: LoadBalancerRecord, l: ListenerRecord, now: number): Record<string, unknown> {
    return compact({
        LoadBalancerId: lb.id,
        ListenerPort: l.port,
        BackendServerPort: shownBackendPort(l),
        Status: currentStatus(l, now),
        Bandwidth: l.bandwidth,
        Scheduler: l.scheduler,
        SynProxy: l.synProxy,
        PersistenceTimeout: l.persistenceTimeout,
        EstablishedTimeout: l.establishedTimeout,
        ...healthCheck(l),
        AclStatus: l.aclStatus,
        AclType: aclOn(l) ? l.aclType : undefined,
        AclId: aclOn(l) ? l.aclIds?.join(",") : undefined,
        AclIds: aclOn(l) ? { AclId: [...(l.aclIds ?? [])] } : undefined,
        VServerGroupId: l.vServerGroupId,
        MasterSlaveServerGroupId: l.masterSlaveServerGroupId,
        ConnectionDrain: l.connectionDrain,
        ConnectionDrainTimeout: drainOn(l) ? l.connectionDrainTimeout : undefined,
        Description: l.description,
        ProxyProtocolV2Enabled: l.proxyProtocolV2Enabled,
        Tags: tagsWrapped(l.tags),
    });
}

/** One element of DescribeLoadBalancerListeners' `Listeners` array. */
export function listenerSummaryView(lb: LoadBalancerRecord, l: ListenerRecord, now: number): Record<string, unknown> {
    const common = compact({
        LoadBalancerId: lb.id,
        ListenerPort: l.port,
        ListenerProtocol: l.protocol,
        BackendServerPort: shownBackendPort(l),
        Bandwidth: l.bandwidth,
        Scheduler: l.scheduler,
        Status: currentStatus(l, now),
        Description: l.description,
        VServerGroupId: l.vServerGroupId,
        AclStatus: l.aclStatus,
        AclType: aclOn(l) ? l.aclType : undefined,
        AclId: aclOn(l) ? l.aclIds?.join(",") : undefined,
        AclIds: aclOn(l) ? [...(l.aclIds ?? [])] : undefined,
        Tags: tagsPlain(l.tags),
    });
    const config = compact({
        ConnectionDrain: l.connectionDrain,
        ConnectionDrainTimeout: drainOn(l) ? l.connectionDrainTimeout : undefined,
        EstablishedTimeout: l.establishedTimeout,
        ...healthCheck(l),
        MasterSlaveServerGroupId: l.masterSlaveServerGroupId,
        PersistenceTimeout: l.persistenceTimeout,
        ProxyProtocolV2Enabled: String(l.proxyProtocolV2Enabled),
    });
    const block = { tcp: "TCPListenerConfig", udp: "UDPListenerConfig", http: "HTTPListenerConfig", https: "HTTPSListenerConfig" }[l.protocol];
    return { ...common, [block]: config };
}
