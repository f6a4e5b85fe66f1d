// GENERATED from provider/protocols/tcp.ts by `npm run docs`; do not edit by hand.

import type * as pulumi from "@pulumi/pulumi";

/** Inputs of a TcpListener: an SLB (Classic Load Balancer) TCP listener. */
export interface TcpListenerArgs {
    /**
     * ID of the Classic Load Balancer instance that owns the listener.
     * Allowed: 1 to 64 characters; letters, digits, - and _.
     * Required.
     * Change: replaces the listener.
     */
    loadBalancerId: pulumi.Input<string>;
    /**
     * Frontend port the listener accepts connections on.
     * Allowed: 1 to 65535.
     * Required.
     * Change: replaces the listener.
     */
    listenerPort: pulumi.Input<number>;
    /**
     * Peak bandwidth in Mbit/s: -1 for unlimited (pay-by-traffic instances) or 1 to 5120.
     * Allowed: -1 or 1 to 5120.
     * Required.
     * Change: updated in place.
     */
    bandwidth: pulumi.Input<number>;
    /**
     * Backend port; required unless vServerGroupId is set. Changing it replaces the listener (delete first, same port).
     * Allowed: 1 to 65535.
     * Change: replaces the listener (old one deleted first).
     */
    backendServerPort?: pulumi.Input<number>;
    /**
     * vServer group that receives the traffic, instead of the default backend servers.
     * Allowed: 1 to 64 characters; letters, digits, - and _.
     * Change: updated in place.
     */
    vServerGroupId?: pulumi.Input<string>;
    /**
     * Primary/secondary server group that receives the traffic; not together with vServerGroupId.
     * Allowed: 1 to 64 characters; letters, digits, - and _.
     * Change: updated in place.
     */
    masterSlaveServerGroupId?: pulumi.Input<string>;
    /**
     * Scheduling algorithm; sch and tch need a performance-guaranteed instance.
     * Allowed: wrr, rr, sch, tch.
     * Default: "wrr".
     * Change: updated in place, except that a change to, from or between sch and tch replaces the listener (old one deleted first).
     */
    scheduler?: pulumi.Input<"wrr" | "rr" | "sch" | "tch">;
    /**
     * Session persistence timeout in seconds; 0 turns session persistence off.
     * Allowed: 0 to 3600.
     * Default: 0.
     * Change: updated in place.
     */
    persistenceTimeout?: pulumi.Input<number>;
    /**
     * Timeout of established TCP connections in seconds.
     * Allowed: 10 to 900.
     * Default: 900.
     * Change: updated in place.
     */
    establishedTimeout?: pulumi.Input<number>;
    /**
     * Consecutive successful health checks before a backend is declared healthy.
     * Allowed: 2 to 10.
     * Default: 3.
     * Change: updated in place.
     */
    healthyThreshold?: pulumi.Input<number>;
    /**
     * Consecutive failed health checks before a backend is declared unhealthy.
     * Allowed: 2 to 10.
     * Default: 3.
     * Change: updated in place.
     */
    unhealthyThreshold?: pulumi.Input<number>;
    /**
     * Whether health checks run.
     * Allowed: on, off.
     * Default: "on".
     * Change: updated in place.
     */
    healthCheckSwitch?: pulumi.Input<"on" | "off">;
    /**
     * Health check protocol.
     * Allowed: tcp, http.
     * Default: "tcp".
     * Change: updated in place.
     */
    healthCheckType?: pulumi.Input<"tcp" | "http">;
    /**
     * Port the health check probes.
     * Allowed: 1 to 65535.
     * Default: the backend port.
     * Change: updated in place.
     */
    healthCheckConnectPort?: pulumi.Input<number>;
    /**
     * Seconds to wait for a health check answer. The service uses healthCheckInterval instead when that is longer; setting both with the timeout shorter is an error.
     * Allowed: 1 to 300.
     * Default: 5.
     * Change: updated in place.
     */
    healthCheckConnectTimeout?: pulumi.Input<number>;
    /**
     * Seconds between health checks.
     * Allowed: 1 to 50.
     * Default: 2.
     * Change: updated in place.
     */
    healthCheckInterval?: pulumi.Input<number>;
    /**
     * Host name sent by HTTP health checks.
     * Allowed: 1 to 80 characters; $_ip, or letters, digits, - and ..
     * Default: "" (the backend server's IP, $_ip).
     * Only when healthCheckType is "http".
     * Change: updated in place.
     */
    healthCheckDomain?: pulumi.Input<string>;
    /**
     * Path requested by HTTP health checks.
     * Allowed: 1 to 80 characters; letters, digits and - / . % # &, starting with / but not just /.
     * Default: "/".
     * Only when healthCheckType is "http".
     * Change: updated in place.
     */
    healthCheckUri?: pulumi.Input<string>;
    /**
     * HTTP status classes that count as healthy, comma-separated (http_2xx, http_3xx, http_4xx, http_5xx).
     * Allowed: 1 to 64 characters.
     * Default: "http_2xx".
     * Only when healthCheckType is "http".
     * Change: updated in place.
     */
    healthCheckHttpCode?: pulumi.Input<string>;
    /**
     * Whether access control applies; on needs aclId and aclType.
     * Allowed: on, off.
     * Default: "off".
     * Change: updated in place.
     */
    aclStatus?: pulumi.Input<"on" | "off">;
    /**
     * white: only the ACL's addresses may connect; black: the ACL's addresses may not.
     * Allowed: white, black.
     * Only when aclStatus is "on", and then required.
     * Change: updated in place.
     */
    aclType?: pulumi.Input<"white" | "black">;
    /**
     * Access control list applied to the listener.
     * Allowed: 1 to 64 characters; letters, digits, - and _.
     * Only when aclStatus is "on", and then required.
     * Change: updated in place.
     */
    aclId?: pulumi.Input<string>;
    /**
     * Name of the listener; remove it to clear it.
     * Allowed: 1 to 256 characters; letters, digits and - / . _.
     * Default: "" (none).
     * Change: updated in place.
     */
    description?: pulumi.Input<string>;
    /**
     * Whether connections to a removed backend are drained; on needs connectionDrainTimeout.
     * Allowed: on, off.
     * Default: "off".
     * Change: updated in place.
     */
    connectionDrain?: pulumi.Input<"on" | "off">;
    /**
     * Seconds connections are drained for.
     * Allowed: 10 to 900.
     * Only when connectionDrain is "on", and then required.
     * Change: updated in place.
     */
    connectionDrainTimeout?: pulumi.Input<number>;
    /**
     * Whether the client address is passed to backends with PROXY protocol v2.
     * Default: false.
     * Change: updated in place.
     */
    proxyProtocolV2Enabled?: pulumi.Input<boolean>;
    /**
     * Tags of the listener, at most 19; keys 1-64 characters, values up to 128; neither may start with "aliyun" or "acs:" or contain "http://" or "https://". Tags the platform attaches itself (acs:…, aliyun…) are left alone.
     * Default: {}.
     * Change: updated in place (tags).
     */
    tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /**
     * Region of the load balancer.
     * Allowed: 1 to 64 characters; lower-case letters, digits and -.
     * Default: the configured region (alicloud:region).
     * Change: replaces the listener.
     */
    regionId?: pulumi.Input<string>;
    /**
     * Whether the listener forwards traffic; a listener stopped outside Pulumi is started again.
     * Allowed: running, stopped.
     * Default: "running".
     * Change: start / stop.
     */
    status?: pulumi.Input<"running" | "stopped">;
    /**
     * Take over a listener that already uses listenerPort instead of failing (how to bring an existing listener under management).
     * Default: false.
     * Change: provider-side only.
     */
    adoptExisting?: pulumi.Input<boolean>;
}

/** Outputs of a TcpListener: every input that takes effect, with the service's value for inputs left unset, and the live status. */
export interface TcpListenerOutputs {
    /** ID of the Classic Load Balancer instance that owns the listener. */
    readonly loadBalancerId: pulumi.Output<string>;
    /** Frontend port the listener accepts connections on. */
    readonly listenerPort: pulumi.Output<number>;
    /** Peak bandwidth in Mbit/s: -1 for unlimited (pay-by-traffic instances) or 1 to 5120. */
    readonly bandwidth: pulumi.Output<number>;
    /** Backend port; required unless vServerGroupId is set. Changing it replaces the listener (delete first, same port). */
    readonly backendServerPort: pulumi.Output<number | undefined>;
    /** vServer group that receives the traffic, instead of the default backend servers. */
    readonly vServerGroupId: pulumi.Output<string | undefined>;
    /** Primary/secondary server group that receives the traffic; not together with vServerGroupId. */
    readonly masterSlaveServerGroupId: pulumi.Output<string | undefined>;
    /** Scheduling algorithm; sch and tch need a performance-guaranteed instance. */
    readonly scheduler: pulumi.Output<"wrr" | "rr" | "sch" | "tch">;
    /** Session persistence timeout in seconds; 0 turns session persistence off. */
    readonly persistenceTimeout: pulumi.Output<number>;
    /** Timeout of established TCP connections in seconds. */
    readonly establishedTimeout: pulumi.Output<number>;
    /** Consecutive successful health checks before a backend is declared healthy. */
    readonly healthyThreshold: pulumi.Output<number>;
    /** Consecutive failed health checks before a backend is declared unhealthy. */
    readonly unhealthyThreshold: pulumi.Output<number>;
    /** Whether health checks run. */
    readonly healthCheckSwitch: pulumi.Output<"on" | "off">;
    /** Health check protocol. */
    readonly healthCheckType: pulumi.Output<"tcp" | "http">;
    /** Port the health check probes. */
    readonly healthCheckConnectPort: pulumi.Output<number | undefined>;
    /** Seconds to wait for a health check answer. The service uses healthCheckInterval instead when that is longer; setting both with the timeout shorter is an error. */
    readonly healthCheckConnectTimeout: pulumi.Output<number>;
    /** Seconds between health checks. */
    readonly healthCheckInterval: pulumi.Output<number>;
    /** Host name sent by HTTP health checks. */
    readonly healthCheckDomain: pulumi.Output<string | undefined>;
    /** Path requested by HTTP health checks. */
    readonly healthCheckUri: pulumi.Output<string | undefined>;
    /** HTTP status classes that count as healthy, comma-separated (http_2xx, http_3xx, http_4xx, http_5xx). */
    readonly healthCheckHttpCode: pulumi.Output<string | undefined>;
    /** Whether access control applies; on needs aclId and aclType. */
    readonly aclStatus: pulumi.Output<"on" | "off">;
    /** white: only the ACL's addresses may connect; black: the ACL's addresses may not. */
    readonly aclType: pulumi.Output<"white" | "black" | undefined>;
    /** Access control list applied to the listener. */
    readonly aclId: pulumi.Output<string | undefined>;
    /** Name of the listener; remove it to clear it. */
    readonly description: pulumi.Output<string | undefined>;
    /** Whether connections to a removed backend are drained; on needs connectionDrainTimeout. */
    readonly connectionDrain: pulumi.Output<"on" | "off">;
    /** Seconds connections are drained for. */
    readonly connectionDrainTimeout: pulumi.Output<number | undefined>;
    /** Whether the client address is passed to backends with PROXY protocol v2. */
    readonly proxyProtocolV2Enabled: pulumi.Output<boolean>;
    /** Tags of the listener, at most 19; keys 1-64 characters, values up to 128; neither may start with "aliyun" or "acs:" or contain "http://" or "https://". Tags the platform attaches itself (acs:…, aliyun…) are left alone. */
    readonly tags: pulumi.Output<Record<string, string>>;
    /** Region of the load balancer. */
    readonly regionId: pulumi.Output<string>;
    /** Whether the listener forwards traffic; a listener stopped outside Pulumi is started again. */
    readonly status: pulumi.Output<"running" | "stopped">;
    /** Take over a listener that already uses listenerPort instead of failing (how to bring an existing listener under management). */
    readonly adoptExisting: pulumi.Output<boolean>;
}
