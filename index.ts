// The default program (`pulumi up` in this directory, or `npm run demo` offline): one TCP listener
// with an HTTP health check on an existing load balancer.
import * as pulumi from "@pulumi/pulumi";
import { TcpListener } from "./provider";

const config = new pulumi.Config();

const listener = new TcpListener("web", {
    // In a real stack this is often `lb.id` of an `alicloud.slb.ApplicationLoadBalancer` from @pulumi/alicloud.
    loadBalancerId: config.require("loadBalancerId"),
    listenerPort: config.getNumber("listenerPort") ?? 80,
    backendServerPort: 8080,
    bandwidth: -1,
    healthCheckType: "http",
    healthCheckUri: "/healthz",
    tags: { app: "web" },
});

export const listenerId = listener.id;
export const listenerStatus = listener.status;
