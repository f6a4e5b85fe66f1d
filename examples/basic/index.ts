// One TCP listener: port 81 to backend port 8080 on an existing load balancer (81, so that it can sit beside the
// root program's listener on port 80 on the same load balancer).
import * as pulumi from "@pulumi/pulumi";
import { TcpListener } from "pulumi-alicloud-slb-listener";

const config = new pulumi.Config();

// In a real account the load balancer usually comes from @pulumi/alicloud in the same program:
//   const lb = new alicloud.slb.ApplicationLoadBalancer("lb", { loadBalancerSpec: "slb.s1.small", addressType: "internet" });
//   loadBalancerId: lb.id,
const loadBalancerId = config.require("loadBalancerId");

const listener = new TcpListener("web", {
    loadBalancerId,
    listenerPort: 81,
    backendServerPort: 8080,
    bandwidth: -1,
});

export const listenerId = listener.id;
export const status = listener.status;
