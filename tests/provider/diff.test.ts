import { expect } from "chai";
import { fillUnreported } from "../../provider/core/mapping";
import { compareState as compare, driftReport as drift, hasChanges, stateFromOutputs, ListenerState } from "../../provider/core/diff";
import { desiredListener } from "../../provider/core/desired";
import { UNKNOWN } from "../../provider";
import { TCP } from "../../provider/protocols";
import { contextOf } from "../../provider/pulumi/program-facts";
import { asResource } from "../support/resource-facts";

const inputs = { loadBalancerId: "lb-1", listenerPort: 80, bandwidth: -1, backendServerPort: 8080, ...asResource("p", "s", "web"), tags: { team: "web" } };

type Inputs = Record<string, unknown>;
/** The desired TCP listener of some inputs, compared with a state. */
const compareState = (inputs: Inputs, state: ListenerState) => compare(desiredListener(TCP, inputs, contextOf(inputs)), state);
const driftReport = (id: string, inputs: Inputs, recorded: ListenerState, live: ListenerState) =>
    drift(id, desiredListener(TCP, inputs, contextOf(inputs)), recorded, live);

/** A listener exactly as the service reports one created from `inputs` with nothing else set. */
function liveOf(overrides: Record<string, unknown> = {}, extra: Partial<ListenerState> = {}): ListenerState {
    return {
        values: {
            loadBalancerId: "lb-1", listenerPort: 80, bandwidth: -1, backendServerPort: 8080, scheduler: "wrr", persistenceTimeout: 0,
            establishedTimeout: 900, healthyThreshold: 3, unhealthyThreshold: 3, healthCheckSwitch: "on", healthCheckType: "tcp",
            healthCheckConnectTimeout: 5, healthCheckInterval: 2, healthCheckDomain: "", healthCheckUri: "/", healthCheckHttpCode: "http_2xx",
            aclStatus: "off", description: "", connectionDrain: "off", proxyProtocolV2Enabled: false, ...overrides,
        },
        tags: { team: "web" }, owner: "p/s/web", status: "running", ...extra,
    };
}

describe("diff: desired inputs against a listener's state", () => {
    it("finds nothing to do when the listener matches (unset inputs compare with service defaults)", () => {
        const d = compareState(inputs, liveOf());
        expect(hasChanges(d)).to.equal(false);
    });

    it("updates one changed field in place", () => {
        const d = compareState({ ...inputs, establishedTimeout: 300 }, liveOf());
        expect(d.updates.map((u) => [u.field.input, u.from, u.to])).to.deep.equal([["establishedTimeout", 900, 300]]);
        expect(d.replaces).to.deep.equal([]);
    });

    it("resets a removed input to the service default", () => {
        const d = compareState(inputs, liveOf({ persistenceTimeout: 60 }));
        expect(d.updates.map((u) => [u.field.input, u.to])).to.deep.equal([["persistenceTimeout", 0]]);
    });

    it("replaces for loadBalancerId and listenerPort, delete-first for backendServerPort and scheduler families", () => {
        expect(compareState({ ...inputs, listenerPort: 81 }, liveOf())).to.include({ deleteBeforeReplace: false })
            .and.have.property("replaces").deep.equal(["listenerPort"]);
        const backend = compareState({ ...inputs, backendServerPort: 9090 }, liveOf());
        expect(backend.replaces).to.deep.equal(["backendServerPort"]);
        expect(backend.deleteBeforeReplace).to.equal(true);
        const hash = compareState({ ...inputs, scheduler: "sch" }, liveOf());
        expect(hash.replaces).to.deep.equal(["scheduler"]);
        expect(hash.deleteBeforeReplace).to.equal(true);
        expect(compareState({ ...inputs, scheduler: "rr" }, liveOf()).updates.map((u) => u.field.input)).to.deep.equal(["scheduler"]);
    });

    it("ignores fields that do not apply; backendServerPort hidden behind a group is the recorded one", () => {
        expect(hasChanges(compareState(inputs, liveOf({ healthCheckUri: "/other" })))).to.equal(false);
        const grouped = { ...inputs, vServerGroupId: "rsp-1" };
        const live = liveOf({ vServerGroupId: "rsp-1", backendServerPort: undefined });
        expect(hasChanges(compareState(grouped, fillUnreported(TCP, live, grouped)))).to.equal(false);
        // Created on a group without a port: adding one needs a new listener (BackendServerPort is Create-only).
        const portless = { ...grouped, backendServerPort: undefined };
        const d = compareState(inputs, fillUnreported(TCP, live, portless));
        expect(d).to.deep.include({ replaces: ["backendServerPort"], deleteBeforeReplace: true });
    });

    it("switches server groups in place", () => {
        const d = compareState({ ...inputs, vServerGroupId: "rsp-2" }, liveOf({ vServerGroupId: "rsp-1" }));
        expect(d.updates.map((u) => [u.field.input, u.from, u.to])).to.deep.equal([["vServerGroupId", "rsp-1", "rsp-2"]]);
        const detach = compareState(inputs, liveOf({ vServerGroupId: "rsp-1" }));
        expect(detach.updates.map((u) => [u.field.input, u.to])).to.deep.equal([["vServerGroupId", undefined]]);
    });

    it("computes tag changes, keeping the ownership tag managed", () => {
        const d = compareState({ ...inputs, tags: { team: "api", env: "prod" } }, liveOf({}, { tags: { team: "web", old: "x" } }));
        expect(d.tags).to.deep.equal({ set: { team: "api", env: "prod" }, remove: ["old"] });
        const lost = compareState(inputs, liveOf({}, { owner: undefined }));
        expect(lost.tags.set).to.deep.equal({ "pulumi-owner": "p/s/web" });
    });

    it("wants a stopped listener started again, and a transitional one settled", () => {
        expect(compareState(inputs, liveOf({}, { status: "stopped" })).status).to.equal("running");
        expect(compareState(inputs, liveOf({}, { status: "starting" })).status).to.equal(undefined);
        expect(compareState({ ...inputs, status: "stopped" }, liveOf()).status).to.equal("stopped");
    });

    it("treats unknown values as possible changes, and unknown identity as replacement", () => {
        const d = compareState({ ...inputs, loadBalancerId: UNKNOWN }, liveOf());
        expect(d.replaces).to.deep.equal(["loadBalancerId"]);
        expect(hasChanges(compareState({ ...inputs, bandwidth: UNKNOWN }, liveOf()))).to.equal(true);
    });

    it("reports each drifted field as `<id>: <input> is <live>, want <desired>`", () => {
        const recorded = stateFromOutputs(TCP, { ...liveOf().values, tags: { team: "web" }, status: "running" });
        const live = liveOf({ establishedTimeout: 60 }, { status: "stopped", tags: { team: "ops" } });
        expect(driftReport("lb-1:tcp:80", inputs, recorded, live)).to.deep.equal([
            "lb-1:tcp:80: establishedTimeout is 60, want 900",
            'lb-1:tcp:80: tags.team is "ops", want "web"',
            'lb-1:tcp:80: status is "stopped", want "running"',
        ]);
        // A change made by the program is not drift.
        expect(driftReport("lb-1:tcp:80", { ...inputs, establishedTimeout: 300 }, recorded, liveOf())).to.deep.equal([]);
    });
});
