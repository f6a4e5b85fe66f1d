// Cases shared by the model-level and the SDK-level UDP tests.

/**
 * [Set parameters, what Describe then includes] for every UDP setting, in Set's spellings (lower-case probe
 * strings, capital HealthCheckInterval). Applied in order to one listener, on an instance with a LoadBalancerSpec.
 */
type Value = string | number | boolean;

export function setEachUdpField(ids: { acl: string; vServerGroup: string }): [Record<string, Value>, Record<string, Value>][] {
    return [
        [{ Bandwidth: 20 }, { Bandwidth: 20 }],
        [{ Scheduler: "rr" }, { Scheduler: "rr" }],
        [{ PersistenceTimeout: 3000 }, { PersistenceTimeout: 3000 }],
        [{ HealthCheckSwitch: "off" }, { HealthCheck: "off" }],
        [{ HealthCheckConnectPort: 65535 }, { HealthCheckConnectPort: 65535 }],
        [{ HealthCheckConnectTimeout: 300 }, { HealthCheckConnectTimeout: 300 }],
        [{ HealthCheckInterval: 50 }, { HealthCheckInterval: 50 }],
        [{ HealthyThreshold: 2 }, { HealthyThreshold: 2 }],
        [{ UnhealthyThreshold: 10 }, { UnhealthyThreshold: 10 }],
        [{ healthCheckReq: "q".repeat(64) }, { HealthCheckReq: "q".repeat(64) }],
        [{ healthCheckExp: "A1" }, { HealthCheckExp: "A1" }],
        [{ VServerGroup: "on", VServerGroupId: ids.vServerGroup }, { VServerGroupId: ids.vServerGroup }],
        [{ AclStatus: "on", AclType: "black", AclId: ids.acl }, { AclStatus: "on", AclType: "black", AclId: ids.acl }],
        [{ Description: "changed" }, { Description: "changed" }],
        [{ ProxyProtocolV2Enabled: true }, { ProxyProtocolV2Enabled: true }],
    ];
}
