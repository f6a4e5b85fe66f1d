// Reading a TCP listener back from an SLB endpoint (the emulator) through the SDK, as the tests check what the
// provider did: the description, or undefined when there is no listener on the port; the ports in use; the tags.
import { SlbClient } from "./slb-client";

export const REGION = "cn-hangzhou";

/** DescribeLoadBalancerTCPListenerAttribute's answer (the fields the tests read are typed). */
export interface LiveListener {
    [key: string]: unknown;
    Status: string;
    ListenerPort: number;
    Tags?: { Tag?: Array<{ TagKey: string; TagValue: string }> };
}

/** The service answers InvalidParameter "The specified resource does not exist." for a missing TCP listener. */
export function isMissingListener(e: unknown): boolean {
    const { code, message } = e as { code?: string; message?: string };
    return code === "ListenerNotFound" || (code === "InvalidParameter" && /does not exist/i.test(message ?? ""));
}

/** The listener on `port`, or undefined when there is none. */
export async function readListener(slb: SlbClient, lbId: string, port: number, region = REGION): Promise<LiveListener | undefined> {
    try {
        return await slb.call("DescribeLoadBalancerTCPListenerAttribute", { RegionId: region, LoadBalancerId: lbId, ListenerPort: port });
    } catch (e) {
        if (isMissingListener(e)) return undefined;
        throw e;
    }
}

/** Ports of every listener on the load balancer, ascending. */
export async function listenerPorts(slb: SlbClient, lbId: string, region = REGION): Promise<number[]> {
    const res = await slb.call("DescribeLoadBalancerListeners", { RegionId: region, LoadBalancerId: [lbId], MaxResults: 100 });
    if (res.NextToken) throw new Error("more than 100 listeners: page on");
    return ((res.Listeners ?? []) as Array<{ ListenerPort: number }>).map((l) => Number(l.ListenerPort)).sort((a, b) => a - b);
}

export const tagsOf = (live: LiveListener | undefined): Record<string, string> =>
    Object.fromEntries((live?.Tags?.Tag ?? []).map((t) => [t.TagKey, t.TagValue]));
