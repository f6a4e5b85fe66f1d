// Timings and waiting shared by the suites that drive the emulator.

/** Short emulator timings: a status transition takes tens of milliseconds. */
export const FAST_TIMINGS = { transitionMs: 30, changeMs: 5 };

/** Answers that mean "the load balancer or listener is busy with another change; try again". */
export const BUSY_CODES: readonly string[] = [
    "OperationBusy", "ServiceIsConfiguring", "OperationFailed.ListenerStatusNotSupport", "SystemBusy", "ServiceIsStopping", "ListenerProcessing",
];

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `probe` every 10 ms until it returns a truthy value. */
export async function waitUntil<T>(what: string, probe: () => T | Promise<T>, timeoutMs = 20_000): Promise<NonNullable<T>> {
    const until = Date.now() + timeoutMs;
    for (;;) {
        const v = await probe();
        if (v) return v as NonNullable<T>;
        if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await sleep(10);
    }
}
