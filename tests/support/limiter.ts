// At most `max` tasks at once; the rest wait in order. Used by the engine harness (parallel steps) and by the
// real-engine suites (scenarios side by side on a machine with few cores).
export function limiter(max: number): <T>(fn: () => Promise<T>) => Promise<T> {
    let active = 0;
    const queue: Array<() => void> = [];
    return async (fn) => {
        if (active >= max) await new Promise<void>((r) => queue.push(r));
        active++;
        try {
            return await fn();
        } finally {
            active--;
            queue.shift()?.();
        }
    };
}
