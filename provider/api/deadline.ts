// One time bound per provider operation (a create, an update, a delete, a read), shared by every call it makes,
// every retry and every wait in a load balancer's queue: an operation reports its failure within
// slbListener:retryTimeoutSeconds of its start, however many operations queue up before it.

import { AsyncLocalStorage } from "async_hooks";

const current = new AsyncLocalStorage<number>();

/** Runs `work` with a deadline `boundMs` from now (or the enclosing operation's, when that is sooner). */
export function withDeadline<T>(boundMs: number, work: () => Promise<T>): Promise<T> {
    const outer = current.getStore();
    const deadline = Math.min(Date.now() + boundMs, outer ?? Number.POSITIVE_INFINITY);
    return current.run(deadline, work);
}

/** The deadline of the operation this code runs in, if any (epoch ms). */
export function currentDeadline(): number | undefined {
    return current.getStore();
}

/** The enclosing operation's deadline, or `boundMs` after `started` for work outside any operation. */
export function deadlineOr(started: number, boundMs: number): number {
    return current.getStore() ?? started + boundMs;
}

/**
 * Runs `work` with exactly this deadline, or with none when undefined (the calls then use their own bound): for work
 * done on behalf of several operations, such as one listing that answers the reads of many (listener-reads.ts).
 */
export function withDeadlineAt<T>(deadline: number | undefined, work: () => Promise<T>): Promise<T> {
    return deadline === undefined ? current.exit(work) : current.run(deadline, work);
}
