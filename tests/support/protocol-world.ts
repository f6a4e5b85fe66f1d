// The lifecycle property's world for one listener protocol: a PropertyWorld (its emulator, lanes and pools) seen
// through a protocol's actions. Reads use the protocol's attribute call, tags its resource id (`<lb>_udp_<port>`),
// the platform's own tags go on the protocol's listener record, and a lane is cleared of listeners of every
// protocol, each deleted with its own ListenerProtocol.
import type { Protocol } from "../../provider/core/protocol";
import { DescribeBody, Lane, PropertyWorld, REGION } from "./property-world";

function isMissingListener(e: unknown): boolean {
    const code = String((e as { code?: unknown }).code ?? "");
    return code === "ListenerNotFound" || (code === "InvalidParameter" && /does not exist/i.test(String((e as Error).message)));
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ProtocolWorld {
    private constructor(readonly base: PropertyWorld, readonly protocol: Protocol) {}

    static async start(protocol: Protocol, options: Parameters<typeof PropertyWorld.start>[0]): Promise<ProtocolWorld> {
        return new ProtocolWorld(await PropertyWorld.start(options), protocol);
    }

    get slb() {
        return this.base.slb;
    }

    get lanes(): readonly Lane[] {
        return this.base.lanes;
    }

    get emulator() {
        return this.base.emulator;
    }

    patiently<T>(work: () => Promise<T>, timeoutMs?: number): Promise<T> {
        return this.base.patiently(work, timeoutMs);
    }

    /** Every listener on the lane's load balancer, whatever its protocol (the property wants exactly one). */
    ports(lane: Lane): Promise<number[]> {
        return this.base.ports(lane);
    }

    /** The protocol's attribute call, or undefined when the port has no listener of this protocol. */
    async describe(lane: Lane, port: number): Promise<DescribeBody | undefined> {
        try {
            return await this.slb.call(this.protocol.spec.actions.describe, { RegionId: REGION, LoadBalancerId: lane.lbId, ListenerPort: port });
        } catch (e) {
            if (isMissingListener(e)) return undefined;
            throw e;
        }
    }

    /** Waits until the listener is running or stopped (no transition in progress); returns its description. */
    async settled(lane: Lane, port: number, timeoutMs = 5000): Promise<DescribeBody | undefined> {
        const until = Date.now() + timeoutMs;
        for (;;) {
            const body = await this.describe(lane, port);
            if (!body || body.Status === "running" || body.Status === "stopped") return body;
            if (Date.now() > until) throw new Error(`${this.protocol.name} listener ${lane.lbId}:${port} still ${String(body.Status)} after ${timeoutMs} ms`);
            await sleep(10);
        }
    }

    /** The listener's id in TagResources / UntagResources. */
    listenerResourceId(lane: Lane, port: number): string {
        return this.protocol.tagResourceId({ loadBalancerId: lane.lbId, listenerPort: port });
    }

    /** What the platform does: attaches a service-managed tag to this protocol's listener (no API call may). */
    attachServiceTag(lane: Lane, port: number, key: string, value: string): boolean {
        return this.base.attachServiceTag(lane, port, key, value, this.protocol.name);
    }

    /** Deletes every listener on the lane's load balancer, each with its own protocol, so the next case starts clean. */
    async clear(lane: Lane): Promise<void> {
        const res = await this.slb.call("DescribeLoadBalancerListeners", { RegionId: REGION, LoadBalancerId: [lane.lbId], MaxResults: 100 });
        for (const row of (res.Listeners ?? []) as Array<{ ListenerPort: number; ListenerProtocol: string }>) {
            const params = { RegionId: REGION, LoadBalancerId: lane.lbId, ListenerPort: Number(row.ListenerPort), ListenerProtocol: row.ListenerProtocol };
            if (row.ListenerProtocol === this.protocol.name) await this.settled(lane, params.ListenerPort).catch(() => undefined);
            await this.patiently(() => this.slb.call("DeleteLoadBalancerListener", params)).catch((e: unknown) => {
                if (!isMissingListener(e)) throw e;
            });
        }
    }

    close(): Promise<void> {
        return this.base.close();
    }
}
