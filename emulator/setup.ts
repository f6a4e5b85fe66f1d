// The resources a listener refers to, created through the SLB API the way a user's tooling would (so they
// exist in the emulator exactly as in the service): load balancers, vServer groups and ACLs. Used by
// `slb-emulator --load-balancer/--vserver-group/--acl` and by the tests. Each reuses one of the same name (a
// `--state` file keeps them across restarts), so a stack configured with their ids stays valid.

/** Anything that calls an SLB action: the provider's client, the tests' SDK client. */
export interface SlbCaller {
    call(action: string, params: Record<string, unknown>): Promise<Record<string, unknown>>;
}

type Rows<K extends string, T> = { [key in K]?: T[] };

/** The id of the load balancer NAME in `region`, created when there is none. */
export async function ensureLoadBalancer(slb: SlbCaller, region: string, name: string): Promise<string> {
    const res = await slb.call("DescribeLoadBalancers", { RegionId: region, PageSize: 100 });
    const found = ((res.LoadBalancers as Rows<"LoadBalancer", { LoadBalancerId: string; LoadBalancerName: string }>)?.LoadBalancer ?? [])
        .find((lb) => lb.LoadBalancerName === name);
    return found?.LoadBalancerId ?? String((await slb.call("CreateLoadBalancer", { RegionId: region, LoadBalancerName: name })).LoadBalancerId);
}

/** The id of the vServer group NAME on the load balancer, created (without backend servers) when there is none. */
export async function ensureVServerGroup(slb: SlbCaller, region: string, loadBalancerId: string, name: string): Promise<string> {
    const res = await slb.call("DescribeVServerGroups", { RegionId: region, LoadBalancerId: loadBalancerId });
    const found = ((res.VServerGroups as Rows<"VServerGroup", { VServerGroupId: string; VServerGroupName: string }>)?.VServerGroup ?? [])
        .find((g) => g.VServerGroupName === name);
    return found?.VServerGroupId
        ?? String((await slb.call("CreateVServerGroup", { RegionId: region, LoadBalancerId: loadBalancerId, VServerGroupName: name })).VServerGroupId);
}

/** The id of the ACL NAME in `region`, created with `entries` (CIDR blocks) when there is none. */
export async function ensureAcl(slb: SlbCaller, region: string, name: string, entries: string[] = []): Promise<string> {
    const res = await slb.call("DescribeAccessControlLists", { RegionId: region, AclName: name });
    const found = ((res.Acls as Rows<"Acl", { AclId: string; AclName: string }>)?.Acl ?? []).find((a) => a.AclName === name);
    if (found) return found.AclId;
    const id = String((await slb.call("CreateAccessControlList", { RegionId: region, AclName: name })).AclId);
    if (entries.length > 0) {
        await slb.call("AddAccessControlListEntry", {
            RegionId: region, AclId: id, AclEntrys: JSON.stringify(entries.map((entry) => ({ entry, comment: name }))),
        });
    }
    return id;
}
