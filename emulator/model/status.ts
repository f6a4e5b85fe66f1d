// The listener status machine (reference §3). A listener stores the status it settles in plus an
// optional transition with an end timestamp; the visible status is computed from `now`, so there are no
// timers and a snapshot taken mid-transition resumes correctly.
import { ApiError, Errors } from "../errors";
import { ListenerRecord, ListenerStatus, SettledStatus, TransitionalStatus } from "./store";

export function currentStatus(l: ListenerRecord, now: number): ListenerStatus {
    return l.transition && now < l.transition.until ? l.transition.status : l.status;
}

/** Moves the listener into `via` for transitionMs, after which it shows `to`. */
export function beginTransition(l: ListenerRecord, via: TransitionalStatus, to: SettledStatus, now: number, transitionMs: number): void {
    l.status = to;
    if (transitionMs > 0) l.transition = { status: via, until: now + transitionMs };
    else delete l.transition;
}

type Operation = "start" | "stop" | "set" | "delete";
/** What an operation does in a given status: proceed, succeed without change, or fail with a busy code. */
type Rule = "go" | "noop" | (() => ApiError);

// Rows are operations, columns are the visible status. Start on running and Stop on stopped are
// idempotent no-ops (reference §3 leaves them [unconf]; see MODEL.md).
const RULES: Record<Operation, Record<ListenerStatus, Rule>> = {
    start: {
        stopped: "go", running: "noop",
        starting: Errors.operationBusy, configuring: Errors.serviceIsConfiguring, stopping: Errors.serviceIsStopping,
    },
    stop: {
        running: "go", stopped: "noop",
        starting: Errors.operationBusy, configuring: Errors.serviceIsConfiguring, stopping: Errors.serviceIsStopping,
    },
    set: {
        stopped: "go", running: "go",
        starting: Errors.listenerStatusNotSupport, configuring: Errors.listenerStatusNotSupport, stopping: Errors.listenerStatusNotSupport,
    },
    delete: {
        stopped: "go", running: "go",
        starting: Errors.operationBusy, configuring: Errors.operationBusy, stopping: Errors.serviceIsStopping,
    },
};

/** Applies the table: returns "go" or "noop", or throws the busy error for the listener's status. */
export function checkOperation(op: Operation, l: ListenerRecord, now: number): "go" | "noop" {
    const rule = RULES[op][currentStatus(l, now)];
    if (typeof rule === "function") throw rule();
    return rule;
}
