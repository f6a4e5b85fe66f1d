// DescribeLoadBalancerListeners as the provider uses it: the request for the listeners of one protocol on up to ten
// load balancers, one page at a time, and each row of its answer put into the shape of the protocol's attribute call
// (DescribeLoadBalancerTCPListenerAttribute, ...UDP...), so fromDescribe() (core/mapping.ts) reads both answers alike.
// The two APIs disagree on shapes: the listing has plain arrays for Tags and AclIds (the attribute call wraps
// them: {Tag: [...]}, {AclId: [...]}), a string "true"/"false" for ProxyProtocolV2Enabled (a boolean there), and
// the protocol's settings in a block of their own (TCPListenerConfig, UDPListenerConfig). Which names a row carries
// where is the protocol descriptor's business (protocols/*.ts).

import { Protocol } from "../core/protocol";

export const LISTING_ACTION = "DescribeLoadBalancerListeners";
/** The service takes at most ten LoadBalancerId.N per listing. */
export const MAX_LOAD_BALANCERS_PER_LISTING = 10;
/** The largest page the service gives (1 to 100, default 20). */
export const LISTING_PAGE_SIZE = 100;

/** Request parameters of one page; the SDK flattens LoadBalancerId into LoadBalancerId.1..N. */
export function listingParams(protocol: Protocol, regionId: string, loadBalancerIds: readonly string[], nextToken?: string): Record<string, unknown> {
    if (loadBalancerIds.length < 1 || loadBalancerIds.length > MAX_LOAD_BALANCERS_PER_LISTING) {
        throw new Error(`a listing takes 1 to ${MAX_LOAD_BALANCERS_PER_LISTING} load balancers, not ${loadBalancerIds.length}`);
    }
    return {
        RegionId: regionId, LoadBalancerId: [...loadBalancerIds], ListenerProtocol: protocol.name, MaxResults: LISTING_PAGE_SIZE,
        ...(nextToken ? { NextToken: nextToken } : {}),
    };
}

/** How a listener is named in a listing's answer. */
export function listedKey(loadBalancerId: string, listenerPort: number): string {
    return `${loadBalancerId}:${listenerPort}`;
}

export interface ListingPage {
    /** Listeners of this page, in the attribute call's shape, by listedKey(). */
    readonly listeners: ReadonlyMap<string, Record<string, unknown>>;
    /** "" on the last page. */
    readonly nextToken: string;
    /** How many listeners the whole listing holds (every page), when the service says. */
    readonly totalCount?: number;
}

/** Reads one page of a DescribeLoadBalancerListeners answer for one protocol. */
export function parsePage(protocol: Protocol, body: Record<string, unknown>): ListingPage {
    const listeners = new Map<string, Record<string, unknown>>();
    // `Listeners` is left out of a page without listeners.
    const rows = Array.isArray(body.Listeners) ? body.Listeners : [];
    for (const row of rows as unknown[]) {
        if (typeof row !== "object" || row === null) continue;
        const r = row as Record<string, unknown>;
        // The request asks for one protocol; a row of another must never stand in for one of it.
        if (r.ListenerProtocol !== undefined && r.ListenerProtocol !== protocol.name) continue;
        const port = Number(r.ListenerPort);
        if (typeof r.LoadBalancerId !== "string" || !Number.isInteger(port)) continue;
        listeners.set(listedKey(r.LoadBalancerId, port), attributeShape(protocol, r));
    }
    const total = Number(body.TotalCount);
    return { listeners, nextToken: typeof body.NextToken === "string" ? body.NextToken : "", ...(Number.isInteger(total) ? { totalCount: total } : {}) };
}

/** One listing row as the protocol's attribute call would answer for the same listener. */
export function attributeShape(protocol: Protocol, row: Record<string, unknown>): Record<string, unknown> {
    const blockName = protocol.spec.listing.block;
    const block = typeof row[blockName] === "object" && row[blockName] !== null ? (row[blockName] as Record<string, unknown>) : {};
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries({ ...block, ...row })) {
        if (name === blockName || name === "ListenerProtocol" || value === undefined || value === null) continue;
        out[name] = value;
    }
    if (Array.isArray(out.Tags)) out.Tags = { Tag: out.Tags };
    if (Array.isArray(out.AclIds)) out.AclIds = { AclId: out.AclIds };
    if (out.ProxyProtocolV2Enabled === "true" || out.ProxyProtocolV2Enabled === "false") {
        out.ProxyProtocolV2Enabled = out.ProxyProtocolV2Enabled === "true";
    }
    return out;
}
