// A TCP listener using every feature Terraform's alicloud_slb_listener lacks or hides: a vServer group,
// an ACL whitelist, an HTTP health check, tags, connection drain, PROXY protocol v2 and start/stop control;
// and a UDP listener beside it on the same load balancer.
import * as pulumi from "@pulumi/pulumi";
import { TcpListener, UdpListener } from "pulumi-alicloud-slb-listener";

const config = new pulumi.Config();

// In a real account these ids come from @pulumi/alicloud resources in the same program:
//   const lb = new alicloud.slb.ApplicationLoadBalancer("lb", { loadBalancerSpec: "slb.s2.small", addressType: "internet" });
//   const group = new alicloud.slb.ServerGroup("web", { loadBalancerId: lb.id, servers: [...] });
//   const acl = new alicloud.slb.Acl("office", { entryLists: [{ entry: "203.0.113.0/24", comment: "office" }] });
//   loadBalancerId: lb.id, vServerGroupId: group.id, aclId: acl.id,
const loadBalancerId = config.require("loadBalancerId");
const vServerGroupId = config.require("vServerGroupId");
const aclId = config.require("aclId");

const listener = new TcpListener("api", {
    loadBalancerId,
    listenerPort: 443,
    bandwidth: -1,
    vServerGroupId,
    scheduler: "wrr",
    establishedTimeout: 600,
    healthCheckType: "http",
    healthCheckUri: "/healthz",
    healthCheckDomain: "api.example.com",
    healthCheckHttpCode: "http_2xx,http_3xx",
    healthCheckInterval: 5,
    healthCheckConnectTimeout: 5,
    healthyThreshold: 3,
    unhealthyThreshold: 3,
    aclStatus: "on",
    aclType: "white",
    aclId,
    connectionDrain: "on",
    connectionDrainTimeout: 60,
    proxyProtocolV2Enabled: true,
    description: "api-tcp-443",
    tags: { team: "api", env: config.get("env") ?? "dev" },
    status: config.getBoolean("paused") ? "stopped" : "running",
});

// A DNS-like UDP listener: the health check sends a request string and expects an answer string back.
const dns = new UdpListener("dns", {
    loadBalancerId,
    listenerPort: 53,
    backendServerPort: 53,
    bandwidth: -1,
    healthCheckReq: "ping",
    healthCheckExp: "pong",
    tags: { team: "dns", env: config.get("env") ?? "dev" },
});

export const listenerId = listener.id;
export const status = listener.status;
export const healthCheck = pulumi.interpolate`${listener.healthCheckType} ${listener.healthCheckUri}`;
export const dnsListenerId = dns.id;
