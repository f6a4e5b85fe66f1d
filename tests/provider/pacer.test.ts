import { expect } from "chai";
import { Pacer } from "../../provider/api/pacer";

/** Drives a Pacer against a simulated service that allows `limit` calls per sliding second. */
async function simulate(calls: number, limit: number, latencyMs: number) {
    const pacer = new Pacer();
    const accepted: number[] = [];
    let throttled = 0;
    const t0 = Date.now();
    async function one(): Promise<void> {
        for (;;) {
            const started = await pacer.acquire();
            await new Promise((r) => setTimeout(r, latencyMs));
            const now = Date.now();
            const inWindow = accepted.filter((t) => t > now - 1000).length;
            const ok = inWindow < limit;
            if (ok) accepted.push(now);
            else throttled++;
            pacer.done(started, !ok);
            if (ok) return;
            await new Promise((r) => setTimeout(r, 300));
        }
    }
    await Promise.all(Array.from({ length: calls }, one));
    return { throttled, wallMs: Date.now() - t0 };
}

describe("pacer: staying under an unknown rate limit", function () {
    this.timeout(20000);

    it("learns a 50/s limit from the first throttle: few throttled calls, wall time near calls/limit", async () => {
        const { throttled, wallMs } = await simulate(100, 50, 20);
        expect(throttled).to.be.at.most(10);
        // 100 calls at 50 per sliding second: two windows, not three (the learned limit counts calls in flight).
        expect(wallMs).to.be.below(1900);
    });

    it("learns nothing from a throttle with little traffic behind it (an early or stray throttle)", async () => {
        const pacer = new Pacer();
        const first = await pacer.acquire();
        pacer.done(first, true);
        const t0 = Date.now();
        for (let i = 0; i < 30; i++) pacer.done(await pacer.acquire(), false);
        expect(Date.now() - t0).to.be.below(200);
    });

    it("forgets a learned limit ten seconds after the last throttle", async () => {
        let clock = 0;
        const pacer = new Pacer(() => clock);
        for (let i = 0; i < 20; i++) pacer.done(await pacer.acquire(), false);
        pacer.done(await pacer.acquire(), true);
        // At the limit: the next call waits for the window, so it is not granted at once.
        let granted = false;
        void pacer.acquire().then(() => { granted = true; });
        await new Promise((r) => setTimeout(r, 20));
        expect(granted).to.equal(false);
        clock += 10_500;
        pacer.done(await pacer.acquire().catch(() => 0), false);
        await new Promise((r) => setTimeout(r, 20));
        expect(granted).to.equal(true);
    });

    it("never has more than eight calls in flight", async () => {
        const pacer = new Pacer();
        let inFlight = 0;
        let peak = 0;
        await Promise.all(Array.from({ length: 40 }, async () => {
            const started = await pacer.acquire();
            peak = Math.max(peak, ++inFlight);
            await new Promise((r) => setTimeout(r, 5));
            inFlight--;
            pacer.done(started, false);
        }));
        expect(peak).to.equal(8);
    });
});
