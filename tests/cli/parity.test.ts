// Parity: the engine harness (tests/harness, kept for the suites that need one RPC at a time) against the real
// Pulumi engine. The same programs, the same out-of-band changes, each on its own load balancer of one emulator:
// the steps (create / update / same / replace and its order / delete), the API calls each listener gets, in
// order, and the drift lines must agree.
//
// Differences that are naming or display only, normalised here (and listed in the README):
//  - the engine reports a replacement as three steps (create-replacement, replace, delete-replaced) whose order is
//    the replacement order; the harness reports one "replace" step with a deleteBeforeReplace flag;
//  - the engine's refresh reports "same" / "delete", the harness "read" / "refresh-delete";
//  - the engine also steps the stack and the default provider resource, which the harness does not model.
import { expect } from "chai";
import { Engine, OperationResult, secret } from "../harness";
import { ACCESS_KEY_ID, CliLab, PROJECT, REGION, SECRET, Spec, describeWithCli, driftLines, listeners, useCliLab } from "./lab";
import { CliStack, RunResult } from "./stack";

const MUTATING = new Set(["CreateLoadBalancerTCPListener", "SetLoadBalancerTCPListenerAttribute", "StartLoadBalancerListener",
    "StopLoadBalancerListener", "DeleteLoadBalancerListener"]);

/** "name op" per resource from the engine's events; replacements as "replace create-first|delete-first". */
function engineSteps(r: RunResult): string[] {
    const phase = r.command === "preview" ? "pre" : "done";
    const steps = r.steps.filter((s) => s.phase === phase);
    const out: string[] = [];
    for (const name of [...new Set(steps.map((s) => s.name))]) {
        const mine = steps.filter((s) => s.name === name);
        const created = mine.findIndex((s) => s.op === "create-replacement");
        const deleted = mine.findIndex((s) => s.op === "delete-replaced");
        if (created >= 0 || deleted >= 0) out.push(`${name} replace ${deleted >= 0 && (created < 0 || deleted < created) ? "delete-first" : "create-first"}`);
        else for (const s of mine) out.push(`${name} ${s.op === "refresh" ? "same" : s.op}`);
    }
    return out.sort();
}

function harnessSteps(r: OperationResult): string[] {
    const name: Record<string, string> = { read: "same", "refresh-delete": "delete" };
    return r.steps.map((s) => s.op === "replace"
        ? `${s.name} replace ${s.deleteBeforeReplace ? "delete-first" : "create-first"}`
        : `${s.name} ${name[s.op] ?? s.op}`).sort();
}

describeWithCli("parity: the engine harness and the real Pulumi engine take the same steps", (cli) => {
    const lab = useCliLab(cli);

    interface Side {
        lbId: string;
        run(op: "preview" | "up" | "refresh" | "destroy", specs?: Record<string, Spec>): Promise<{ steps: string[]; drift: string[]; ok: boolean; detail: string }>;
    }

    async function engineSide(l: CliLab): Promise<Side> {
        const lbId = await l.loadBalancer("engine");
        let stack: CliStack | undefined;
        return {
            lbId,
            async run(op, specs) {
                if (specs) {
                    if (!stack) stack = await l.stack(listeners(lbId, specs), { label: "parity" });
                    else stack.setProgram(listeners(lbId, specs));
                }
                const r = await stack![op]();
                return { steps: engineSteps(r), drift: driftLines(r).sort(), ok: r.ok, detail: r.stdout + r.stderr };
            },
        };
    }

    async function harnessSide(l: CliLab): Promise<Side> {
        const lbId = await l.loadBalancer("harness");
        const engine = new Engine({
            project: PROJECT, stack: "dev",
            config: {
                "alicloud:region": REGION, "alicloud:accessKey": ACCESS_KEY_ID, "alicloud:secretKey": secret(SECRET),
                "alicloud:endpoints": JSON.stringify([{ slb: l.emulator.endpoint }]), "slbListener:retryTimeoutSeconds": "20",
            },
        });
        let program = listeners(lbId, {});
        return {
            lbId,
            async run(op, specs) {
                if (specs) program = listeners(lbId, specs);
                const r = op === "refresh" ? await engine.refresh() : op === "destroy" ? await engine.destroy() : await engine[op](program);
                const drift = r.diagnostics.map((d) => d.trim()).filter((m) => /^\S+:tcp:\d+: \S+ is .*, want .*/.test(m)).sort();
                return { steps: harnessSteps(r), drift, ok: r.ok, detail: JSON.stringify({ errors: r.errors, failures: r.failures }) };
            },
        };
    }

    /** Mutating calls per port on one load balancer since `mark`, each port's in order. */
    function callsByPort(l: CliLab, lbId: string, mark: number): Record<string, string[]> {
        const out: Record<string, string[]> = {};
        for (const c of l.calls(lbId, undefined, mark).filter((x) => MUTATING.has(x.action))) {
            (out[c.params.ListenerPort] ??= []).push(`${c.action}${c.code ? ` ${c.code}` : ""}`);
        }
        return out;
    }

    it("same steps, same calls per listener, same drift lines: create, no-op, update, both replacements, removal, drift, refresh, destroy", async function () {
        this.timeout(300_000);
        const l = lab();
        const sides = { engine: await engineSide(l), harness: await harnessSide(l) };
        const stopOrDelete = async (lbId: string) => {
            await l.slb.call("StopLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 80 });
            await l.slb.call("SetLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 8081, HealthyThreshold: 7 });
            await l.slb.call("DeleteLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 82 });
        };
        const v1: Record<string, Spec> = { web: { listenerPort: 80 }, api: { listenerPort: 81 }, db: { listenerPort: 82 } };
        const v2: Record<string, Spec> = {
            web: { listenerPort: 80, establishedTimeout: 300 }, api: { listenerPort: 8081 }, db: { listenerPort: 82, backendServerPort: 9090 },
        };
        const plan: Array<{ what: string; op: "preview" | "up" | "refresh" | "destroy"; specs?: Record<string, Spec>; before?: (lbId: string) => Promise<void> }> = [
            { what: "first up", op: "up", specs: v1 },
            { what: "no-op preview", op: "preview" },
            { what: "update / create-first / delete-first preview", op: "preview", specs: v2 },
            { what: "update / create-first / delete-first up", op: "up", specs: v2 },
            { what: "drift preview (stopped, changed, deleted)", op: "preview", specs: v2, before: stopOrDelete },
            { what: "drift repair", op: "up", specs: v2 },
            { what: "removal of api", op: "up", specs: { web: v2.web, db: v2.db } },
            {
                what: "refresh after an out-of-band delete", op: "refresh",
                before: (lbId) => l.slb.call("DeleteLoadBalancerListener", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 82 }),
            },
            { what: "destroy", op: "destroy" },
        ];
        const table: string[] = [];
        for (const step of plan) {
            const results: Record<string, { steps: string[]; drift: string[]; calls: Record<string, string[]> }> = {};
            // Both sides at once: the harness runs its program under setMocks (the process-global store), the engine's
            // inline program runs in the Automation API's own async store, so they do not meet.
            await Promise.all(Object.entries(sides).map(async ([name, side]) => {
                await step.before?.(side.lbId);
                const mark = l.mark();
                const r = await side.run(step.op, step.specs);
                expect(r.ok, `${name}: ${step.what}\n${r.detail}`).to.equal(true);
                results[name] = { steps: r.steps, drift: r.drift, calls: callsByPort(l, side.lbId, mark) };
            }));
            const lbOf = (name: "engine" | "harness") => sides[name].lbId;
            const driftOf = (name: "engine" | "harness") => results[name].drift.map((d) => d.replace(lbOf(name), "<lb>"));
            expect(results.engine.steps, `${step.what}: steps`).to.deep.equal(results.harness.steps);
            expect(results.engine.calls, `${step.what}: calls per listener`).to.deep.equal(results.harness.calls);
            expect(driftOf("engine"), `${step.what}: drift lines`).to.deep.equal(driftOf("harness"));
            table.push(`${step.what}: ${results.engine.steps.join(", ") || "(nothing)"}`);
        }
        expect(await l.ports(sides.engine.lbId)).to.deep.equal([]);
        expect(await l.ports(sides.harness.lbId)).to.deep.equal([]);
        console.log(`      [parity] ${plan.length} operations, identical steps, calls per listener and drift lines:\n        ${table.join("\n        ")}`);
    });
});
