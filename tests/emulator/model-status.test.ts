// The listener status machine (reference §3) and the "one change per load balancer" rule.
import { expect } from "chai";
import { Harness, expectApiError, harness } from "./model-harness";

const T = 1000; // transitionMs of the fake-clock harness

describe("model: listener status machine", () => {
    let h: Harness;
    let lbId: string;
    const op = (action: string, extra = {}) => h.call(action, { LoadBalancerId: lbId, ListenerPort: 80, ...extra });
    const opFails = (action: string, extra = {}) => h.fail(action, { LoadBalancerId: lbId, ListenerPort: 80, ...extra });
    const status = async () => (await h.describe(lbId, 80)).Status as string;
    const listed = async () => (await h.call("DescribeLoadBalancerListeners", { "LoadBalancerId.1": lbId })).Listeners[0].Status as string;

    beforeEach(async () => {
        h = harness({ transitionMs: T, changeMs: 0 });
        lbId = await h.lb();
        await h.tcp(lbId, 80);
    });

    it("starts stopped; Start goes through starting to running", async () => {
        expect(await status()).to.equal("stopped");
        await op("StartLoadBalancerListener");
        expect(await status()).to.equal("starting");
        expect(await listed()).to.equal("starting");
        h.advance(T - 1);
        expect(await status()).to.equal("starting");
        h.advance(1);
        expect(await status()).to.equal("running");
        expect(await listed()).to.equal("running");
    });

    it("Stop goes through stopping to stopped", async () => {
        await op("StartLoadBalancerListener");
        h.advance(T);
        await op("StopLoadBalancerListener");
        expect(await status()).to.equal("stopping");
        h.advance(T);
        expect(await status()).to.equal("stopped");
    });

    it("Set on a running listener passes through configuring; on a stopped one it stays stopped", async () => {
        await op("SetLoadBalancerTCPListenerAttribute", { Description: "a" });
        expect(await status()).to.equal("stopped");
        await op("StartLoadBalancerListener");
        h.advance(T);
        await op("SetLoadBalancerTCPListenerAttribute", { Description: "b" });
        expect(await status()).to.equal("configuring");
        h.advance(T);
        expect(await status()).to.equal("running");
        expect((await h.describe(lbId, 80)).Description).to.equal("b");
    });

    it("Start on running and Stop on stopped are successful no-ops", async () => {
        await op("StopLoadBalancerListener");
        expect(await status()).to.equal("stopped");
        await op("StartLoadBalancerListener");
        h.advance(T);
        await op("StartLoadBalancerListener");
        expect(await status()).to.equal("running");
    });

    it("answers operations on a starting listener with the busy codes", async () => {
        await op("StartLoadBalancerListener");
        expectApiError(await opFails("StartLoadBalancerListener"), 400, "OperationBusy");
        expectApiError(await opFails("StopLoadBalancerListener"), 400, "OperationBusy");
        expectApiError(await opFails("SetLoadBalancerTCPListenerAttribute", { Description: "x" }), 400, "OperationFailed.ListenerStatusNotSupport");
        expectApiError(await opFails("DeleteLoadBalancerListener"), 400, "OperationBusy");
    });

    it("answers operations on a configuring listener with the busy codes", async () => {
        await op("StartLoadBalancerListener");
        h.advance(T);
        await op("SetLoadBalancerTCPListenerAttribute", { Description: "x" });
        expectApiError(await opFails("StartLoadBalancerListener"), 400, "ServiceIsConfiguring", "A previous configuration is pending");
        expectApiError(await opFails("StopLoadBalancerListener"), 400, "ServiceIsConfiguring");
        expectApiError(await opFails("SetLoadBalancerTCPListenerAttribute", { Description: "y" }), 400, "OperationFailed.ListenerStatusNotSupport");
        expectApiError(await opFails("DeleteLoadBalancerListener"), 400, "OperationBusy");
    });

    it("answers operations on a stopping listener with the busy codes", async () => {
        await op("StartLoadBalancerListener");
        h.advance(T);
        await op("StopLoadBalancerListener");
        expectApiError(await opFails("StartLoadBalancerListener"), 409, "ServiceIsStopping", "The specified Listener is stopping");
        expectApiError(await opFails("StopLoadBalancerListener"), 409, "ServiceIsStopping");
        expectApiError(await opFails("SetLoadBalancerTCPListenerAttribute", { Description: "x" }), 400, "OperationFailed.ListenerStatusNotSupport");
        expectApiError(await opFails("DeleteLoadBalancerListener"), 409, "ServiceIsStopping");
        h.advance(T);
        await op("DeleteLoadBalancerListener");
    });

    it("deletes stopped and running listeners; a deleted listener is not found by every listener action", async () => {
        await op("StartLoadBalancerListener");
        h.advance(T);
        await op("DeleteLoadBalancerListener");
        expectApiError(await opFails("DescribeLoadBalancerTCPListenerAttribute"), 400, "InvalidParameter", "The specified resource does not exist.");
        for (const a of ["SetLoadBalancerTCPListenerAttribute", "StartLoadBalancerListener", "StopLoadBalancerListener", "DeleteLoadBalancerListener"]) {
            expectApiError(await opFails(a), 404, "ListenerNotFound", "You have not created a listener");
        }
        expect((await h.call("DescribeLoadBalancerListeners", { "LoadBalancerId.1": lbId })).TotalCount).to.equal(0);
        // The port is free again, with fresh settings and tags.
        await h.tcp(lbId, 80, { Description: "again" });
        expect(await status()).to.equal("stopped");
    });

    it("uses ListenerProtocol to choose between listeners sharing a port", async () => {
        h.seedListener(lbId, "udp", 80);
        expectApiError(await opFails("StartLoadBalancerListener"), 400, "MissingParameter", "ListenerProtocol");
        expectApiError(await opFails("StartLoadBalancerListener", { ListenerProtocol: "ftp" }), 400, "InvalidParameter", "ListenerProtocol");
        expectApiError(await opFails("StartLoadBalancerListener", { ListenerProtocol: "http" }), 404, "ListenerNotFound");
        await op("StartLoadBalancerListener", { ListenerProtocol: "tcp" });
        expect(await status()).to.equal("starting");
        await op("DeleteLoadBalancerListener", { ListenerProtocol: "udp" });
        h.advance(T);
        await op("StopLoadBalancerListener"); // one listener left on the port: the protocol may be omitted
        expect(await status()).to.equal("stopping");
    });

    it("validates Start/Stop/Delete parameters", async () => {
        for (const a of ["StartLoadBalancerListener", "StopLoadBalancerListener", "DeleteLoadBalancerListener"]) {
            expectApiError(await h.fail(a, { ListenerPort: 80 }), 400, "MissingParameter", "LoadBalancerId");
            expectApiError(await h.fail(a, { LoadBalancerId: lbId }), 400, "MissingParameter", "ListenerPort");
            expectApiError(await h.fail(a, { LoadBalancerId: lbId, ListenerPort: "x" }), 400, "InvalidParameter", "ListenerPort");
            expectApiError(await h.fail(a, { LoadBalancerId: "lb-none", ListenerPort: 80 }), 404, "InvalidLoadBalancerId.NotFound");
            expectApiError(await h.fail(a, { LoadBalancerId: lbId, ListenerPort: 81 }), 404, "ListenerNotFound");
        }
    });

    it("with transitionMs 0 operations settle at once", async () => {
        h.model.setTimings({ transitionMs: 0 });
        await op("StartLoadBalancerListener");
        expect(await status()).to.equal("running");
    });
});

describe("model: one configuration change per load balancer", () => {
    const CHANGE = 60;
    let h: Harness;
    let lbId: string;
    let otherLb: string;

    beforeEach(async () => {
        h = harness({ transitionMs: 0, changeMs: 0 });
        lbId = await h.lb();
        otherLb = await h.lb();
        await h.tcp(lbId, 80);
        h.model.setTimings({ changeMs: CHANGE });
    });

    it("holds the LB busy for changeMs: concurrent mutations fail with OperationBusy, reads and other LBs do not", async () => {
        const started = Date.now();
        const first = h.call("CreateLoadBalancerTCPListener", { LoadBalancerId: lbId, ListenerPort: 81, BackendServerPort: 80, Bandwidth: -1 });
        expectApiError(await h.fail("StartLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80 }), 400, "OperationBusy",
            "A previous operation is pending.");
        expectApiError(await h.fail("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, Description: "x" }), 400, "OperationBusy");
        expectApiError(await h.fail("DeleteLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80 }), 400, "OperationBusy");
        expectApiError(await h.fail("StopLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80 }), 400, "OperationBusy");
        expectApiError(await h.fail("CreateVServerGroup", { LoadBalancerId: lbId }), 400, "OperationBusy");
        expectApiError(await h.fail("TagResources", { ResourceType: "listener", "ResourceId.1": `${lbId}_tcp_80`, "Tag.1.Key": "k" }), 400, "OperationBusy");
        expectApiError(await h.fail("UntagResources", { ResourceType: "instance", "ResourceId.1": lbId, All: true }), 400, "OperationBusy");
        expectApiError(await h.fail("DeleteLoadBalancer", { LoadBalancerId: lbId }), 400, "OperationBusy");
        // The change is already visible to reads while it is being applied.
        expect((await h.describe(lbId, 81)).ListenerPort).to.equal(81);
        await h.call("DescribeLoadBalancerListeners");
        // Another load balancer and account-level resources are not blocked.
        const other = h.call("CreateLoadBalancerTCPListener", { LoadBalancerId: otherLb, ListenerPort: 80, BackendServerPort: 80, Bandwidth: -1 });
        const acl = h.call("CreateAccessControlList", { AclName: "not-lb-scoped" });
        await Promise.all([first, other, acl]);
        expect(Date.now() - started).to.be.at.least(CHANGE - 5);
        await h.call("StartLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80 });
    });

    it("validation failures answer at once and do not occupy the LB", async () => {
        const started = Date.now();
        await h.fail("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, Scheduler: "bogus" });
        await h.fail("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, ConnectionDrain: "on" });
        expect(Date.now() - started).to.be.below(CHANGE);
        await h.call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, Description: "ok" });
    });

    it("no-op Start/Stop answer at once", async () => {
        const started = Date.now();
        await h.call("StopLoadBalancerListener", { LoadBalancerId: lbId, ListenerPort: 80 });
        expect(Date.now() - started).to.be.below(CHANGE);
    });

    it("changing the entries of an ACL occupies the LBs whose listeners use it", async () => {
        h.model.setTimings({ changeMs: 0 });
        const acl = (await h.call("CreateAccessControlList", { AclName: "a" })).AclId;
        const unused = (await h.call("CreateAccessControlList", { AclName: "b" })).AclId;
        await h.call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, AclStatus: "on", AclType: "white", AclId: acl });
        h.model.setTimings({ changeMs: CHANGE });
        const first = h.call("SetLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: 80, Description: "x" });
        const entries = JSON.stringify([{ entry: "10.0.0.0/8", comment: "" }]);
        expectApiError(await h.fail("AddAccessControlListEntry", { AclId: acl, AclEntrys: entries }), 400, "OperationBusy");
        await h.call("AddAccessControlListEntry", { AclId: unused, AclEntrys: entries });
        await first;
        await h.call("AddAccessControlListEntry", { AclId: acl, AclEntrys: entries });
    });

    it("a deleted LB's lock does not leak to later calls", async () => {
        await h.call("DeleteLoadBalancer", { LoadBalancerId: otherLb });
        expectApiError(await h.fail("DeleteLoadBalancer", { LoadBalancerId: otherLb }), 404, "InvalidLoadBalancerId.NotFound");
        await h.call("TagResources", { ResourceType: "instance", "ResourceId.1": lbId, "Tag.1.Key": "k" });
    });
});
