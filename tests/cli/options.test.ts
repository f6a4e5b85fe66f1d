// Issue 17's option matrix through the real Pulumi engine: one scenario per row of the README's Usage table
// (resource options, --target, up --refresh, refresh then up, TcpListener.get, internal properties, secrets in
// check failures), each asserting the live listener read back through the SDK and the stack afterwards.
// Scenarios run side by side, one load balancer and stack each, against the file's one emulator.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import { TcpListener, TcpListenerArgs } from "../../provider";
import { CliLab, concurrentScenarios, PROJECT, REGION, describeWithCli, driftLines, expectOk, idOf, listeners, tagsOf, useCliLab } from "./lab";
import { TCP_LISTENER, changes, opsOf, previewWith, saidOn, shown, upWith } from "./matrix-support";
import { stepList } from "./stack";

const CREATE = "CreateLoadBalancerTCPListener";
const DELETE = "DeleteLoadBalancerListener";

const base = (lbId: string, port: number, more: Partial<TcpListenerArgs> = {}): TcpListenerArgs =>
    ({ loadBalancerId: lbId, listenerPort: port, backendServerPort: 8080, bandwidth: -1, ...more });

/**
 * A transform (new style) that adds resource options to the listener of that name. deleteBeforeReplace goes back only
 * when set: the SDK hands a transform an unset one as false, and false sent back overrides the provider (README, Usage).
 */
const addOptions = (name: string, add: pulumi.CustomResourceOptions): pulumi.ResourceTransform => (args) =>
    args.type === TCP_LISTENER && args.name === name
        ? { props: args.props, opts: { ...args.opts, deleteBeforeReplace: (args.opts as pulumi.CustomResourceOptions).deleteBeforeReplace || undefined, ...add } }
        : undefined;

/** A component of a given type whose children are listeners. */
class Group extends pulumi.ComponentResource {
    constructor(type: string, name: string, children: (parent: pulumi.Resource) => void, opts?: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        children(this);
        this.registerOutputs({});
    }
}

/** Position of the first successful call of `action` on `port` since `mark`. */
function seqOf(l: CliLab, lbId: string, action: string, port: number, mark: number): number {
    const call = l.calls(lbId, action, mark).find((c) => c.params.ListenerPort === String(port) && c.status === 200);
    expect(call, `${action} on port ${port}`).to.not.equal(undefined);
    return call!.seq;
}

describeWithCli("resource options and operations through the real Pulumi engine (the option matrix)", (cli) => {
    const lab = useCliLab(cli);
    const scenarios = concurrentScenarios(3);

    scenarios.scenario("ignoreChanges set every way and in every path form: a change outside Pulumi is reported and left as it is", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("ignore");
        let description = "v1";
        const both = (port: number) => base(lbId, port, { description, tags: { app: "web" } });
        // name -> [port, how its ignoreChanges is set]; each list covers the description and the tag "tool".
        const ports: Record<string, number> = { ctor: 80, oldopt: 81, oldstack: 82, newopt: 83, newstack: 84, child: 85, late: 86 };
        const program = () => {
            pulumi.runtime.registerStackTransformation((a) => (a.type === TCP_LISTENER && a.name === "oldstack"
                ? { props: a.props, opts: pulumi.mergeOptions(a.opts, { ignoreChanges: ["description", 'tags["*"]'] }) } : undefined));
            pulumi.runtime.registerResourceTransform(addOptions("newstack", { ignoreChanges: ["description", 'tags["tool"]'] }));
            new TcpListener("ctor", both(ports.ctor), { ignoreChanges: ["description", "tags.tool"] });
            new TcpListener("oldopt", both(ports.oldopt), {
                transformations: [(a) => ({ props: a.props, opts: pulumi.mergeOptions(a.opts, { ignoreChanges: ['["description"]', "tags.*"] }) })],
            });
            new TcpListener("oldstack", both(ports.oldstack));
            new TcpListener("newopt", both(ports.newopt), { transforms: [addOptions("newopt", { ignoreChanges: ["*"] })] });
            new TcpListener("newstack", both(ports.newstack));
            new Group("acme:x:Ignoring", "group", (parent) => new TcpListener("child", both(ports.child), { parent }),
                { transforms: [addOptions("child", { ignoreChanges: ["description", "tags"] })] });
            // Registered after the first TcpListener (whose own stack transform therefore runs before it).
            pulumi.runtime.registerResourceTransform(addOptions("late", { ignoreChanges: ["description", "tags.tool"] }));
            new TcpListener("late", both(ports.late));
            return {};
        };
        const stack = await l.stack(program, { label: "ignore-ways" });
        expectOk(await stack.up());
        for (const port of Object.values(ports)) {
            await l.slb.call("SetLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: port, Description: "by-hand" });
            await l.slb.call("TagResources", {
                RegionId: REGION, ResourceType: "listener", ResourceId: [`${lbId}_tcp_${port}`], Tag: [{ Key: "tool", Value: "by-hand" }],
            });
        }

        const plan = await stack.preview({ expectNoChanges: true });
        expect(plan.exitCode, `ignored changes plan nothing\n${plan.stdout}\n${plan.stderr}`).to.equal(0);
        for (const [name, port] of Object.entries(ports)) {
            expect(driftLines(plan).filter((d) => d.startsWith(`${idOf(lbId, port)}:`)).sort(), name).to.deep.equal([
                `${idOf(lbId, port)}: description is "by-hand", want "v1" (left as it is: ignoreChanges)`,
                `${idOf(lbId, port)}: tags.tool is "by-hand", want unset (left as it is: ignoreChanges)`,
            ]);
        }
        let mark = l.mark();
        const up = await stack.up();
        expectOk(up);
        expect(stepList(up).filter((s) => !s.startsWith("same")), "nothing to do").to.deep.equal([]);
        expect(changes(l.emulator.requests(), lbId, mark), "no call changes anything").to.deep.equal([]);
        for (const [name, port] of Object.entries(ports)) {
            const live = await l.listener(lbId, port);
            expect(live?.Description, name).to.equal("by-hand");
            expect(tagsOf(live), name).to.include({ app: "web", tool: "by-hand" });
        }
        // A change of an ignored input in the program is not applied either (the engine keeps the old input).
        description = "v2";
        mark = l.mark();
        const changed = await stack.up();
        expectOk(changed);
        expect(stepList(changed).filter((s) => !s.startsWith("same")), "the program's change is ignored too").to.deep.equal([]);
        expect(changes(l.emulator.requests(), lbId, mark)).to.deep.equal([]);
        expect((await l.listener(lbId, ports.ctor))?.Description).to.equal("by-hand");
        expectOk(await stack.destroy());
    });

    scenarios.scenario("replaceOnChanges [bandwidth] and [*] (constructor, transforms): a bandwidth change replaces the listener, deleting first; other changes update", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("replace-on");
        // bwdesc keeps its bandwidth and changes its description: [bandwidth] does not apply to that.
        const program = (bandwidth: number, description?: string) => () => {
            new TcpListener("bw", base(lbId, 80, { bandwidth }), { replaceOnChanges: ["bandwidth"] });
            new TcpListener("bwdesc", base(lbId, 81, { description }), { replaceOnChanges: ["bandwidth"] });
            new TcpListener("star", base(lbId, 82, { bandwidth }), { replaceOnChanges: ["*"] });
            new TcpListener("viaTransform", base(lbId, 83, { bandwidth }), { transforms: [addOptions("viaTransform", { replaceOnChanges: ["bandwidth"] })] });
            new TcpListener("plain", base(lbId, 84, { bandwidth }));
            return {};
        };
        const stack = await l.stack(program(-1), { label: "replace-on" });
        expectOk(await stack.up());

        stack.setProgram(program(10, "v2"));
        const plan = await stack.preview();
        expectOk(plan);
        for (const name of ["bw", "star", "viaTransform"]) expect(opsOf(plan, name), name).to.include("replace");
        for (const name of ["bwdesc", "plain"]) expect(opsOf(plan, name), name).to.deep.equal(["update"]);

        const mark = l.mark();
        const up = await stack.up();
        expectOk(up);
        for (const [name, port] of [["bw", 80], ["star", 82], ["viaTransform", 83]] as const) {
            expect(opsOf(up, name), name).to.include.members(["delete-replaced", "create-replacement"]);
            // The id stays, so the old listener goes first.
            expect(seqOf(l, lbId, DELETE, port, mark), name).to.be.lessThan(seqOf(l, lbId, CREATE, port, mark));
        }
        expect(l.calls(lbId, CREATE, mark).filter((c) => c.status === 200).map((c) => Number(c.params.ListenerPort)).sort()).to.deep.equal([80, 82, 83]);
        expect(await l.ports(lbId), "one listener per port").to.deep.equal([80, 81, 82, 83, 84]);
        for (const port of [80, 82, 83, 84]) expect(await l.listener(lbId, port), `port ${port}`).to.include({ Bandwidth: 10, Status: "running" });
        expect(await l.listener(lbId, 81)).to.include({ Bandwidth: -1, Description: "v2" });
        expect((await stack.preview({ expectNoChanges: true })).exitCode, "converged").to.equal(0);
        expectOk(await stack.destroy());
    });

    scenarios.scenario("protect: a protected listener deleted outside Pulumi is an update that creates it again; destroy refuses and deletes nothing", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("protect");
        const stack = await l.stack(listeners(lbId, { kept: { listenerPort: 80 } }, { kept: { protect: true } }), { label: "protect" });
        expectOk(await stack.up());
        await l.slb.call(DELETE, { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 80 });

        const plan = await stack.preview();
        expectOk(plan);
        expect(stepList(plan)).to.deep.equal(["update kept"]);
        const pre = plan.steps.find((s) => s.name === "kept" && s.phase === "pre");
        expect(pre?.diffs ?? [], "no false listenerPort reason").to.not.include("listenerPort");
        expect(saidOn(plan, stack.urn(TCP_LISTENER, "kept"))).to.include(`${idOf(lbId, 80)}: the listener no longer exists (deleted outside Pulumi); up creates it again under the same id`);

        const up = await stack.up();
        expectOk(up);
        expect(stepList(up)).to.deep.equal(["update kept"]);
        expect(await l.listener(lbId, 80)).to.include({ Status: "running", BackendServerPort: 8080 });
        expect((await stack.resources()).map((r) => r.id)).to.deep.equal([idOf(lbId, 80)]);
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);

        const mark = l.mark();
        const destroy = await stack.destroy();
        expect(destroy.ok).to.equal(false);
        expect(shown(destroy)).to.contain("cannot be deleted").and.to.contain("because it is protected");
        expect(changes(l.emulator.requests(), lbId, mark)).to.deep.equal([]);
        expect(await l.ports(lbId)).to.deep.equal([80]);
        expect((await stack.resources()).map((r) => r.id)).to.deep.equal([idOf(lbId, 80)]);
    });

    scenarios.scenario("retainOnDelete (constructor, transforms): a delete-first replacement fails the preview naming both; destroy forgets the listeners and leaves them", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("retain");
        const program = (ctorBackend: number, transformBackend: number) => () => {
            new TcpListener("kept", base(lbId, 80, { backendServerPort: ctorBackend }), { retainOnDelete: true });
            new TcpListener("keptByTransform", base(lbId, 81, { backendServerPort: transformBackend }),
                { transforms: [addOptions("keptByTransform", { retainOnDelete: true })] });
            return {};
        };
        const stack = await l.stack(program(8080, 8080), { label: "retain" });
        expectOk(await stack.up());
        const mark = l.mark();
        for (const [name, prog] of [["kept", program(9090, 8080)], ["keptByTransform", program(8080, 9090)]] as const) {
            stack.setProgram(prog);
            const plan = await stack.preview();
            expect(plan.ok, `${name}: the preview fails\n${plan.stdout}`).to.equal(false);
            const [error] = saidOn(plan, stack.urn(TCP_LISTENER, name));
            expect(error, name).to.contain("backendServerPort cannot change in place").and.to.contain("with retainOnDelete").and.to.contain("Nothing is planned");
        }
        expect(changes(l.emulator.requests(), lbId, mark), "nothing changed").to.deep.equal([]);
        for (const port of [80, 81]) expect(await l.listener(lbId, port), `port ${port}`).to.include({ BackendServerPort: 8080, Status: "running" });

        stack.setProgram(program(8080, 8080));
        const destroy = await stack.destroy();
        expectOk(destroy);
        expect(stepList(destroy).sort()).to.deep.equal(["delete kept", "delete keptByTransform"]);
        expect(l.calls(lbId, DELETE, mark), "no Delete call").to.deep.equal([]);
        expect(await stack.resources()).to.deep.equal([]);
        expect(await l.ports(lbId), "both listeners stay").to.deep.equal([80, 81]);
    });

    scenarios.scenario("deleteBeforeReplace deletes first; a create-first replacement's preview --diff shows the change, no defaults as removed, no internal property; a different __provider text is no change", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("dbr");
        const program = (offset: number) => listeners(lbId, { first: { listenerPort: 80 + offset }, plain: { listenerPort: 90 + offset, tags: { app: "web" } } },
            { first: { deleteBeforeReplace: true } });
        const stack = await l.stack(program(0), { label: "dbr" });
        expectOk(await stack.up());

        // Internal properties: never outputs; the inputs keep __program (the engine compares and records inputs as given).
        const recorded = await stack.resources();
        for (const r of recorded) {
            for (const key of ["__program", "owner", "ignoreChanges", "secretInputs"]) expect(r.outputs ?? {}, `${r.urn} outputs`).to.not.have.property(key);
            expect(r.inputs ?? {}).to.not.have.any.keys("owner", "ignoreChanges", "secretInputs");
            expect(r.outputs).to.include({ scheduler: "wrr", establishedTimeout: 900 });
        }

        // A different __provider text alone: export, append a comment line to it in inputs and outputs, import.
        const exported = await stack.command(["stack", "export"]);
        expectOk(exported);
        const state = JSON.parse(exported.stdout) as { deployment: { resources: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }> } };
        let edited = 0;
        for (const r of state.deployment.resources.filter((x) => x.type === TCP_LISTENER)) {
            for (const bag of [r.inputs, r.outputs]) {
                if (typeof bag?.__provider !== "string") continue;
                bag.__provider += "\n// a comment line: another build of the same provider";
                edited++;
            }
        }
        expect(edited, "inputs and outputs of both listeners").to.equal(4);
        const file = path.join(stack.dir, "edited-state.json");
        fs.writeFileSync(file, JSON.stringify(state));
        expectOk(await stack.command(["stack", "import", "--file", file]));
        const same = await stack.preview({ expectNoChanges: true });
        expect(same.exitCode, `a __provider text alone is no change\n${same.stdout}`).to.equal(0);

        stack.setProgram(program(1));
        const plan = await previewWith(stack, { diff: true });
        expectOk(plan);
        expect(opsOf(plan, "plain")).to.include("replace");
        expect(plan.stdout).to.match(/listenerPort\s*:\s*90 => 91/);
        for (const hidden of ["- scheduler", "- establishedTimeout", "- healthyThreshold", "- persistenceTimeout", "__program", "pulumi-owner", "secretInputs"]) {
            expect(plan.stdout, hidden).to.not.contain(hidden);
        }

        const mark = l.mark();
        const up = await stack.up();
        expectOk(up);
        expect(seqOf(l, lbId, DELETE, 80, mark), "deleteBeforeReplace: old first").to.be.lessThan(seqOf(l, lbId, CREATE, 81, mark));
        expect(seqOf(l, lbId, CREATE, 91, mark), "default: new first").to.be.lessThan(seqOf(l, lbId, DELETE, 90, mark));
        expect(await l.ports(lbId)).to.deep.equal([81, 91]);
        expect(tagsOf(await l.listener(lbId, 91))).to.deep.equal({ app: "web", "pulumi-owner": `${PROJECT}/dev/plain` });
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);
        expectOk(await stack.destroy());
    });

    scenarios.scenario("components: the owner tag carries the parent types; one name and port in two components fails naming both; re-parenting with an alias is an update; removing a component deletes only its listener", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("components");
        const frontendOwner = `${PROJECT}/dev/acme:x:Frontend::web`;
        const adminOwner = `${PROJECT}/dev/acme:x:Admin::web`;
        // (pulumi.rootStackResource is undefined in this SDK; an alias to "no parent" names the stack.)
        const stackUrn = `urn:pulumi:dev::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-dev`;
        const program = (adminPort: number | undefined, movedUnder: boolean) => () => {
            let frontendWeb: TcpListener | undefined;
            const frontend = new Group("acme:x:Frontend", "site", (parent) => {
                frontendWeb = new TcpListener("web", base(lbId, 80), { parent });
                new TcpListener("api", base(lbId, 83), { parent });
                if (movedUnder) new TcpListener("moved", base(lbId, 82), { parent, aliases: [{ parent: stackUrn }] });
            });
            if (!movedUnder) new TcpListener("moved", base(lbId, 82));
            if (movedUnder) new TcpListener("renamed", base(lbId, 84), { aliases: [{ name: "old" }] });
            else new TcpListener("old", base(lbId, 84));
            // After Frontend's listener, so that the conflict is always Admin's.
            if (adminPort) new Group("acme:x:Admin", "site", (parent) => new TcpListener("web", base(lbId, adminPort), { parent, dependsOn: [frontendWeb!] }));
            return { frontend: frontend.urn };
        };
        const stack = await l.stack(program(80, false), { label: "components" });
        const clash = await stack.up();
        expect(clash.ok, "up exits non-zero").to.equal(false);
        expect(clash.exitCode).to.not.equal(0);
        const adminUrn = `urn:pulumi:dev::${PROJECT}::acme:x:Admin$${TCP_LISTENER}::web`;
        const [error] = saidOn(clash, adminUrn);
        expect(error).to.contain(`port 80 on load balancer ${lbId} is already used by the Pulumi resource ${frontendOwner}`).and.to.contain(`this resource is ${adminOwner}`);
        expect(tagsOf(await l.listener(lbId, 80))["pulumi-owner"]).to.equal(frontendOwner);
        expect(tagsOf(await l.listener(lbId, 82))["pulumi-owner"], "top-level: unchanged form").to.equal(`${PROJECT}/dev/moved`);

        stack.setProgram(program(81, false));
        expectOk(await stack.up());
        expect(tagsOf(await l.listener(lbId, 81))["pulumi-owner"]).to.equal(adminOwner);

        stack.setProgram(program(undefined, true));
        const mark = l.mark();
        const up = await stack.up();
        expectOk(up);
        // A rename keeps the listener and rewrites its tag; a move under a component keeps it as it is (the top-level
        // form is what earlier versions wrote for this name, and is accepted as this resource's).
        expect(opsOf(up, "renamed"), "renamed with an alias").to.deep.equal(["update"]);
        expect(opsOf(up, "moved"), "re-parented with an alias").to.deep.equal(["same"]);
        expect(changes(l.emulator.requests(), lbId, mark).sort()).to.deep.equal([`${DELETE} 81`, "TagResources 84"]);
        expect(await l.ports(lbId), "Frontend's listeners stay").to.deep.equal([80, 82, 83, 84]);
        expect(tagsOf(await l.listener(lbId, 84))["pulumi-owner"]).to.equal(`${PROJECT}/dev/renamed`);
        expect(tagsOf(await l.listener(lbId, 82))["pulumi-owner"]).to.equal(`${PROJECT}/dev/moved`);
        expect((await stack.resources()).map((r) => r.urn.split("::").slice(2).join("::")).sort()).to.deep.equal([
            `acme:x:Frontend$${TCP_LISTENER}::api`, `acme:x:Frontend$${TCP_LISTENER}::moved`, `acme:x:Frontend$${TCP_LISTENER}::web`, `${TCP_LISTENER}::renamed`,
        ]);
        expect(tagsOf(await l.listener(lbId, 80))["pulumi-owner"]).to.equal(frontendOwner);
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);
        expectOk(await stack.destroy());
        expect(await l.ports(lbId)).to.deep.equal([]);
    });

    scenarios.scenario("a listener carrying this resource's owner tag (an earlier version's, or a run that stopped before Start) is finished by up; an earlier version's tag under a component is not proof", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("owner-tags");
        const byHand = (port: number, owner: string) => l.slb.call(CREATE, {
            RegionId: REGION, LoadBalancerId: lbId, ListenerPort: port, BackendServerPort: 8080, Bandwidth: -1, Tag: [{ Key: "pulumi-owner", Value: owner }],
        });
        await byHand(80, `${PROJECT}/dev/legacy`);
        await byHand(81, `${PROJECT}/dev/acme:x:Group::child`);
        await byHand(82, `${PROJECT}/dev/kid`);
        const program = (withKid: boolean) => () => {
            new TcpListener("legacy", base(lbId, 80));
            new Group("acme:x:Group", "group", (parent) => {
                new TcpListener("child", base(lbId, 81), { parent });
                if (withKid) new TcpListener("kid", base(lbId, 82), { parent });
            });
            return {};
        };
        const stack = await l.stack(program(false), { label: "owner-tags" });
        const mark = l.mark();
        const up = await stack.up();
        expectOk(up);
        expect(stepList(up).sort()).to.deep.equal(["create child", "create legacy", "create group"].sort());
        expect(l.calls(lbId, CREATE, mark).map((c) => c.code)).to.deep.equal(["ListenerAlreadyExists", "ListenerAlreadyExists"]);
        expect(saidOn(up, stack.urn(TCP_LISTENER, "legacy"))).to.include(`${idOf(lbId, 80)}: finishing the listener, created by an earlier run of this resource (found by its ownership tag)`);
        expect(saidOn(up, `urn:pulumi:dev::${PROJECT}::acme:x:Group$${TCP_LISTENER}::child`))
            .to.include(`${idOf(lbId, 81)}: finishing the listener, created by an earlier run of this resource (found by its ownership tag)`);
        for (const port of [80, 81]) expect((await l.listener(lbId, port))?.Status, `port ${port}`).to.equal("running");
        expect(tagsOf(await l.listener(lbId, 80))["pulumi-owner"], "an earlier version's tag is kept").to.equal(`${PROJECT}/dev/legacy`);

        stack.setProgram(program(true));
        const kid = await stack.up();
        expect(kid.ok).to.equal(false);
        const [error] = saidOn(kid, `urn:pulumi:dev::${PROJECT}::acme:x:Group$${TCP_LISTENER}::kid`);
        expect(error).to.contain(`whose ownership tag (${PROJECT}/dev/kid) an earlier version of this provider wrote`).and.to.contain("adoptExisting: true");
        expect((await l.listener(lbId, 82))?.Status, "left as it was").to.equal("stopped");
        stack.setProgram(program(false));
        expectOk(await stack.destroy());
        expect(await l.ports(lbId)).to.deep.equal([82]);
    });

    scenarios.scenario("dependsOn orders creates and deletes; deletedWith: the engine skips the listener's delete when its target is deleted in the same run; a program's transform that returns the options it got makes a same-port replacement create-first, which the provider refuses, losing nothing", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("depends");
        const program = (withD: boolean, eBandwidth: number) => () => {
            const a = new TcpListener("a", base(lbId, 80));
            new TcpListener("b", base(lbId, 81), { dependsOn: [a] });
            new TcpListener("c", base(lbId, 82), { deletedWith: a });
            if (withD) new TcpListener("d", base(lbId, 83), { deletedWith: a });
            // The SDK hands a transform an unset deleteBeforeReplace as false; returned, it overrides the provider.
            new TcpListener("e", base(lbId, 84, { bandwidth: eBandwidth }), { replaceOnChanges: ["bandwidth"], transforms: [(t) => ({ props: t.props, opts: t.opts })] });
            return {};
        };
        const stack = await l.stack(program(true, -1), { label: "depends" });
        let mark = l.mark();
        expectOk(await stack.up());
        expect(seqOf(l, lbId, CREATE, 80, mark)).to.be.lessThan(seqOf(l, lbId, CREATE, 81, mark));

        // d's target stays: d is deleted as usual. e: the provider asks to delete first, the explicit false wins in
        // the engine, which creates first; the provider refuses that create (it would be the old listener, which the
        // engine's delete of the old resource would then remove), and e's listener stays as it was.
        stack.setProgram(program(false, -1));
        mark = l.mark();
        expectOk(await stack.up());
        expect(changes(l.emulator.requests(), lbId, mark)).to.deep.equal([`${DELETE} 83`]);
        stack.setProgram(program(false, 10));
        mark = l.mark();
        const up = await stack.up();
        expect(up.ok, "e's create-first replacement fails").to.equal(false);
        expect(changes(l.emulator.requests(), lbId, mark).filter((c) => c.endsWith(" 84")), "nothing done to e's listener").to.deep.equal([]);
        expect(saidOn(up, stack.urn(TCP_LISTENER, "e")).join("\n")).to.contain(`${idOf(lbId, 84)}: the engine is creating the replacement before deleting the old listener`)
            .and.to.contain("Set deleteBeforeReplace: true");
        expect(await l.ports(lbId)).to.deep.equal([80, 81, 82, 84]);
        expect((await l.listener(lbId, 84))?.Bandwidth, "e as it was").to.equal(-1);
        expect(stepList(await stack.preview())).to.include("replace e");

        mark = l.mark();
        const destroy = await stack.destroy();
        expectOk(destroy);
        expect(stepList(destroy).sort()).to.deep.equal(["delete a", "delete b", "delete c", "delete e"]);
        expect(seqOf(l, lbId, DELETE, 81, mark), "b before the a it depends on").to.be.lessThan(seqOf(l, lbId, DELETE, 80, mark));
        expect(l.calls(lbId, DELETE, mark).map((c) => Number(c.params.ListenerPort)).sort(), "c's Delete is never called").to.deep.equal([80, 81, 84]);
        expect(await stack.resources()).to.deep.equal([]);
        expect(await l.ports(lbId), "a listener is not deleted with another listener").to.deep.equal([82]);
    });

    scenarios.scenario("--target changes only the targeted listener; up --refresh repairs drift; refresh then up restores the program; TcpListener.get reads live values and destroy leaves the listener", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("target");
        const program = (description?: string) => listeners(lbId, { a: { listenerPort: 80, description }, b: { listenerPort: 81, description } });
        const stack = await l.stack(program(), { label: "target" });
        expectOk(await stack.up());

        stack.setProgram(program("v2"));
        let mark = l.mark();
        const targeted = await upWith(stack, { target: [stack.urn(TCP_LISTENER, "a")] });
        expectOk(targeted);
        expect(stepList(targeted).filter((s) => !s.startsWith("same"))).to.deep.equal(["update a"]);
        expect(changes(l.emulator.requests(), lbId, mark)).to.deep.equal(["SetLoadBalancerTCPListenerAttribute 80"]);
        expect((await l.listener(lbId, 80))?.Description).to.equal("v2");
        expect((await l.listener(lbId, 81))?.Description, "untargeted: left").to.equal("");

        await l.slb.call("SetLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 80, EstablishedTimeout: 300 });
        mark = l.mark();
        const refreshed = await upWith(stack, { refresh: true });
        expectOk(refreshed);
        expect(stepList(refreshed).filter((s) => !s.startsWith("refresh")).sort()).to.deep.equal(["update a", "update b"]);
        expect(await l.listener(lbId, 80)).to.include({ EstablishedTimeout: 900, Description: "v2" });
        expect((await l.listener(lbId, 81))?.Description).to.equal("v2");

        await l.slb.call("StopLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 81 });
        expectOk(await stack.refresh());
        const b = (await stack.resources()).find((r) => r.urn.endsWith("::b"));
        expect(b?.outputs?.status, "refresh records what it found").to.equal("stopped");
        const up = await stack.up();
        expectOk(up);
        expect(stepList(up).filter((s) => !s.startsWith("same"))).to.deep.equal(["update b"]);
        expect((await l.listener(lbId, 81))?.Status, "up restores the program's status").to.equal("running");
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);

        // A second stack reads listener a; what it shows is the live listener, not a program's.
        await l.slb.call("SetLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 80, Description: "by-hand" });
        const reader = await l.stack(() => {
            const seen = TcpListener.get("seen", idOf(lbId, 80));
            return { description: seen.description, establishedTimeout: seen.establishedTimeout, status: seen.status, port: seen.listenerPort };
        }, { label: "reader" });
        const read = await reader.up();
        expectOk(read);
        expect(read.outputs).to.deep.equal({ description: "by-hand", establishedTimeout: 900, status: "running", port: 80 });
        mark = l.mark();
        expectOk(await reader.destroy());
        expect(changes(l.emulator.requests(), lbId, mark), "the reader's destroy deletes nothing").to.deep.equal([]);
        expect(await l.ports(lbId)).to.deep.equal([80, 81]);
        expectOk(await stack.destroy());
    });

    scenarios.scenario("secret inputs never appear in check failures: cross-field, a field that does not apply, a secret tag map's bad key", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("secrets");
        const cases: Array<[string, () => TcpListenerArgs, string]> = [
            ["timeout below interval", () => base(lbId, 80, { healthCheckConnectTimeout: pulumi.secret(29), healthCheckInterval: pulumi.secret(47) }),
                "healthCheckConnectTimeout [secret] is less than healthCheckInterval [secret]"],
            ["uri without http", () => base(lbId, 80, { healthCheckType: pulumi.secret("tcp") as pulumi.Input<"tcp" | "http">, healthCheckUri: "/probe" }),
                'healthCheckUri only applies when healthCheckType is "http" (it is [secret])'],
            ["tag key", () => base(lbId, 80, { tags: pulumi.secret({ "hidden-https://key": "hidden-value" }) }), "tags"],
        ];
        const stack = await l.stack(() => ({}), { label: "secret-checks" });
        for (const [what, args, reason] of cases) {
            stack.setProgram(() => ({ id: new TcpListener("web", args()).id }));
            const plan = await stack.preview();
            expect(plan.ok, what).to.equal(false);
            // (stderr holds the Automation API's command line, whose --event-log is a tcp:// address.)
            const text = [plan.stdout, ...plan.diagnostics.map((d) => d.message)].join("\n");
            expect(saidOn(plan, stack.urn(TCP_LISTENER, "web")).join("\n"), what).to.contain(reason);
            for (const secret of [/\b29\b/, /\b47\b/, /\btcp\b/, /hidden/]) expect(text, `${what}: ${secret} shown`).to.not.match(secret);
        }

        // Secret inputs stay secret in the state: a listener without options, one whose options an old-style
        // transformation changes (the provider's own transform then hands its props back to the engine). A transform
        // of the program's own that returns props loses the marking in this SDK (README, Usage): shown as evidence.
        const secretArgs = (port: number) => base(lbId, port, { description: pulumi.secret("hiddenDescription"), tags: { team: pulumi.secret("hiddenTag") } });
        stack.setProgram(() => {
            new TcpListener("plain", secretArgs(80));
            new TcpListener("transformation", secretArgs(81), {
                transformations: [(a) => ({ props: a.props, opts: pulumi.mergeOptions(a.opts, { replaceOnChanges: ["bandwidth"] }) })],
            });
            new TcpListener("ownTransform", secretArgs(82), { transforms: [(a) => ({ props: a.props, opts: { ...a.opts, deleteBeforeReplace: undefined } })] });
            return {};
        });
        expectOk(await stack.up());
        const stored = Object.fromEntries((await stack.resources()).map((r) => [r.urn.split("::").pop(), JSON.stringify(r)]));
        for (const name of ["plain", "transformation"]) {
            expect(stored[name], name).to.not.match(/hidden/);
            expect(stored[name], `${name}: encrypted`).to.contain("ciphertext");
        }
        expect(stored.ownTransform, "SDK: a program's transform that returns props drops the secret marking").to.contain("hiddenDescription");
        expect((await l.listener(lbId, 80))?.Description).to.equal("hiddenDescription");
        expectOk(await stack.destroy());
    });
});
