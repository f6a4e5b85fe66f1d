// Failures through the real Pulumi engine, one at a time (fault rules apply to the whole emulator):
// a Start that fails after the Create (partial failure), `pulumi` and its provider host SIGKILLed between Create
// and Start (pending operations), and Ctrl-C (SIGINT) in the middle of an up with several listeners in flight.
import { expect } from "chai";
import { waitUntil as waitFor } from "../support/timing";
import { CliLab, describeWithCli, expectOk, idOf, listeners, tagsOf, useCliLab } from "./lab";
import { CliStack, describeProcesses, stepList } from "./stack";

const CREATE = "CreateLoadBalancerTCPListener";
const START = "StartLoadBalancerListener";
const TCP_LISTENER = "pulumi-nodejs:dynamic/slb:TcpListener";

const waitUntil = (what: string, probe: () => boolean) => waitFor(what, probe, 60_000);

describeWithCli("failures and interruptions through the real Pulumi engine", (cli) => {
    const lab = useCliLab(cli);
    afterEach(() => lab().emulator.setFaults({}));

    /** Successful Creates per port on a load balancer since `mark`. */
    const createdPorts = (l: CliLab, lbId: string, mark: number) =>
        l.calls(lbId, CREATE, mark).filter((c) => c.status === 200).map((c) => Number(c.params.ListenerPort)).sort((a, b) => a - b);

    it("Create succeeds, Start fails: up fails with our message, stack export holds the listener, the next up finishes it", async () => {
        const l = lab();
        const lbId = await l.loadBalancer();
        const stack = await l.stack(listeners(lbId, { web: { listenerPort: 80 } }), { label: "partial" });
        const message = "You are not authorized to operate on the specified resource.";
        l.emulator.setFaults({ rules: [{ action: START, status: 403, code: "Forbidden.RAM", message }] });

        const failed = await stack.up();
        expect(failed.ok).to.equal(false);
        const error = failed.diagnostics.find((d) => d.severity === "error" && d.urn === stack.urn(TCP_LISTENER, "web"));
        expect(error?.message, failed.stdout).to.contain(`TcpListener ${idOf(lbId, 80)}: ${START} failed: ${message} (Forbidden.RAM, request id`)
            .and.to.contain("grant it in RAM");
        expect(stepList(failed, "failed")).to.deep.equal(["create web"]);

        const [recorded] = await stack.resources();
        expect(recorded?.id, "pulumi stack export holds the listener").to.equal(idOf(lbId, 80));
        expect(recorded.initErrors?.join("\n")).to.contain("Forbidden.RAM");
        expect(recorded.outputs?.__provider, "with its provider, so it can be deleted").to.be.a("string");
        expect((await l.listener(lbId, 80))?.Status).to.equal("stopped");

        l.emulator.setFaults({});
        expect(stepList(await stack.preview())).to.deep.equal(["update web"]);
        const mark = l.mark();
        const fixed = await stack.up();
        expectOk(fixed);
        expect(stepList(fixed)).to.deep.equal(["update web"]);
        expect(l.calls(lbId, CREATE, mark), "not created again").to.deep.equal([]);
        expect((await l.listener(lbId, 80))?.Status).to.equal("running");
        expect((await stack.resources())[0].initErrors ?? []).to.deep.equal([]);
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);
        expectOk(await stack.destroy());
    });

    it("pulumi SIGKILLed (provider host included) between Create and Start: cancel the lock, and the next up converges; nothing orphaned or created twice", async () => {
        const l = lab();
        // One listener per load balancer: each gets to its Start without queueing behind another change.
        const lbs = [await l.loadBalancer("kill-a"), await l.loadBalancer("kill-b"), await l.loadBalancer("kill-c")];
        const names = ["web", "api", "admin"];
        const specs = Object.fromEntries(names.map((n, i) => [n, { loadBalancerId: lbs[i], listenerPort: 80 }]));
        const stack = await l.stack(listeners(lbs[0], specs), { label: "sigkill" });
        const ids = lbs.map((lb) => idOf(lb, 80)).sort();
        // Every Start is held (then dropped, so it never takes effect): the kill lands between Create and Start.
        l.emulator.setFaults({ rules: [{ action: START, latencyMs: 30_000, drop: true }] });
        const mark = l.mark();
        const running = stack.up();
        await waitUntil("three Creates to succeed", () => lbs.flatMap((lb) => createdPorts(l, lb, mark)).length === 3);
        await waitUntil("a Start on each load balancer to be held", () => (l.emulator.getFaults().stats.byKind.rule ?? 0) >= 3);
        const hosts = stack.providerHosts();
        expect(hosts, describeProcesses(stack.processes().all)).to.have.length(1);
        const killed = stack.killAll();
        const crashed = await running;
        l.emulator.setFaults({});
        expect(crashed.ok).to.equal(false);
        expect(killed).to.include.members(hosts);
        expect(stack.processes().all, "no process of the stack is left").to.deep.equal([]);

        // What the engine left: pending creates, no resources, and its lock on the stack.
        const state = await stack.exportState();
        expect((state.pending_operations ?? []).map((o) => `${o.type} ${o.resource.urn.split("::").pop()}`).sort())
            .to.deep.equal(["creating admin", "creating api", "creating web"]);
        expect(await stack.resources()).to.deep.equal([]);
        for (const [i, name] of names.entries()) {
            const live = await l.listener(lbs[i], 80);
            expect(live?.Status, `${name}: created, never started`).to.equal("stopped");
            expect(tagsOf(live)["pulumi-owner"]).to.equal(`${stack.project}/dev/${name}`);
        }
        const locked = await stack.up();
        expect(locked.ok, "the next up is refused while the dead process's lock is there").to.equal(false);
        expect(locked.stderr).to.match(/the stack is currently locked/).and.to.contain("pulumi cancel");
        expectOk(await stack.command(["cancel", "--yes"]));

        const recoveryMark = l.mark();
        const recovery = await stack.up();
        expectOk(recovery);
        expect(recovery.stdout).to.contain("Attempting to deploy or update resources with 3 pending operations from previous deployment")
            .and.to.contain(`${stack.urn(TCP_LISTENER, "web")}, interrupted while creating`);
        expect(stepList(recovery).sort()).to.deep.equal(["create admin", "create api", "create web"]);
        const again = lbs.flatMap((lb) => l.calls(lb, CREATE, recoveryMark));
        expect(again.map((c) => c.code).sort(), "each create finds its own listener (ownership tag)").to.deep.equal(Array(3).fill("ListenerAlreadyExists"));
        expect(lbs.flatMap((lb) => l.calls(lb, "DeleteLoadBalancerListener", mark)), "nothing deleted").to.deep.equal([]);
        expect(lbs.flatMap((lb) => createdPorts(l, lb, mark)), "nothing created twice").to.have.length(3);
        expect((await stack.resources()).map((r) => r.id).sort()).to.deep.equal(ids);
        for (const lb of lbs) expect((await l.listener(lb, 80))?.Status).to.equal("running");

        // The engine keeps the pending creates (and warns on every up) until a refresh clears them.
        expect((await stack.exportState()).pending_operations ?? []).to.have.length(3);
        const cleared = await stack.refresh({ clearPendingCreates: true });
        expectOk(cleared);
        expect((await stack.exportState()).pending_operations ?? []).to.deep.equal([]);
        expect((await stack.resources()).map((r) => r.id).sort(), "the listeners stay").to.deep.equal(ids);
        const quiet = await stack.preview({ expectNoChanges: true });
        expect(quiet.exitCode).to.equal(0);
        expect(quiet.stdout).to.not.contain("pending operations");
        expectOk(await stack.destroy());
        for (const lb of lbs) expect(await l.ports(lb)).to.deep.equal([]);
        console.log(`      [cli sigkill] pulumi + provider host killed with 3 Creates done and the Starts held: 3 pending creates, ` +
            `0 resources, stack locked; after \`pulumi cancel\` the next up took ${recovery.ms} ms: 3 Creates -> ListenerAlreadyExists, ` +
            `taken over by owner tag, 0 deletes; pending creates kept until \`pulumi refresh --clear-pending-creates\``);
    });

    it("Ctrl-C (SIGINT) mid-up with several listeners in flight: in-flight steps finish and are recorded, the next up converges", async () => {
        const l = lab();
        const lbs = [await l.loadBalancer("int-a"), await l.loadBalancer("int-b")];
        const specs: Record<string, { loadBalancerId: string; listenerPort: number }> = {};
        for (const [i, lb] of lbs.entries()) for (const port of [80, 81, 82]) specs[`l${i}-${port}`] = { loadBalancerId: lb, listenerPort: port };
        const stack: CliStack = await l.stack(listeners(lbs[0], specs), { label: "sigint" });
        l.emulator.setFaults({ rules: [{ action: START, latencyMs: 800 }] });
        const mark = l.mark();
        const abort = new AbortController();
        const running = stack.up({ signal: abort.signal });
        await waitUntil("two Starts in flight", () => (l.emulator.getFaults().stats.byKind.delayed ?? 0) >= 2);
        const startsInFlight = l.emulator.getFaults().stats.byKind.delayed ?? 0; // the request log records a call when answered
        abort.abort(); // the Automation API sends SIGINT to `pulumi`, as Ctrl-C in a terminal does (plugins have their own process group)
        const interrupted = await running;
        l.emulator.setFaults({});
        expect(interrupted.ok).to.equal(false);
        expect(interrupted.stdout).to.contain("^C received; cancelling").and.to.contain("update canceled");

        const state = await stack.exportState();
        expect(state.pending_operations ?? [], "Ctrl-C leaves no pending operation").to.deep.equal([]);
        const recorded = (await stack.resources()).map((r) => r.id).sort();
        const live = (await Promise.all(lbs.map(async (lb) => (await l.ports(lb)).map((p) => idOf(lb, p))))).flat().sort();
        expect(recorded, "every listener on the service is in the stack").to.deep.equal(live);

        const recovery = await stack.up();
        expectOk(recovery);
        const all = Object.values(specs).map((s) => idOf(s.loadBalancerId, s.listenerPort)).sort();
        expect((await stack.resources()).map((r) => r.id).sort()).to.deep.equal(all);
        for (const lb of lbs) {
            expect(createdPorts(l, lb, mark), "each listener created once").to.deep.equal([80, 81, 82]);
            expect(l.calls(lb, "DeleteLoadBalancerListener", mark)).to.deep.equal([]);
            for (const port of [80, 81, 82]) expect((await l.listener(lb, port))?.Status).to.equal("running");
        }
        expect((await stack.preview({ expectNoChanges: true })).exitCode).to.equal(0);
        expectOk(await stack.destroy());
        console.log(`      [cli sigint] SIGINT with ${startsInFlight} Starts held by the emulator: the engine finished the ${recorded.length} ` +
            `steps in flight and recorded them (0 pending operations), exit ${interrupted.exitCode} "update canceled"; next up: ` +
            `${stepList(recovery).filter((s) => s.startsWith("create")).length} creates, ${stepList(recovery).filter((s) => s.startsWith("same")).length} unchanged`);
    });
});
