// The TCP listener: its field table and descriptor (CreateLoadBalancerTCPListener and the API page beside it).

import { AppliesWhen, FieldSpec, sameWireName } from "../core/fields";
import { Protocol } from "../core/protocol";
import * as common from "./common";

const HTTP_CODES = ["http_2xx", "http_3xx", "http_4xx", "http_5xx"] as const;

function checkHttpCodes(value: string, show: (part: string) => string): string | undefined {
    const codes = value.split(",");
    const bad = codes.filter((c) => !(HTTP_CODES as readonly string[]).includes(c));
    if (bad.length > 0) return `must be a comma-separated list of ${HTTP_CODES.join(", ")}; got ${show(JSON.stringify(bad.join(",")))}`;
    if (new Set(codes).size !== codes.length) return "must not repeat a code";
    return undefined;
}

function checkUri(value: string): string | undefined {
    if (!value.startsWith("/")) return "must start with /";
    if (value === "/") return 'must be a path longer than "/" (the service reports "/" when no path is set)';
    return undefined;
}

const httpCheck: AppliesWhen = { field: "healthCheckType", equals: "http" };

const FIELDS: readonly FieldSpec[] = [
    common.loadBalancerId,
    common.listenerPort(),
    common.bandwidth,
    common.backendServerPort,
    common.vServerGroupId,
    common.masterSlaveServerGroupId,
    common.scheduler(["sch", "tch"], "Scheduling algorithm; sch and tch need a performance-guaranteed instance."),
    common.persistenceTimeout,
    {
        input: "establishedTimeout", kind: "integer", change: "in-place", range: { min: 10, max: 900 }, serviceDefault: 900,
        doc: "Timeout of established TCP connections in seconds.",
        api: sameWireName("EstablishedTimeout"),
    },
    common.healthyThreshold,
    common.unhealthyThreshold,
    common.healthCheckSwitch,
    {
        input: "healthCheckType", kind: "string", change: "in-place", values: ["tcp", "http"], serviceDefault: "tcp",
        doc: "Health check protocol.",
        api: sameWireName("HealthCheckType"),
    },
    common.healthCheckConnectPort,
    common.healthCheckConnectTimeout,
    common.healthCheckInterval,
    {
        input: "healthCheckDomain", kind: "string", change: "in-place", serviceDefault: "", appliesWhen: httpCheck,
        reportedAs: { $_ip: "" },
        defaultText: '"" (the backend server\'s IP, $_ip)',
        text: { min: 1, max: 80, pattern: /^(\$_ip|[A-Za-z0-9.-]+)$/, rule: "$_ip, or letters, digits, - and ." },
        doc: "Host name sent by HTTP health checks.",
        api: sameWireName("HealthCheckDomain"),
    },
    {
        input: "healthCheckUri", kind: "string", change: "in-place", serviceDefault: "/", appliesWhen: httpCheck,
        text: { min: 1, max: 80, pattern: /^[A-Za-z0-9\-/.%#&]+$/, rule: "letters, digits and - / . % # &, starting with / but not just /" },
        check: checkUri as FieldSpec["check"],
        doc: "Path requested by HTTP health checks.",
        api: sameWireName("HealthCheckURI"),
    },
    {
        input: "healthCheckHttpCode", kind: "string", change: "in-place", serviceDefault: "http_2xx", appliesWhen: httpCheck,
        text: { min: 1, max: 64 },
        check: checkHttpCodes as FieldSpec["check"],
        doc: "HTTP status classes that count as healthy, comma-separated (http_2xx, http_3xx, http_4xx, http_5xx).",
        api: sameWireName("HealthCheckHttpCode"),
    },
    common.aclStatus,
    common.aclType,
    common.aclId,
    common.description,
    {
        input: "connectionDrain", kind: "string", change: "in-place", values: ["on", "off"], serviceDefault: "off",
        doc: "Whether connections to a removed backend are drained; on needs connectionDrainTimeout.",
        api: sameWireName("ConnectionDrain"),
    },
    {
        input: "connectionDrainTimeout", kind: "integer", change: "in-place", range: { min: 10, max: 900 },
        appliesWhen: { field: "connectionDrain", equals: "on" }, requiredWhenApplies: true,
        doc: "Seconds connections are drained for.",
        api: sameWireName("ConnectionDrainTimeout"),
    },
    common.proxyProtocolV2Enabled,
    common.tags,
    common.regionId,
    common.status,
    common.adoptExisting,
];

export const TCP = new Protocol({
    name: "tcp",
    title: "TCP",
    resourceName: "TcpListener",
    fields: FIELDS,
    actions: { create: "CreateLoadBalancerTCPListener", set: "SetLoadBalancerTCPListenerAttribute", describe: "DescribeLoadBalancerTCPListenerAttribute" },
    listing: {
        block: "TCPListenerConfig",
        topLevel: common.LISTING_TOP_LEVEL,
        // The listing has no SynProxy, which the table does not read.
        inBlock: [
            "ConnectionDrain", "ConnectionDrainTimeout", "EstablishedTimeout", "HealthCheck", "HealthCheckConnectPort",
            "HealthCheckConnectTimeout", "HealthCheckDomain", "HealthCheckHttpCode", "HealthCheckInterval", "HealthCheckMethod",
            "HealthCheckType", "HealthCheckURI", "HealthyThreshold", "UnhealthyThreshold", "MasterSlaveServerGroupId",
            "PersistenceTimeout", "ProxyProtocolV2Enabled",
        ],
    },
});
