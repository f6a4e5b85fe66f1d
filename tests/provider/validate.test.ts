import { expect } from "chai";
import { UNKNOWN, validateInputs } from "../../provider";

const base = { loadBalancerId: "lb-abc123", listenerPort: 80, bandwidth: -1, backendServerPort: 8080 };

function properties(inputs: Record<string, unknown>): string[] {
    return validateInputs(inputs).map((f) => f.property).sort();
}

describe("check: input validation", () => {
    it("accepts a minimal listener and a fully specified one", () => {
        expect(validateInputs(base)).to.deep.equal([]);
        expect(validateInputs({
            ...base, scheduler: "rr", persistenceTimeout: 3600, establishedTimeout: 10, healthyThreshold: 2, unhealthyThreshold: 10,
            healthCheckSwitch: "on", healthCheckType: "http", healthCheckConnectPort: 8081, healthCheckConnectTimeout: 10,
            healthCheckInterval: 5, healthCheckDomain: "example.com", healthCheckUri: "/healthz", healthCheckHttpCode: "http_2xx,http_3xx",
            aclStatus: "on", aclType: "white", aclId: "acl-1", description: "web-tier_1/a.b", connectionDrain: "on", connectionDrainTimeout: 300,
            proxyProtocolV2Enabled: true, tags: { team: "web" }, regionId: "cn-hangzhou", status: "stopped", adoptExisting: false,
        })).to.deep.equal([]);
    });

    it("reports every failure at once, each naming its input", () => {
        const failures = validateInputs({ listenerPort: 0, bandwidth: 0, scheduler: "fastest", healthyThreshold: 11, tags: { aliyunx: "v" } });
        expect(failures.map((f) => f.property).sort()).to.deep.equal(
            ["backendServerPort", "bandwidth", "healthyThreshold", "listenerPort", "loadBalancerId", "scheduler", "tags"]);
        for (const f of failures) expect(f.reason).to.contain(f.property);
        expect(failures.find((f) => f.property === "bandwidth")!.reason).to.contain("-1 or 1 to 5120").and.contain("got 0");
    });

    it("checks ranges at both ends and types strictly", () => {
        expect(properties({ ...base, listenerPort: 65536 })).to.deep.equal(["listenerPort"]);
        expect(properties({ ...base, listenerPort: 1 })).to.deep.equal([]);
        expect(properties({ ...base, listenerPort: "80" })).to.deep.equal(["listenerPort"]);
        expect(properties({ ...base, listenerPort: 80.5 })).to.deep.equal(["listenerPort"]);
        expect(properties({ ...base, bandwidth: 5121 })).to.deep.equal(["bandwidth"]);
        expect(properties({ ...base, establishedTimeout: 9 })).to.deep.equal(["establishedTimeout"]);
        expect(properties({ ...base, healthCheckInterval: 51 })).to.deep.equal(["healthCheckInterval"]);
        expect(properties({ ...base, proxyProtocolV2Enabled: "true" })).to.deep.equal(["proxyProtocolV2Enabled"]);
        expect(properties({ ...base, description: "x".repeat(257) })).to.deep.equal(["description"]);
        expect(properties({ ...base, description: "" })).to.deep.equal(["description"]); // the page: 1 to 256 characters; remove it to clear it
        expect(properties({ ...base, description: "bad<script>" })).to.deep.equal(["description"]);
    });

    it("applies the documented formats of the HTTP health check fields", () => {
        const http = { ...base, healthCheckType: "http" };
        expect(properties({ ...http, healthCheckUri: "/" })).to.deep.equal(["healthCheckUri"]);
        expect(properties({ ...http, healthCheckUri: "healthz" })).to.deep.equal(["healthCheckUri"]);
        expect(properties({ ...http, healthCheckHttpCode: "http_2xx,http_2xx" })).to.deep.equal(["healthCheckHttpCode"]);
        expect(properties({ ...http, healthCheckHttpCode: "http_200" })).to.deep.equal(["healthCheckHttpCode"]);
        expect(properties({ ...http, healthCheckDomain: "$_ip" })).to.deep.equal([]);
        expect(properties({ ...http, healthCheckDomain: "bad domain" })).to.deep.equal(["healthCheckDomain"]);
    });

    it("enforces the cross-field rules", () => {
        expect(properties({ loadBalancerId: "lb-1", listenerPort: 80, bandwidth: 1 })).to.deep.equal(["backendServerPort"]);
        expect(properties({ loadBalancerId: "lb-1", listenerPort: 80, bandwidth: 1, vServerGroupId: "rsp-1" })).to.deep.equal([]);
        expect(properties({ ...base, vServerGroupId: "rsp-1", masterSlaveServerGroupId: "rsp-2" })).to.deep.equal(["masterSlaveServerGroupId"]);
        expect(properties({ ...base, aclStatus: "on" })).to.deep.equal(["aclId", "aclType"]);
        expect(properties({ ...base, aclId: "acl-1" })).to.deep.equal(["aclId"]);
        expect(properties({ ...base, connectionDrain: "on" })).to.deep.equal(["connectionDrainTimeout"]);
        expect(properties({ ...base, connectionDrainTimeout: 30 })).to.deep.equal(["connectionDrainTimeout"]);
        expect(properties({ ...base, healthCheckUri: "/x" })).to.deep.equal(["healthCheckUri"]);
    });

    it("rejects a timeout and an interval that contradict each other only when the user wrote both", () => {
        const failures = validateInputs({ ...base, healthCheckInterval: 10, healthCheckConnectTimeout: 9 });
        expect(failures.map((f) => f.property)).to.deep.equal(["healthCheckConnectTimeout"]);
        expect(failures[0].reason).to.contain("healthCheckInterval 10").and.contain("at least 10");
        // Alone, either is valid: the service raises the timeout to the interval, and the provider expects that.
        expect(validateInputs({ ...base, healthCheckInterval: 10 })).to.deep.equal([]);
        expect(validateInputs({ ...base, healthCheckConnectTimeout: 1 })).to.deep.equal([]);
        expect(validateInputs({ ...base, healthCheckInterval: 10, healthCheckConnectTimeout: 10 })).to.deep.equal([]);
    });

    it("checks tags: count, reserved prefixes, lengths, value types", () => {
        const twenty = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`k${i}`, "v"]));
        expect(properties({ ...base, tags: twenty })).to.deep.equal(["tags"]);
        expect(properties({ ...base, tags: { "acs:x": "v" } })).to.deep.equal(["tags"]);
        expect(properties({ ...base, tags: { "pulumi-owner": "v" } })).to.deep.equal(["tags"]);
        expect(properties({ ...base, tags: { k: "x".repeat(129) } })).to.deep.equal(["tags"]);
        expect(properties({ ...base, tags: { k: 5 } })).to.deep.equal(["tags"]);
        expect(properties({ ...base, tags: ["a"] })).to.deep.equal(["tags"]);
        expect(properties({ ...base, tags: { k: "" } })).to.deep.equal([]);
    });

    it("names misspelt properties and suggests the right one", () => {
        const failures = validateInputs({ ...base, listenerport: 80 });
        expect(failures).to.have.length(1);
        expect(failures[0].property).to.equal("listenerport");
        expect(failures[0].reason).to.contain("did you mean listenerPort");
    });

    it("skips unknown values and every rule that depends on them", () => {
        expect(validateInputs({ loadBalancerId: UNKNOWN, listenerPort: UNKNOWN, bandwidth: UNKNOWN, backendServerPort: UNKNOWN })).to.deep.equal([]);
        expect(validateInputs({ ...base, healthCheckType: UNKNOWN, healthCheckUri: "/x" })).to.deep.equal([]);
        expect(validateInputs({ ...base, aclStatus: UNKNOWN })).to.deep.equal([]);
        expect(validateInputs({ ...base, tags: { a: UNKNOWN } })).to.deep.equal([]);
        expect(validateInputs({ ...base, tags: UNKNOWN })).to.deep.equal([]);
        expect(validateInputs({ ...base, healthCheckInterval: UNKNOWN })).to.deep.equal([]);
        expect(validateInputs({ ...base, __provider: UNKNOWN })).to.deep.equal([]);
    });

    it("never throws on hostile values", () => {
        for (const raw of [null, undefined, 5, "x", [], { listenerPort: NaN }, { tags: null }, { bandwidth: Infinity }, { status: {} }]) {
            expect(() => validateInputs(raw)).not.to.throw();
        }
    });
});
