// DescribeLoadBalancerListeners as the provider uses it: the request for the TCP listeners of up to ten load
// balancers, one page at a time, and each row of its answer put into the shape of
// DescribeLoadBalancerTCPListenerAttribute, so fromDescribe() (mapping.ts) reads both answers alike.
// The two APIs disagree on shapes: the listing has plain arrays for Tags and AclIds (the attribute call wraps
// them: {Tag: [...]}, {AclId: [...]}), a string "true"/"false" for ProxyProtocolV2Enabled (a boolean there), and
// the protocol settings in a TCPListenerConfig block; it has no SynProxy (see docs/performance.md).

import { FIELDS } from "./fields";

export const LISTING_ACTION = "DescribeLoadBalancerListeners";
/** The service takes at most ten LoadBalancerId.N per listing. */
export const MAX_LOAD_BALANCERS_PER_LISTING = 10;
/** The largest page the service gives (1 to 100, default 20). */
export const LISTING_PAGE_SIZE = 100;

/** Fields of a listing row, at its top level and inside TCPListenerConfig, under their attribute-call names. */
const TOP_LEVEL_FIELDS = [
    "LoadBalancerId", "ListenerPort", "BackendServerPort", "Bandwidth", "Scheduler", "Status", "Description",
    "VServerGroupId", "AclId", "AclIds", "AclStatus", "AclType", "Tags",
];
const TCP_CONFIG_FIELDS = [
    "ConnectionDrain", "ConnectionDrainTimeout", "EstablishedTimeout", "HealthCheck", "HealthCheckConnectPort",
    "HealthCheckConnectTimeout", "HealthCheckDomain", "HealthCheckHttpCode", "HealthCheckInterval", "HealthCheckMethod",
    "HealthCheckType", "HealthCheckURI", "HealthyThreshold", "UnhealthyThreshold", "MasterSlaveServerGroupId",
    "PersistenceTimeout", "ProxyProtocolV2Enabled",
];
const LISTED = new Set([...TOP_LEVEL_FIELDS, ...TCP_CONFIG_FIELDS]);

/**
 * Describe names of the provider's fields (the field table) that a listing row does not carry. While any is
 * needed, a listing cannot stand in for the attribute call and every listener is read on its own.
 */
export const UNLISTED_FIELDS: readonly string[] = FIELDS
    .map((f) => f.api?.describe)
    .filter((name): name is string => name !== undefined && !LISTED.has(name));

/** Request parameters of one page; the SDK flattens LoadBalancerId into LoadBalancerId.1..N. */
export function listingParams(regionId: string, loadBalancerIds: readonly string[], nextToken?: string): Record<string, unknown> {
    if (loadBalancerIds.length < 1 || loadBalancerIds.length > MAX_LOAD_BALANCERS_PER_LISTING) {
        throw new Error(`a listing takes 1 to ${MAX_LOAD_BALANCERS_PER_LISTING} load balancers, not ${loadBalancerIds.length}`);
    }
    return {
        RegionId: regionId, LoadBalancerId: [...loadBalancerIds], ListenerProtocol: "tcp", MaxResults: LISTING_PAGE_SIZE,
        ...(nextToken ? { NextToken: nextToken } : {}),
    };
}

/** How a listener is named in a listing's answer. */
export function listedKey(loadBalancerId: string, listenerPort: number): string {
    return `${loadBalancerId}:${listenerPort}`;
}

export interface ListingPage {
    /** TCP listeners of this page, in the attribute call's shape, by listedKey(). */
    readonly listeners: ReadonlyMap<string, Record<string, unknown>>;
    /** "" on the last page. */
    readonly nextToken: string;
    /** How many listeners the whole listing holds (every page), when the service says. */
    readonly totalCount?: number;
}

/** Reads one page of a DescribeLoadBalancerListeners answer. */
export function parsePage(body: Record<string, unknown>): ListingPage {
    const listeners = new Map<string, Record<string, unknown>>();
    // `Listeners` is left out of a page without listeners.
    const rows = Array.isArray(body.Listeners) ? body.Listeners : [];
    for (const row of rows as unknown[]) {
        if (typeof row !== "object" || row === null) continue;
        const r = row as Record<string, unknown>;
        // The request asks for TCP only; a row of another protocol must never stand in for a TCP listener.
        if (r.ListenerProtocol !== undefined && r.ListenerProtocol !== "tcp") continue;
        const port = Number(r.ListenerPort);
        if (typeof r.LoadBalancerId !== "string" || !Number.isInteger(port)) continue;
        listeners.set(listedKey(r.LoadBalancerId, port), attributeShape(r));
    }
    const total = Number(body.TotalCount);
    return { listeners, nextToken: typeof body.NextToken === "string" ? body.NextToken : "", ...(Number.isInteger(total) ? { totalCount: total } : {}) };
}

/** One listing row as DescribeLoadBalancerTCPListenerAttribute would answer for the same listener. */
export function attributeShape(row: Record<string, unknown>): Record<string, unknown> {
    const config = typeof row.TCPListenerConfig === "object" && row.TCPListenerConfig !== null
        ? (row.TCPListenerConfig as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries({ ...config, ...row })) {
        if (name === "TCPListenerConfig" || name === "ListenerProtocol" || value === undefined || value === null) continue;
        out[name] = value;
    }
    if (Array.isArray(out.Tags)) out.Tags = { Tag: out.Tags };
    if (Array.isArray(out.AclIds)) out.AclIds = { AclId: out.AclIds };
    if (out.ProxyProtocolV2Enabled === "true" || out.ProxyProtocolV2Enabled === "false") {
        out.ProxyProtocolV2Enabled = out.ProxyProtocolV2Enabled === "true";
    }
    return out;
}
