// Engine-harness tests, driven against the toy dynamic provider (tests/fixtures/toy-provider).
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { Engine, EngineOptions, SIG_KEY, UNKNOWN, loadSerializedProvider, secret, serializeProvider } from "./index";
import { FakeLoadBalancer, LegacyThing, Thing, ThingArgs, toyProvider } from "../fixtures/toy-provider";

describe("engine harness (toy dynamic provider)", function () {
    this.timeout(30_000);
    let dir: string;
    let engine: Engine;

    function newEngine(extra: EngineOptions = {}): Engine {
        return new Engine({ config: { "toy:dir": dir }, statePath: path.join(dir, "state", "state.json"), ...extra });
    }
    beforeEach(() => {
        dir = fs.mkdtempSync(path.join(os.tmpdir(), "toy-things-"));
        engine = newEngine();
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    const things = () => fs.readdirSync(dir).filter((f) => f.endsWith(".thing.json")).sort();
    const journal = () => (fs.existsSync(path.join(dir, "journal.log")) ? fs.readFileSync(path.join(dir, "journal.log"), "utf8").split("\n").filter(Boolean) : []);
    const ops = (r: { steps: Array<{ name: string; op: string }> }) => r.steps.map((s) => `${s.op} ${s.name}`);
    const methods = (r: { rpcs: Array<{ method: string }> }) => [...new Set(r.rpcs.map((c) => c.method))].sort();
    /** A program registering one Thing per entry, exporting ids. */
    const program = (spec: Record<string, ThingArgs>) => () => {
        const ids: Record<string, pulumi.Output<string>> = {};
        for (const [name, args] of Object.entries(spec)) ids[name] = new Thing(name, args).id;
        return ids;
    };

    it("preview sends only Check for new resources and creates nothing", async () => {
        const r = await engine.preview(program({ a: { name: "a", size: 1 } }));
        expect(r.ok, JSON.stringify(r.errors)).to.equal(true);
        expect(ops(r)).to.deep.equal(["create a"]);
        expect(methods(r)).to.deep.equal(["Check", "Configure"]);
        expect(r.outputs.a).to.equal(UNKNOWN);
        expect(things()).to.deep.equal([]);
        expect(engine.readState().resources).to.deep.equal([]);
    });

    it("up creates, records id/inputs/outputs (with __provider) and returns outputs to the program", async () => {
        const r = await engine.up(program({ a: { name: "a", size: 1 } }));
        expect(r.ok, JSON.stringify(r.errors)).to.equal(true);
        expect(ops(r)).to.deep.equal(["create a"]);
        const [res] = engine.readState().resources;
        expect(res.urn).to.equal(`urn:pulumi:dev::${engine.project}::pulumi-nodejs:dynamic/toy:Thing::a`);
        expect(res.id).to.match(/^a-[0-9a-f]{6}$/);
        expect(r.outputs.a).to.equal(res.id);
        expect(res.outputs).to.include({ name: "a", size: 1, ready: true });
        expect(res.inputs.__provider).to.be.a("string").and.equal(res.outputs.__provider);
        expect(things()).to.deep.equal([`${res.id}.thing.json`]);
    });

    it("a second preview after up shows no changes", async () => {
        await engine.up(program({ a: { name: "a", size: 1 } }));
        const r = await engine.preview(program({ a: { name: "a", size: 1 } }));
        expect(ops(r)).to.deep.equal(["same a"]);
        expect(r.changes).to.equal(false);
        expect(methods(r)).to.deep.equal(["Check", "Configure", "Diff"]);
    });

    it("a changed in-place field is an update with the same id", async () => {
        await engine.up(program({ a: { name: "a", size: 1 } }));
        const before = engine.readState().resources[0];
        const plan = await engine.preview(program({ a: { name: "a", size: 2 } }));
        expect(ops(plan)).to.deep.equal(["update a"]);
        expect(plan.steps[0].detail).to.equal("changed: size");
        const r = await engine.up(program({ a: { name: "a", size: 2 } }));
        expect(ops(r)).to.deep.equal(["update a"]);
        const after = engine.readState().resources[0];
        expect(after.id).to.equal(before.id);
        expect(after.outputs.size).to.equal(2);
        expect(journal()).to.deep.equal([`create ${before.id}`, `update ${before.id}`]);
    });

    it("replacement is create-before-delete by default: new thing created, old deleted after the program", async () => {
        await engine.up(program({ a: { name: "a", color: "red" } }));
        const oldId = engine.readState().resources[0].id;
        const r = await engine.up(program({ a: { name: "a", color: "blue" } }));
        expect(r.steps).to.have.length(1);
        expect(r.steps[0]).to.include({ op: "replace", deleteBeforeReplace: false });
        expect(r.steps[0].replaces).to.deep.equal(["color"]);
        const newId = engine.readState().resources[0].id;
        expect(newId).to.not.equal(oldId);
        expect(journal()).to.deep.equal([`create ${oldId}`, `create ${newId}`, `delete ${oldId}`]);
        expect(r.rpcs.filter((c) => c.method === "Delete")[0].id).to.equal(oldId);
        expect(engine.readState().resources.map((x) => x.id)).to.deep.equal([newId]);
    });

    it("replacement honours deleteBeforeReplace: old deleted first, then created", async () => {
        await engine.up(program({ a: { name: "a", slot: "s1" } }));
        const oldId = engine.readState().resources[0].id;
        const r = await engine.up(program({ a: { name: "a", slot: "s2" } }));
        expect(r.steps[0]).to.include({ op: "replace", deleteBeforeReplace: true });
        const newId = engine.readState().resources[0].id;
        expect(journal()).to.deep.equal([`create ${oldId}`, `delete ${oldId}`, `create ${newId}`]);
    });

    it("resources no longer registered are deleted after the program, in reverse order", async () => {
        await engine.up(program({ a: { name: "a" }, b: { name: "b" }, c: { name: "c" } }));
        const ids = engine.readState().resources.map((x) => x.id);
        const plan = await engine.preview(program({ a: { name: "a" } }));
        expect(ops(plan)).to.deep.equal(["same a", "delete c", "delete b"]);
        expect(things()).to.have.length(3);
        const r = await engine.up(program({ a: { name: "a" } }));
        expect(ops(r)).to.deep.equal(["same a", "delete c", "delete b"]);
        expect(journal().slice(3)).to.deep.equal([`delete ${ids[2]}`, `delete ${ids[1]}`]);
        expect(engine.readState().resources.map((x) => x.name)).to.deep.equal(["a"]);
    });

    it("refresh drops a resource deleted out of band and keeps the others", async () => {
        await engine.up(program({ a: { name: "a" }, b: { name: "b" } }));
        const [a, b] = engine.readState().resources;
        fs.rmSync(path.join(dir, `${b.id}.thing.json`));
        const r = await engine.refresh();
        expect(ops(r)).to.deep.equal(["read a", "refresh-delete b"]);
        expect(r.changes).to.equal(true);
        expect(r.rpcs.filter((c) => c.method === "Read").map((c) => c.id)).to.have.members([a.id, b.id]);
        expect(engine.readState().resources.map((x) => x.id)).to.deep.equal([a.id]);
        // the next up re-creates b
        const up = await engine.up(program({ a: { name: "a" }, b: { name: "b" } }));
        expect(ops(up)).to.deep.equal(["same a", "create b"]);
    });

    it("drift reported by diff on stderr reaches the diagnostics", async () => {
        await engine.up(program({ a: { name: "a", size: 1 } }));
        const { id } = engine.readState().resources[0];
        fs.writeFileSync(path.join(dir, `${id}.thing.json`), JSON.stringify({ name: "a", size: 7, ready: true }));
        const r = await engine.preview(program({ a: { name: "a", size: 1 } }));
        expect(ops(r)).to.deep.equal(["update a"]);
        expect(r.diagnostics.join("\n")).to.contain(`toy: drift on ${id}: size is 7 live, 1 recorded`);
    });

    it("destroy deletes everything in reverse order and leaves an empty state", async () => {
        await engine.up(program({ a: { name: "a" }, b: { name: "b" } }));
        const r = await engine.destroy();
        expect(ops(r)).to.deep.equal(["delete b", "delete a"]);
        expect(things()).to.deep.equal([]);
        expect(engine.readState().resources).to.deep.equal([]);
    });

    it("a failed create fails the operation, keeps the state written so far and skips deletes", async () => {
        engine = newEngine({ parallel: 1 });
        await engine.up(program({ a: { name: "a" }, old: { name: "old" } }));
        const r = await engine.up(program({ a: { name: "a", size: 3 }, boom: { name: "boom" } }));
        expect(r.ok).to.equal(false);
        expect(r.errors).to.deep.equal([{ urn: engine.urn("pulumi-nodejs:dynamic/toy:Thing", "boom"), message: "toy: refusing to create a thing named boom" }]);
        // steps follow the order registrations reached the engine: "a" has more inputs to resolve, so it arrives later
        expect(ops(r)).to.deep.equal(["create boom", "update a"]);
        expect(r.steps.map((s) => s.failed)).to.deep.equal([true, undefined]);
        const state = engine.readState().resources;
        expect(state.map((x) => x.name)).to.deep.equal(["a", "old"]); // "old" is not deleted after a failure
        expect(state[0].outputs.size).to.equal(3);
    });

    it("a replacement re-runs Check without olds, as the engine does to recompute defaults", async () => {
        await engine.up(program({ a: { name: "a", color: "red" } }));
        const r = await engine.up(program({ a: { name: "a", color: "green" } }));
        expect(r.rpcs.map((c) => c.method)).to.deep.equal(["Configure", "Check", "Diff", "Check", "Create", "Delete"]);
    });

    it("an error thrown by the mocks callback or by the program fails the operation without crashing", async () => {
        engine = newEngine({ mocks: () => { throw new Error("no load balancers today"); } });
        const r = await engine.up(() => {
            new FakeLoadBalancer("lb", { spec: "x" });
        });
        expect(r.ok).to.equal(false);
        expect(r.errors).to.deep.equal([{ urn: engine.urn("toy:index:LoadBalancer", "lb"), message: "no load balancers today" }]);
        const p = await engine.preview(() => {
            throw new Error("program bug");
        });
        expect(p.errors).to.deep.equal([{ urn: undefined, message: "program bug" }]);
    });

    it("check failures abort the operation and are all reported at once", async () => {
        const r = await engine.up(program({ bad: { name: "Bad!", size: 500, color: "pink" } }));
        expect(r.ok).to.equal(false);
        expect(r.failures.map((f) => f.property)).to.deep.equal(["name", "size", "color"]);
        expect(r.failures[1]).to.include({ name: "bad", reason: "size must be an integer 0..100, got 500" });
        expect(r.rpcs.map((c) => c.method)).to.not.include("Create");
        expect(things()).to.deep.equal([]);
    });

    it("an unknown input in preview reaches check/diff as the sentinel string and does not fail", async () => {
        const lbProgram = () => {
            const lb = new FakeLoadBalancer("lb", { spec: "small" });
            const a = new Thing("a", { name: "a", ref: lb.id });
            const b = new Thing("b", { name: "b", ref: a.id }); // unknown because a is only planned
            return { aRef: a.id, aReady: a.ready, bId: b.id };
        };
        const mocks = (args: { name: string; inputs: Record<string, unknown>; preview: boolean }) =>
            ({ id: args.preview ? undefined : `lb-${args.name}`, state: args.inputs });
        engine = newEngine({ mocks });
        const plan = await engine.preview(lbProgram);
        expect(plan.ok, JSON.stringify([plan.errors, plan.failures])).to.equal(true);
        const checks = plan.rpcs.filter((c) => c.method === "Check");
        expect(checks.map((c) => c.props?.ref)).to.deep.equal([UNKNOWN, UNKNOWN]);
        expect(plan.outputs).to.deep.equal({ aRef: UNKNOWN, aReady: UNKNOWN, bId: UNKNOWN });

        const up = await engine.up(lbProgram);
        expect(up.ok, JSON.stringify(up.errors)).to.equal(true);
        const [a, b] = engine.readState().resources;
        expect(a.inputs.ref).to.equal("lb-lb");
        expect(b.inputs.ref).to.equal(a.id); // outputs flowed back into the program
        expect(up.outputs).to.deep.equal({ aRef: a.id, aReady: true, bId: b.id });

        // an existing resource whose input becomes unknown: Diff sees the sentinel, preview plans an update
        const again = await engine.preview(lbProgram);
        expect(again.rpcs.filter((c) => c.method === "Diff").map((c) => c.props?.ref)).to.deep.equal([UNKNOWN, a.id]);
        expect(ops(again)).to.deep.equal(["update a", "same b"]);
        expect(again.outputs.aReady).to.equal(UNKNOWN); // preview update hands back inputs only, like the engine
    });

    it("a partial failure is recorded with id, properties and init errors, and repaired by the next up", async () => {
        fs.writeFileSync(path.join(dir, "fail-next-create"), "");
        const r = await engine.up(program({ a: { name: "a", size: 1 } }));
        expect(r.ok).to.equal(false);
        expect(r.errors).to.have.length(1);
        expect(r.errors[0].message).to.match(/was created but did not become ready/);
        const [res] = engine.readState().resources;
        expect(res.id).to.match(/^a-/);
        expect(res.initErrors).to.deep.equal([`thing ${res.id} is not ready`]);
        expect(res.outputs).to.include({ ready: false });
        expect(res.outputs.__provider).to.be.a("string");

        const plan = await engine.preview(program({ a: { name: "a", size: 1 } }));
        expect(ops(plan)).to.deep.equal(["update a"]);
        expect(plan.steps[0].detail).to.equal("init errors");
        const fix = await engine.up(program({ a: { name: "a", size: 1 } }));
        expect(fix.ok).to.equal(true);
        expect(ops(fix)).to.deep.equal(["update a"]);
        const [repaired] = engine.readState().resources;
        expect(repaired.id).to.equal(res.id);
        expect(repaired.initErrors).to.equal(undefined);
        expect(repaired.outputs.ready).to.equal(true);
    });

    it("secret config reaches configure() unwrapped and never appears in the state file", async () => {
        const token = "s3cr3t-t0ken-value";
        engine = newEngine({ config: { "toy:dir": dir, "toy:token": secret(token) } });
        const r = await engine.up(program({ a: { name: "a" } }));
        expect(r.ok, JSON.stringify(r.errors)).to.equal(true);
        const configure = r.rpcs.find((c) => c.method === "Configure");
        expect(configure?.props?.["toy:token"]).to.have.property(SIG_KEY); // wrapped on the wire, as the engine does
        const seen = JSON.parse(fs.readFileSync(path.join(dir, "configure.json"), "utf8"));
        expect(seen.tokenType).to.equal("string");
        expect(seen.tokenSha256).to.equal(require("crypto").createHash("sha256").update(token).digest("hex"));
        expect(fs.readFileSync(engine.statePath, "utf8")).to.not.contain(token);
    });

    it("secret inputs are sent plain to the provider but obscured in the state file", async () => {
        const r = await engine.up(() => {
            new Thing("a", { name: "a", ref: pulumi.secret("hunter2-secret") });
        });
        expect(r.ok, JSON.stringify(r.errors)).to.equal(true);
        expect(r.rpcs.find((c) => c.method === "Create")?.props?.ref).to.equal("hunter2-secret");
        expect(fs.readFileSync(engine.statePath, "utf8")).to.not.contain("hunter2");
        const [res] = engine.readState().resources;
        expect(res.secretKeys).to.deep.equal(["ref"]);
        expect(res.inputs.ref).to.equal("hunter2-secret");
    });

    it("DIFF_UNKNOWN (provider without diff) falls back to comparing old and new inputs", async () => {
        const legacy = (size: number) => () => {
            new LegacyThing("l", { name: "l", size });
        };
        await engine.up(legacy(1));
        expect(ops(await engine.preview(legacy(1)))).to.deep.equal(["same l"]);
        const r = await engine.up(legacy(2));
        expect(ops(r)).to.deep.equal(["update l"]);
        expect(r.steps[0].detail).to.equal("changed: size");
    });

    it("runs a module-path program repeatedly (fresh runtime, module re-executed, config visible)", async () => {
        const file = require.resolve("../fixtures/toy-provider/program");
        const first = await engine.up(file);
        expect(ops(first)).to.deep.equal(["create m"]);
        expect(first.outputs.thingSize).to.equal(1);
        expect(ops(await engine.up(file))).to.deep.equal(["same m"]);
        const bigger = newEngine({ statePath: engine.statePath, config: { "toy:dir": dir, "toy:size": "5" } });
        const r = await bigger.up(file);
        expect(ops(r)).to.deep.equal(["update m"]);
        expect(r.outputs).to.deep.equal({ thingId: engine.readState().resources[0].id, thingSize: 5 });
    });

    it("runs a project directory: Pulumi.yaml name, main (TypeScript) and config defaults, provider cwd there", async () => {
        const projectDir = path.join(engine.projectDir, "tests/fixtures/toy-provider/project");
        engine = newEngine({ projectDir });
        expect(engine.project).to.equal("toy-project");
        const r = await engine.up();
        expect(r.ok, JSON.stringify(r.errors)).to.equal(true);
        expect(r.outputs).to.deep.equal({ size: 4 });
        const [res] = engine.readState().resources;
        expect(res.urn).to.equal("urn:pulumi:dev::toy-project::pulumi-nodejs:dynamic/toy:Thing::p");
        expect(res.inputs).to.include({ size: 4, color: "green" });
        expect(JSON.stringify(r.rpcs[0].props)).to.contain('"toy-project:size":"4"');
    });

    it("restores the caller's own mocks and config after running a program", async () => {
        const seen: string[] = [];
        await pulumi.runtime.setMocks({
            newResource: (args) => { seen.push(args.name); return { id: "mine", state: args.inputs }; },
            call: () => ({}),
        }, "mine-project", "mine-stack");
        pulumi.runtime.setAllConfig({ "mine:key": "v" });
        await engine.up(program({ a: { name: "a" } }));
        const lb = new FakeLoadBalancer("after", { spec: "x" });
        expect(await new Promise((resolve) => lb.id.apply(resolve))).to.equal("mine");
        expect(seen).to.deep.equal(["after"]);
        expect(pulumi.getProject()).to.equal("mine-project");
        expect(new pulumi.Config("mine").get("key")).to.equal("v");
    });

    it("sequential mode (parallel: 1) produces the same steps", async () => {
        engine = newEngine({ parallel: 1 });
        const r = await engine.up(program({ a: { name: "a" }, b: { name: "b" }, c: { name: "c" } }));
        expect(ops(r)).to.deep.equal(["create a", "create b", "create c"]);
    });

    it("serializeProvider gives the __provider text: small, secret-free, loadable", async () => {
        const s = await serializeProvider(toyProvider);
        expect(s.containsSecrets).to.equal(false);
        expect(s.size).to.be.below(20_000);
        expect(s.text).to.not.contain(dir);
        const loaded = loadSerializedProvider(s.text);
        expect(loaded.create).to.be.a("function");
        await engine.up(program({ a: { name: "a" } }));
        expect(engine.readState().resources[0].inputs.__provider).to.equal(s.text);
    });
});
