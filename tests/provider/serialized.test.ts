// The `__provider` Pulumi stores with every listener: a loader, not the implementation. It must stay small,
// hold no credential or local path, and run whatever implementation is installed when it is loaded.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { loadSerializedProvider, serializeProvider } from "../harness";
import { serializableProvider } from "../../provider/pulumi/loader";
import { TcpListenerProvider } from "../../provider";

const SLOT = Symbol.for("pulumi-alicloud-slb-listener/provider/TcpListenerProvider");
const store = globalThis as unknown as Record<symbol, unknown>;

describe("the serialized provider (__provider)", () => {
    afterEach(() => {
        delete store[SLOT];
    });

    it("is under 4 KB and carries no implementation, credential or absolute path", async () => {
        const { text, size, containsSecrets } = await serializeProvider(serializableProvider("TcpListenerProvider"));
        expect(size).to.be.at.most(4096);
        expect(containsSecrets).to.equal(false);
        for (const logic of ["CreateLoadBalancerTCPListener", "validateInputs", "healthCheckInterval", "accessKey"]) expect(text).not.to.contain(logic);
        expect(text).not.to.match(/\/(work|home|tmp|Users)\//);
    });

    it("delegates every method to the implementation installed when it runs, so old state runs new code", async () => {
        const loaded = loadSerializedProvider((await serializeProvider(serializableProvider("TcpListenerProvider"))).text);
        const calls: string[] = [];
        // Stand in for "the next version of the package": whatever sits in the process-wide slot is used.
        store[SLOT] = {
            configure: async () => void calls.push("configure"),
            check: async () => (calls.push("check"), { inputs: { v: 2 }, failures: [] }),
            diff: async () => (calls.push("diff"), { changes: false }),
            create: async () => (calls.push("create"), { id: "x", outs: {} }),
            read: async () => (calls.push("read"), {}),
            update: async () => (calls.push("update"), { outs: {} }),
            delete: async () => void calls.push("delete"),
        };
        await loaded.configure!({ config: {} } as never);
        expect(await loaded.check!({}, {})).to.deep.equal({ inputs: { v: 2 }, failures: [] });
        await loaded.diff!("x", {}, {});
        await loaded.create({});
        await loaded.read!("x", {});
        await loaded.update!("x", {}, {});
        await loaded.delete!("x", {});
        expect(calls).to.deep.equal(["configure", "check", "diff", "create", "read", "update", "delete"]);
    });

    it("the loader text the previous release (0.1.0) wrote into state loads today's TcpListenerProvider", async () => {
        // tests/fixtures/releases/tcp-loader-0.1.0.js: __provider exactly as 0.1.0 serialized it (commit 14664b2).
        const text = fs.readFileSync(path.join(__dirname, "..", "..", "..", "tests", "fixtures", "releases", "tcp-loader-0.1.0.js"), "utf8");
        const old = loadSerializedProvider(text);
        const result = await old.check!({}, { listenerPort: 0 });
        expect(result.failures?.map((f) => f.property)).to.include("listenerPort");
        const oldSlot = Symbol.for("pulumi-alicloud-slb-listener/provider");
        expect((store[oldSlot] as object).constructor.name).to.equal(TcpListenerProvider.name);
        delete store[oldSlot];
    });

    it("loads the package's TcpListenerProvider when nothing is loaded yet", async () => {
        const loaded = loadSerializedProvider((await serializeProvider(serializableProvider("TcpListenerProvider"))).text);
        const result = await loaded.check!({}, { listenerPort: 0 });
        expect(result.failures?.map((f) => f.property)).to.include("listenerPort");
        expect(store[SLOT]).to.be.instanceOf(Object);
        expect((store[SLOT] as object).constructor.name).to.equal(TcpListenerProvider.name);
    });
});
