// @pulumi/alicloud and TcpListener side by side: the load balancer, the vServer group and the ACL are
// @pulumi/alicloud resources, and their outputs feed the listener's inputs. Both read the same stack
// config (alicloud:region, alicloud:accessKey, alicloud:secretKey, alicloud:endpoints).
import * as alicloud from "@pulumi/alicloud";
import { TcpListener } from "pulumi-alicloud-slb-listener";

const lb = new alicloud.slb.ApplicationLoadBalancer("lb", {
    loadBalancerName: "web",
    // A performance-guaranteed spec: needed for the consistent-hash scheduler (tch) below.
    loadBalancerSpec: "slb.s2.small",
    addressType: "internet",
    internetChargeType: "PayByTraffic",
});

const servers = new alicloud.slb.ServerGroup("web", { loadBalancerId: lb.id, name: "web" });

const office = new alicloud.slb.Acl("office", {
    name: "office",
    entryLists: [{ entry: "203.0.113.0/24", comment: "office" }],
});

const listener = new TcpListener("web", {
    loadBalancerId: lb.id,          // unknown during the first preview: check() tolerates it
    listenerPort: 443,
    bandwidth: -1,
    vServerGroupId: servers.id,
    scheduler: "tch",
    aclStatus: "on",
    aclType: "white",
    aclId: office.id,
    healthCheckType: "http",
    healthCheckUri: "/healthz",
    tags: { team: "web" },
});

export const loadBalancerId = lb.id;
export const listenerId = listener.id;
export const listenerStatus = listener.status;
