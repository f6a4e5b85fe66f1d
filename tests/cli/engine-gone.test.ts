// When `pulumi` itself is SIGKILLed (not its process group: a lost CI runner, an OOM kill), the dynamic-provider host it
// started is left running, adopted by init. Our provider notices that its engine is gone and exits within about a
// second, so nothing goes on calling the API for an operation no one will record (provider/pulumi/engine-host.ts).
import * as fs from "fs";
import { expect } from "chai";
import { describeWithCli, idOf, listeners, useCliLab } from "./lab";
import { describeProcesses } from "./stack";

const START = "StartLoadBalancerListener";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitUntil(what: string, done: () => boolean, ms = 30_000): Promise<void> {
    const until = Date.now() + ms;
    while (!done()) {
        if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
        await sleep(50);
    }
}

const alive = (pid: number) => fs.existsSync(`/proc/${pid}`) && !/\) Z /.test(readStat(pid));
function readStat(pid: number): string {
    try {
        return fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    } catch {
        return "";
    }
}

describeWithCli("the provider leaves with its engine", (cli) => {
    const lab = useCliLab(cli);

    it("pulumi SIGKILLed alone: its provider host exits by itself within seconds and sends nothing more", async () => {
        const l = lab();
        const lb = await l.loadBalancer("engine-gone");
        const stack = await l.stack(listeners(lb, { web: { listenerPort: 80 }, api: { listenerPort: 81 } }), { label: "engine-gone" });
        // Every Start is held, so the provider is mid-operation (waiting on the service) when the engine dies.
        l.emulator.setFaults({ rules: [{ action: START, latencyMs: 30_000, drop: true }] });
        const mark = l.mark();
        const running = stack.up();
        await waitUntil("a Start to be held", () => (l.emulator.getFaults().stats.byKind.rule ?? 0) >= 1);
        const hosts = stack.providerHosts();
        expect(hosts, describeProcesses(stack.processes().all)).to.have.length(1);
        for (const pid of stack.processes().cli) process.kill(pid, "SIGKILL");
        await running;
        const killedAt = Date.now();
        await waitUntil("the orphaned provider host to exit", () => hosts.every((pid) => !alive(pid)), 10_000);
        const exitedMs = Date.now() - killedAt;
        l.emulator.setFaults({});
        const after = l.calls(lb, undefined, mark).filter((c) => Date.parse(c.time) > killedAt + exitedMs);
        expect(after.map((c) => c.action), "no call after the host left").to.deep.equal([]);
        expect(exitedMs, "exits within a few seconds of its engine").to.be.below(5000);
        console.log(`      [engine gone] pulumi SIGKILLed alone; its provider host (pid ${hosts[0]}) exited ${exitedMs} ms later; ` +
            `listener ${idOf(lb, 80)} left stopped for the next up to finish (ownership tag)`);
        await stack.command(["cancel", "--yes"]);
    });
});
