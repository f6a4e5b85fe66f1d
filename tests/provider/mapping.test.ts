import { expect } from "chai";
import { createParams, fromDescribe, setParams, toOutputs } from "../../provider/core/mapping";
import { TCP } from "../../provider/protocols";

describe("mapping: wire names from the field table", () => {
    it("puts every given setting and the tags into one Create call, with the lower-case interval", () => {
        const params = createParams(TCP, {
            loadBalancerId: "lb-1", listenerPort: 80, bandwidth: -1, backendServerPort: 8080, healthCheckInterval: 4,
            healthCheckSwitch: "off", proxyProtocolV2Enabled: true, tags: { team: "web" }, status: "running", adoptExisting: true,
        }, "cn-hangzhou", "p/s/n");
        expect(params).to.deep.equal({
            RegionId: "cn-hangzhou", LoadBalancerId: "lb-1", ListenerPort: 80, Bandwidth: -1, BackendServerPort: 8080,
            healthCheckInterval: 4, HealthCheckSwitch: "off", ProxyProtocolV2Enabled: true,
            Tag: [{ Key: "team", Value: "web" }, { Key: "pulumi-owner", Value: "p/s/n" }],
        });
    });

    it("sends only the changes on Set, with group switches, defaults and clear markers", () => {
        const f = (name: string) => TCP.field(name);
        const params = setParams({ regionId: "r", loadBalancerId: "lb-1", listenerPort: 80 }, [
            { field: f("healthCheckInterval"), from: 2, to: 5 },
            { field: f("persistenceTimeout"), from: 60, to: undefined },
            { field: f("vServerGroupId"), from: undefined, to: "rsp-1" },
            { field: f("masterSlaveServerGroupId"), from: "rsp-9", to: undefined },
            { field: f("healthCheckConnectPort"), from: 81, to: undefined },
        ]);
        expect(params).to.deep.equal({
            RegionId: "r", LoadBalancerId: "lb-1", ListenerPort: 80, HealthCheckInterval: 5, PersistenceTimeout: 0,
            VServerGroup: "on", VServerGroupId: "rsp-1", MasterSlaveServerGroup: "off", HealthCheckConnectPort: -520,
        });
    });

    it("reads Describe names (HealthCheck, AclIds, Tags.Tag, string booleans) back into inputs", () => {
        const live = fromDescribe(TCP, {
            LoadBalancerId: "lb-1", ListenerPort: 80, Bandwidth: -1, HealthCheck: "off", HealthCheckInterval: 3, AclStatus: "on",
            AclIds: { AclId: ["acl-1"] }, ProxyProtocolV2Enabled: "true", Status: "starting",
            Tags: { Tag: [{ TagKey: "team", TagValue: "web" }, { TagKey: "pulumi-owner", TagValue: "p/s/n" }] },
        });
        expect(live.values).to.include({ healthCheckSwitch: "off", healthCheckInterval: 3, aclId: "acl-1", proxyProtocolV2Enabled: true });
        expect(live.tags).to.deep.equal({ team: "web" });
        expect(live.owner).to.equal("p/s/n");
        const outs = toOutputs(TCP, { bandwidth: -1, adoptExisting: true }, live, "cn-hangzhou");
        expect(outs).to.include({ status: "running", regionId: "cn-hangzhou", adoptExisting: true, scheduler: "wrr", healthCheckSwitch: "off" });
        expect(Object.values(outs)).not.to.include(undefined);
        expect(outs).not.to.have.any.keys("owner", "__program");
    });
});
