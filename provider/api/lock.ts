// Serializes mutating calls per load balancer inside the provider process. The service accepts one
// configuration change per load balancer at a time; the engine runs every resource of a stack through one
// provider process, so queueing here means our own operations never collide (no busy rejections).
// A queued operation waits only until its own deadline: a load balancer that stays busy fails the whole queue
// within one time bound, not one bound per queued operation.

const tails = new Map<string, Promise<void>>();

export class QueueTimeout extends Error {
    constructor(key: string, waitedMs: number) {
        super(`waited ${Math.round(waitedMs / 100) / 10} s for earlier changes of load balancer ${key.split("/").pop()} to finish; ` +
            "the operation's time bound (slbListener:retryTimeoutSeconds) ran out before its turn came. The earlier change " +
            "was still being retried (its own error says why: a busy load balancer, throttling or an unreachable endpoint); " +
            "this change was not sent. Run `pulumi up` again once that is resolved.");
        this.name = "QueueTimeout";
    }
}

/** Resolves when `turn` settles, or rejects with QueueTimeout when the deadline comes first. */
function waitForTurn(turn: Promise<void>, key: string, deadline: number | undefined): Promise<void> {
    if (deadline === undefined) return turn;
    const queuedAt = Date.now();
    return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new QueueTimeout(key, Date.now() - queuedAt)), Math.max(0, deadline - queuedAt));
        turn.then(() => {
            clearTimeout(timer);
            resolve();
        });
    });
}

/** Runs `work` after every earlier piece of work queued for the same key has settled (or fails at the deadline). */
export async function withLock<T>(key: string, work: () => Promise<T>, deadline?: number): Promise<T> {
    const previous = tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    // The next in line waits for the previous work AND this one, even when this one gave up waiting.
    const tail = previous.then(() => mine);
    tails.set(key, tail);
    try {
        await waitForTurn(previous, key, deadline);
        return await work();
    } finally {
        release();
        // Forget the key once nothing else queued behind this work, so the map does not grow.
        void tail.then(() => {
            if (tails.get(key) === tail) tails.delete(key);
        });
    }
}
