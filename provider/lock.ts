// Serializes mutating calls per load balancer inside the provider process. The service accepts one
// configuration change per load balancer at a time; the engine runs every resource of a stack through one
// provider process, so queueing here means our own operations never collide (no busy rejections).

const tails = new Map<string, Promise<unknown>>();

/** Runs `work` after every earlier piece of work queued for the same key has settled. */
export async function withLock<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    tails.set(key, tail);
    try {
        return await run;
    } finally {
        // Forget the key once nothing else queued behind this work, so the map does not grow.
        if (tails.get(key) === tail) tails.delete(key);
    }
}
