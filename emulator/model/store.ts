// The model's state: account -> region -> load balancers (with their listeners and server groups) and
// ACLs. Everything is plain JSON (timestamps are epoch numbers), so snapshot/restore is a deep copy.
import { ModelErrors } from "./errors";

export type Protocol = "tcp" | "udp" | "http" | "https";
export const PROTOCOLS: readonly Protocol[] = ["tcp", "udp", "http", "https"];
export type SettledStatus = "stopped" | "running";
export type TransitionalStatus = "starting" | "stopping" | "configuring";
export type ListenerStatus = SettledStatus | TransitionalStatus;

export interface TagRecord {
    key: string;
    value: string;
}

/**
 * The settings every listener has, with service defaults already filled in (undefined = "not set", omitted by
 * Describe). Each protocol adds its own below; the field tables (tcp-fields.ts, udp-fields.ts) say which
 * request parameter and which Describe field each one is.
 */
export interface CommonListenerSettings {
    bandwidth: number;
    backendServerPort?: number;
    vServerGroupId?: string;
    masterSlaveServerGroupId?: string;
    scheduler: string;
    persistenceTimeout: number;
    healthCheck: string;
    healthCheckConnectPort?: number;
    healthCheckConnectTimeout: number;
    healthCheckInterval: number;
    healthyThreshold: number;
    unhealthyThreshold: number;
    aclStatus: string;
    aclType?: string;
    aclIds?: string[];
    description: string;
    proxyProtocolV2Enabled: boolean;
}

export interface TcpListenerSettings extends CommonListenerSettings {
    establishedTimeout: number;
    healthCheckType: string;
    /** "" means `$_ip` (the backend server's IP). */
    healthCheckDomain: string;
    healthCheckURI: string;
    healthCheckHttpCode: string;
    connectionDrain: string;
    connectionDrainTimeout?: number;
    synProxy: string;
}

export interface UdpListenerSettings extends CommonListenerSettings {
    /** The UDP probe's request and expected answer; without them the probe is a bare datagram. */
    healthCheckReq?: string;
    healthCheckExp?: string;
}

/** What a listener has besides its settings. */
export interface ListenerState {
    port: number;
    /** The status the listener settles in; while `transition` is pending Describe shows the transition. */
    status: SettledStatus;
    transition?: { status: TransitionalStatus; until: number };
    createdAt: number;
    tags: TagRecord[];
}

/** HTTP and HTTPS listeners have no actions; restore() may hold them (TCP-shaped) for port-conflict tests. */
export interface TcpListenerRecord extends TcpListenerSettings, ListenerState {
    protocol: "tcp" | "http" | "https";
}

export interface UdpListenerRecord extends UdpListenerSettings, ListenerState {
    protocol: "udp";
}

export type ListenerRecord = TcpListenerRecord | UdpListenerRecord;

export interface BackendServerRecord {
    serverId: string;
    port: number;
    weight: number;
    type: string;
    serverIp?: string;
    description: string;
    /** Master / Slave, for master-slave groups only. */
    serverType?: string;
}

export interface ServerGroupRecord {
    id: string;
    name: string;
    servers: BackendServerRecord[];
    tags: TagRecord[];
    createdAt: number;
}

export interface LoadBalancerRecord {
    id: string;
    name: string;
    regionId: string;
    status: string;
    address: string;
    addressType: string;
    addressIPVersion: string;
    networkType: string;
    vpcId: string;
    vSwitchId: string;
    masterZoneId: string;
    slaveZoneId: string;
    /** Set only for performance-guaranteed instances (enables sch/tch schedulers). */
    spec?: string;
    payType: string;
    internetChargeType: string;
    instanceChargeType: string;
    bandwidth: number;
    deleteProtection: string;
    modificationProtectionStatus: string;
    modificationProtectionReason: string;
    resourceGroupId: string;
    clientToken?: string;
    createdAt: number;
    tags: TagRecord[];
    /** Keyed by listenerKey(port, protocol). */
    listeners: Record<string, ListenerRecord>;
    vServerGroups: Record<string, ServerGroupRecord>;
    masterSlaveGroups: Record<string, ServerGroupRecord>;
}

export interface AclRecord {
    id: string;
    name: string;
    addressIPVersion: string;
    resourceGroupId: string;
    entries: { entry: string; comment: string }[];
    tags: TagRecord[];
    createdAt: number;
}

export interface RegionState {
    loadBalancers: Record<string, LoadBalancerRecord>;
    acls: Record<string, AclRecord>;
}

export interface StoreState {
    version: 1;
    accounts: Record<string, Record<string, RegionState>>;
}

export const listenerKey = (port: number, protocol: Protocol) => `${port}/${protocol}`;

// Keys of the account/region maps come from outside (access keys, RegionId), so never touch prototypes.
export function getOwn<T>(rec: Record<string, T>, key: string): T | undefined {
    return Object.prototype.hasOwnProperty.call(rec, key) ? rec[key] : undefined;
}

export function setOwn<T>(rec: Record<string, T>, key: string, value: T): void {
    Object.defineProperty(rec, key, { value, enumerable: true, writable: true, configurable: true });
}

export function deleteOwn<T>(rec: Record<string, T>, key: string): void {
    if (Object.prototype.hasOwnProperty.call(rec, key)) delete rec[key];
}

export const emptyState = (): StoreState => ({ version: 1, accounts: {} });

export class Store {
    state: StoreState = emptyState();

    /** The region's state for reading; an unknown account/region reads as empty without being created. */
    read(accountId: string, regionId: string): RegionState {
        const account = getOwn(this.state.accounts, accountId);
        return (account && getOwn(account, regionId)) ?? { loadBalancers: {}, acls: {} };
    }

    /** The region's state for writing (created on first use). */
    write(accountId: string, regionId: string): RegionState {
        let account = getOwn(this.state.accounts, accountId);
        if (!account) {
            account = {};
            setOwn(this.state.accounts, accountId, account);
        }
        let region = getOwn(account, regionId);
        if (!region) {
            region = { loadBalancers: {}, acls: {} };
            setOwn(account, regionId, region);
        }
        return region;
    }

    snapshot(): StoreState {
        return JSON.parse(JSON.stringify(this.state)) as StoreState;
    }

    restore(snapshot: unknown): void {
        let copy: unknown;
        try {
            copy = JSON.parse(JSON.stringify(snapshot ?? null));
        } catch {
            throw ModelErrors.invalidSnapshot("not JSON-serialisable");
        }
        this.state = validateSnapshot(copy);
    }
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const isTags = (v: unknown) => Array.isArray(v) && v.every((t) => isObj(t) && typeof t.key === "string" && typeof t.value === "string");
const isStrings = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((s) => typeof s === "string"));
/** Listener fields the views read without further checks: every listener's, then those of the TCP-shaped ones. */
const COMMON_NUMBERS = ["bandwidth", "persistenceTimeout", "healthCheckConnectTimeout", "healthCheckInterval", "healthyThreshold",
    "unhealthyThreshold"] satisfies (keyof CommonListenerSettings)[];
const COMMON_STRINGS = ["scheduler", "healthCheck", "aclStatus", "description"] satisfies (keyof CommonListenerSettings)[];
const TCP_NUMBERS = ["establishedTimeout"] satisfies (keyof TcpListenerSettings)[];
const TCP_STRINGS = ["healthCheckType", "healthCheckDomain", "healthCheckURI", "healthCheckHttpCode", "connectionDrain",
    "synProxy"] satisfies (keyof TcpListenerSettings)[];
const UDP_OPTIONAL_STRINGS = ["healthCheckReq", "healthCheckExp"] satisfies (keyof UdpListenerSettings)[];

function isListenerRecord(l: Record<string, unknown>): boolean {
    const numbers = l.protocol === "udp" ? COMMON_NUMBERS : [...COMMON_NUMBERS, ...TCP_NUMBERS];
    const strings = l.protocol === "udp" ? COMMON_STRINGS : [...COMMON_STRINGS, ...TCP_STRINGS];
    const optional = l.protocol === "udp" ? UDP_OPTIONAL_STRINGS : [];
    return typeof l.port === "number" && isTags(l.tags) && isStrings(l.aclIds)
        && (l.status === "stopped" || l.status === "running") && typeof l.proxyProtocolV2Enabled === "boolean"
        && numbers.every((k) => typeof l[k] === "number") && strings.every((k) => typeof l[k] === "string")
        && optional.every((k) => l[k] === undefined || typeof l[k] === "string")
        && (l.transition === undefined || (isObj(l.transition) && typeof l.transition.until === "number"
            && ["starting", "stopping", "configuring"].includes(l.transition.status as string)));
}

/** Structural check of a snapshot, so a bad restore fails loudly instead of breaking later calls. */
function validateSnapshot(s: unknown): StoreState {
    const fail = (detail: string) => ModelErrors.invalidSnapshot(detail);
    if (!isObj(s) || s.version !== 1 || !isObj(s.accounts)) throw fail("expected {version: 1, accounts: {...}}");
    for (const [accountId, regions] of Object.entries(s.accounts)) {
        if (!isObj(regions)) throw fail(`account ${accountId} is not an object`);
        for (const [regionId, region] of Object.entries(regions)) {
            const where = `${accountId}/${regionId}`;
            if (!isObj(region) || !isObj(region.loadBalancers) || !isObj(region.acls)) throw fail(`${where} needs loadBalancers and acls`);
            for (const [id, lb] of Object.entries(region.loadBalancers)) {
                if (!isObj(lb) || lb.id !== id || !isTags(lb.tags) || !isObj(lb.listeners) || !isObj(lb.vServerGroups)
                    || !isObj(lb.masterSlaveGroups)) throw fail(`load balancer ${where}/${id} is malformed`);
                for (const [key, l] of Object.entries(lb.listeners)) {
                    if (!isObj(l) || !PROTOCOLS.includes(l.protocol as Protocol) || !isListenerRecord(l)
                        || key !== listenerKey(l.port as number, l.protocol as Protocol)) {
                        throw fail(`listener ${id}/${key} is malformed`);
                    }
                }
                for (const groups of [lb.vServerGroups, lb.masterSlaveGroups]) {
                    for (const [gid, g] of Object.entries(groups)) {
                        if (!isObj(g) || g.id !== gid || !Array.isArray(g.servers) || !isTags(g.tags)) throw fail(`group ${gid} is malformed`);
                    }
                }
            }
            for (const [id, acl] of Object.entries(region.acls)) {
                if (!isObj(acl) || acl.id !== id || !Array.isArray(acl.entries) || !isTags(acl.tags)) throw fail(`acl ${id} is malformed`);
            }
        }
    }
    return s as unknown as StoreState;
}
