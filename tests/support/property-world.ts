// The world a lifecycle property runs in: one in-process emulator (short timings) and a pool of resources that
// listeners may refer to. Each "lane" is a performance-guaranteed load balancer (LoadBalancerSpec, so sch/tch
// are allowed) with its own vServer and master-slave groups; ACLs are per region and shared. Lanes run cases in
// parallel without meeting each other's per-load-balancer lock. Everything is read and changed through the real
// SDK, except service-managed tags (keys starting acs: / aliyun), which no API call may attach: the platform adds
// them itself, so the world puts them into the emulator's state the way the platform would (a snapshot edit).
import { Emulator, startEmulator } from "../../emulator";
import { createSlbModel } from "../../emulator/model";
import type { SlbModel } from "../../emulator/types";
import { isMissingListener, listenerPorts, readListener } from "./listeners";
import { SlbClient, slbClient } from "./slb-client";
import { BUSY_CODES, FAST_TIMINGS, sleep } from "./timing";

export { BUSY_CODES };

export const REGION = "cn-hangzhou";
/** Key prefixes of tags the platform attaches to resources by itself. */
export const SERVICE_TAG_PREFIXES = ["acs:", "aliyun"] as const;

/** Ids a listener field may refer to, by input name (e.g. vServerGroupId -> the lane's groups). */
export type Pool = Readonly<Record<string, readonly string[]>>;

export interface Lane {
    readonly index: number;
    readonly lbId: string;
    readonly pool: Pool;
}

export type DescribeBody = Record<string, unknown>;

function codeOf(e: unknown): string {
    return String((e as { code?: unknown }).code ?? "");
}

export function isBusy(e: unknown): boolean {
    return BUSY_CODES.includes(codeOf(e));
}

export class PropertyWorld {
    private constructor(readonly emulator: Emulator, private readonly model: SlbModel, readonly slb: SlbClient, readonly lanes: readonly Lane[]) {}

    static async start(options: { lanes: number; groupsPerKind?: number; acls?: number; timings?: { transitionMs: number; changeMs: number } }): Promise<PropertyWorld> {
        const timings = options.timings ?? FAST_TIMINGS;
        const model = createSlbModel({ timings });
        const emulator = await startEmulator({ model, timings });
        try {
            const slb = slbClient(emulator.endpoint);
            const n = options.groupsPerKind ?? 2;
            const acls: string[] = [];
            for (let i = 0; i < (options.acls ?? 2); i++) {
                acls.push((await slb.call("CreateAccessControlList", { RegionId: REGION, AclName: `property-acl-${i}` })).AclId as string);
            }
            const lanes: Lane[] = [];
            for (let index = 0; index < options.lanes; index++) {
                const lb = await slb.call("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: `property-${index}`, LoadBalancerSpec: "slb.s2.small" });
                const lbId = lb.LoadBalancerId as string;
                const vServerGroups: string[] = [];
                const masterSlaveGroups: string[] = [];
                for (let g = 0; g < n; g++) {
                    vServerGroups.push((await slb.call("CreateVServerGroup", {
                        RegionId: REGION, LoadBalancerId: lbId, VServerGroupName: `vs-${g}`,
                        BackendServers: JSON.stringify([{ ServerId: `i-vs${g}`, Port: 80 + g }]),
                    })).VServerGroupId as string);
                    masterSlaveGroups.push((await slb.call("CreateMasterSlaveServerGroup", {
                        RegionId: REGION, LoadBalancerId: lbId, MasterSlaveServerGroupName: `ms-${g}`,
                        MasterSlaveBackendServers: JSON.stringify([
                            { ServerId: `i-m${g}`, Port: 80, ServerType: "Master" },
                            { ServerId: `i-s${g}`, Port: 80, ServerType: "Slave" },
                        ]),
                    })).MasterSlaveServerGroupId as string);
                }
                lanes.push({
                    index, lbId,
                    pool: { loadBalancerId: [lbId], regionId: [REGION], vServerGroupId: vServerGroups, masterSlaveServerGroupId: masterSlaveGroups, aclId: acls },
                });
            }
            emulator.clearRequests();
            return new PropertyWorld(emulator, model, slb, lanes);
        } catch (e) {
            await emulator.close();
            throw e;
        }
    }

    close(): Promise<void> {
        return this.emulator.close();
    }

    /** Retries a call while the service answers busy (another change, a transition), for up to `timeoutMs`. */
    async patiently<T>(work: () => Promise<T>, timeoutMs = 5000): Promise<T> {
        const until = Date.now() + timeoutMs;
        for (let delay = 10; ; delay = Math.min(delay * 2, 100)) {
            try {
                return await work();
            } catch (e) {
                if (!isBusy(e) || Date.now() > until) throw e;
                await sleep(delay);
            }
        }
    }

    /** DescribeLoadBalancerTCPListenerAttribute, or undefined when there is no TCP listener on the port. */
    describe(lane: Lane, port: number): Promise<DescribeBody | undefined> {
        return readListener(this.slb, lane.lbId, port, REGION);
    }

    /** Ports of every listener on the lane's load balancer, ascending. */
    ports(lane: Lane): Promise<number[]> {
        return listenerPorts(this.slb, lane.lbId, REGION);
    }

    /** Waits until the listener is running or stopped (no transition in progress); returns its description. */
    async settled(lane: Lane, port: number, timeoutMs = 5000): Promise<DescribeBody | undefined> {
        const until = Date.now() + timeoutMs;
        for (;;) {
            const body = await this.describe(lane, port);
            if (!body || body.Status === "running" || body.Status === "stopped") return body;
            if (Date.now() > until) throw new Error(`listener ${lane.lbId}:${port} still ${String(body.Status)} after ${timeoutMs} ms`);
            await sleep(10);
        }
    }

    /** Resource id of a TCP listener for the tag APIs. */
    listenerResourceId(lane: Lane, port: number): string {
        return `${lane.lbId}_tcp_${port}`;
    }

    /**
     * What the platform does: attaches a service-managed tag to the listener of that protocol (no API call may;
     * TagResources refuses the prefix).
     */
    attachServiceTag(lane: Lane, port: number, key: string, value: string, protocol = "tcp"): boolean {
        if (!SERVICE_TAG_PREFIXES.some((p) => key.toLowerCase().startsWith(p))) throw new Error(`${key} is not a service-managed tag key`);
        type Snapshot = { accounts: Record<string, Record<string, { loadBalancers: Record<string, { listeners: Record<string, { tags: Array<{ key: string; value: string }> }> }> }>> };
        const snapshot = this.model.snapshot() as Snapshot;
        for (const regions of Object.values(snapshot.accounts)) {
            const listener = regions[REGION]?.loadBalancers[lane.lbId]?.listeners[`${port}/${protocol}`];
            if (!listener) continue;
            const existing = listener.tags.find((t) => t.key === key);
            if (existing) existing.value = value;
            else listener.tags.push({ key, value });
            // Synchronous, so no call of another lane runs in between; restore() only forgets in-flight busy locks.
            this.model.restore(snapshot);
            return true;
        }
        return false;
    }

    /** Deletes every listener on the lane's load balancer (waiting out transitions), so the next case starts clean. */
    async clear(lane: Lane): Promise<void> {
        for (const port of await this.ports(lane)) {
            await this.settled(lane, port).catch(() => undefined);
            await this.patiently(() => this.slb.call("DeleteLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lane.lbId, ListenerPort: port, ListenerProtocol: "tcp" }))
                .catch((e: unknown) => {
                    if (!isMissingListener(e)) throw e;
                });
        }
    }
}
