// CreateLoadBalancer, DescribeLoadBalancerAttribute, DescribeLoadBalancers, DeleteLoadBalancer and
// SetLoadBalancerDeleteProtection (reference §2.6–§2.8, §5).
import { isIPv4 } from "node:net";
import { Errors } from "../errors";
import { ActionHandler } from "./call";
import { ModelErrors } from "./errors";
import { newAddress, newLoadBalancerId } from "./ids";
import { regionAlias } from "./regions";
import { LoadBalancerRecord, ListenerRecord, PROTOCOLS, deleteOwn, setOwn } from "./store";
import { matchesTagFilter, parseTagFilter, parseTags, tagsWrapped } from "./tag-params";

export const LOAD_BALANCER_SPECS = ["slb.s1.small", "slb.s2.small", "slb.s2.medium", "slb.s3.small", "slb.s3.medium", "slb.s3.large"];
const DEFAULT_RESOURCE_GROUP = "rg-acfmdefault0000000";
/** Pay-as-you-go instances report a far-future end time. */
const PAY_ON_DEMAND_END = 32493801600000;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

const createLoadBalancer: ActionHandler = (call) => {
    const p = call.p;
    const name = p.string("LoadBalancerName", {
        maxChars: 80, pattern: /^\p{L}[\p{L}\p{M}\p{Nd}._-]*$/u,
        detail: "The name must be 1-80 characters, start with a letter and contain letters, digits, periods (.), underscores (_) and hyphens (-).",
    });
    const vSwitchId = p.string("VSwitchId", { maxChars: 64, pattern: /^vsw-[a-z0-9]+$/ });
    const vpcId = p.string("VpcId", { maxChars: 64, pattern: /^vpc-[a-z0-9]+$/ });
    if (vpcId && !vSwitchId) throw Errors.missingParameter("VSwitchId");
    const addressType = p.oneOf("AddressType", ["internet", "intranet"]) ?? (vSwitchId ? "intranet" : "internet");
    const ipVersion = p.oneOf("AddressIPVersion", ["ipv4", "ipv6"]) ?? "ipv4";
    const address = p.string("Address", { maxChars: 15 });
    if (address !== undefined && (addressType !== "intranet" || !isIPv4(address))) {
        throw Errors.invalidParameter("Address", "Only an IPv4 address of an intranet instance can be specified.");
    }
    const zone = { pattern: /^[a-z0-9-]{1,64}$/ };
    const masterZoneId = p.string("MasterZoneId", zone) ?? `${call.regionId}-a`;
    const slaveZoneId = p.string("SlaveZoneId", zone) ?? `${call.regionId}-b`;
    const spec = p.oneOf("LoadBalancerSpec", LOAD_BALANCER_SPECS);
    // Subscription (PrePay) instances are out of the emulator's scope (MODEL.md).
    const payType = p.oneOf("PayType", ["PayOnDemand"]) ?? "PayOnDemand";
    const instanceChargeType = p.oneOf("InstanceChargeType", ["PayBySpec", "PayByCLCU"]) ?? "PayBySpec";
    const internetChargeType = p.oneOf("InternetChargeType", ["paybytraffic", "paybybandwidth"]) ?? "paybytraffic";
    const bandwidth = p.int("Bandwidth", 1, 5120);
    if (internetChargeType === "paybybandwidth" && bandwidth === undefined) throw Errors.missingParameter("Bandwidth");
    const deleteProtection = p.oneOf("DeleteProtection", ["on", "off"]) ?? "off";
    const modificationProtectionStatus = p.oneOf("ModificationProtectionStatus", ["NonProtection", "ConsoleProtection"]) ?? "NonProtection";
    const modificationProtectionReason = p.string("ModificationProtectionReason", { maxChars: 80 }) ?? "";
    const resourceGroupId = p.string("ResourceGroupId", { maxChars: 64, pattern: /^rg-[a-z0-9]+$/ }) ?? DEFAULT_RESOURCE_GROUP;
    const clientToken = p.string("ClientToken", { maxChars: 64, pattern: /^[\x21-\x7e]+$/ });
    const tags = parseTags(p);

    const region = call.regionForWrite();
    // Idempotency: the same ClientToken answers with the instance it created before.
    const existing = clientToken ? Object.values(region.loadBalancers).find((lb) => lb.clientToken === clientToken) : undefined;
    const lb: LoadBalancerRecord = existing ?? {
        id: newLoadBalancerId(),
        name: name ?? "auto_named_slb",
        regionId: call.regionId,
        status: "active",
        address: address ?? newAddress(addressType, ipVersion),
        addressType,
        addressIPVersion: ipVersion,
        networkType: vSwitchId ? "vpc" : "classic",
        vpcId: vpcId ?? (vSwitchId ? "vpc-" + vSwitchId.slice(4) : ""),
        vSwitchId: vSwitchId ?? "",
        masterZoneId,
        slaveZoneId,
        spec,
        payType,
        internetChargeType,
        instanceChargeType,
        bandwidth: bandwidth ?? 5120,
        deleteProtection,
        modificationProtectionStatus,
        modificationProtectionReason,
        resourceGroupId,
        clientToken,
        createdAt: call.now,
        tags,
        listeners: {},
        vServerGroups: {},
        masterSlaveGroups: {},
    };
    if (!existing) {
        for (const k of ["spec", "clientToken"] as const) if (lb[k] === undefined) delete lb[k];
        setOwn(region.loadBalancers, lb.id, lb);
        call.occupy(lb.id);
        call.changed();
    }
    return {
        LoadBalancerId: lb.id,
        Address: lb.address,
        AddressIPVersion: lb.addressIPVersion,
        LoadBalancerName: lb.name,
        NetworkType: lb.networkType,
        VpcId: lb.vpcId,
        VSwitchId: lb.vSwitchId,
        ResourceGroupId: lb.resourceGroupId,
    };
};

/** Fields shared by DescribeLoadBalancerAttribute and the DescribeLoadBalancers rows. */
function summary(lb: LoadBalancerRecord): Record<string, unknown> {
    const body: Record<string, unknown> = {
        LoadBalancerId: lb.id,
        LoadBalancerName: lb.name,
        LoadBalancerStatus: lb.status,
        RegionId: lb.regionId,
        RegionIdAlias: regionAlias(lb.regionId),
        Address: lb.address,
        AddressType: lb.addressType,
        AddressIPVersion: lb.addressIPVersion,
        NetworkType: lb.networkType,
        VpcId: lb.vpcId,
        VSwitchId: lb.vSwitchId,
        MasterZoneId: lb.masterZoneId,
        SlaveZoneId: lb.slaveZoneId,
        PayType: lb.payType,
        InternetChargeType: lb.internetChargeType,
        InstanceChargeType: lb.instanceChargeType,
        Bandwidth: lb.bandwidth,
        DeleteProtection: lb.deleteProtection,
        ModificationProtectionStatus: lb.modificationProtectionStatus,
        ModificationProtectionReason: lb.modificationProtectionReason,
        ResourceGroupId: lb.resourceGroupId,
        CreateTime: iso(lb.createdAt),
        CreateTimeStamp: lb.createdAt,
        Tags: tagsWrapped(lb.tags),
    };
    if (lb.spec) body.LoadBalancerSpec = lb.spec;
    return body;
}

const sortedListeners = (lb: LoadBalancerRecord): ListenerRecord[] =>
    Object.values(lb.listeners).sort((a, b) => a.port - b.port || PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol));

const describeLoadBalancerAttribute: ActionHandler = (call) => {
    const lb = call.loadBalancer(call.p.required("LoadBalancerId"));
    const listeners = sortedListeners(lb);
    return {
        ...summary(lb),
        EndTime: iso(PAY_ON_DEMAND_END),
        EndTimeStamp: PAY_ON_DEMAND_END,
        ListenerPorts: { ListenerPort: [...new Set(listeners.map((l) => l.port))] },
        // Both spellings exist in the real API ("Protocal" is the legacy one).
        ListenerPortsAndProtocal: {
            ListenerPortAndProtocal: listeners.map((l) => ({ ListenerPort: l.port, ListenerProtocal: l.protocol })),
        },
        ListenerPortsAndProtocol: {
            ListenerPortAndProtocol: listeners.map((l) => ({ ListenerPort: l.port, ListenerProtocol: l.protocol, Description: l.description })),
        },
        // Default-server-group backends are not modelled (AddBackendServers is out of scope).
        BackendServers: { BackendServer: [] },
    };
};

const describeLoadBalancers: ActionHandler = (call) => {
    const p = call.p;
    const ids = p.string("LoadBalancerId", { maxChars: 1024 })?.split(",");
    if (ids && ids.some((id) => id === "")) throw Errors.invalidParameter("LoadBalancerId", "Use comma-separated load balancer ids.");
    if (ids && ids.length > 20) throw Errors.invalidParameter("LoadBalancerId", "At most 20 ids.");
    const filters: [keyof LoadBalancerRecord, string | undefined][] = [
        ["name", p.string("LoadBalancerName", { maxChars: 80 })],
        ["addressType", p.oneOf("AddressType", ["internet", "intranet"])],
        ["networkType", p.oneOf("NetworkType", ["vpc", "classic"])],
        ["vpcId", p.string("VpcId", { maxChars: 64 })],
        ["vSwitchId", p.string("VSwitchId", { maxChars: 64 })],
        ["address", p.string("Address", { maxChars: 64 })],
        ["status", p.oneOf("LoadBalancerStatus", ["inactive", "active", "locked"])],
        ["internetChargeType", p.oneOf("InternetChargeType", ["paybytraffic", "paybybandwidth"])],
        ["payType", p.oneOf("PayType", ["PayOnDemand", "PrePay"])],
        ["resourceGroupId", p.string("ResourceGroupId", { maxChars: 64 })],
    ];
    const tagFilter = parseTagFilter(p);
    const pageNumber = p.int("PageNumber", 1, 1_000_000) ?? 1;
    const pageSize = p.int("PageSize", 1, 100) ?? 10;

    const matches = Object.values(call.region().loadBalancers).filter((lb) =>
        (!ids || ids.includes(lb.id))
        && filters.every(([k, v]) => v === undefined || lb[k] === v)
        && matchesTagFilter(lb.tags, tagFilter));
    const rows = matches.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return {
        PageNumber: pageNumber,
        PageSize: pageSize,
        TotalCount: matches.length,
        LoadBalancers: { LoadBalancer: rows.map(summary) },
    };
};

const deleteLoadBalancer: ActionHandler = (call) => {
    const lb = call.loadBalancer(call.p.required("LoadBalancerId"));
    call.occupy(lb.id);
    if (lb.deleteProtection === "on") throw ModelErrors.deleteProtection();
    // Listeners, server groups and all their tags live inside the record and go with it.
    deleteOwn(call.region().loadBalancers, lb.id);
    call.changed();
    return {};
};

const setDeleteProtection: ActionHandler = (call) => {
    const lbId = call.p.required("LoadBalancerId");
    const value = call.p.oneOf("DeleteProtection", ["on", "off"], true) as string;
    const lb = call.loadBalancer(lbId);
    call.occupy(lb.id);
    lb.deleteProtection = value;
    call.changed();
    return {};
};

export const loadBalancerActions: Record<string, ActionHandler> = {
    CreateLoadBalancer: createLoadBalancer,
    DescribeLoadBalancerAttribute: describeLoadBalancerAttribute,
    DescribeLoadBalancers: describeLoadBalancers,
    DeleteLoadBalancer: deleteLoadBalancer,
    SetLoadBalancerDeleteProtection: setDeleteProtection,
};
