// Which failures are worth another try, and how long to wait before it: exponential backoff with full
// jitter (half fixed, half random), a longer base for throttling, everything bounded by a deadline.

/** Codes that mean "the service is busy with this listener or load balancer; try again soon". */
const BUSY_CODES = new Set([
    "SystemBusy", "OperationBusy", "ServiceIsStopping", "BackendServer.configuring", "ServiceIsConfiguring",
    "VServerGroupProcessing", "OperationFailed.ListenerStatusNotSupport", "ListenerProcessing",
]);

/** Network-level failures of the HTTP client (no answer from the service). */
const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN", "ECONNABORTED", "EHOSTUNREACH", "ENETUNREACH"]);

export type RetryKind = "busy" | "throttled" | "server" | "network";

export interface FailureFacts {
    readonly code?: string;
    readonly statusCode?: number;
    /** Text of a non-API error (socket hang up, timeouts). */
    readonly message?: string;
}

export function retryKind(f: FailureFacts): RetryKind | undefined {
    const code = f.code ?? "";
    if (BUSY_CODES.has(code)) return "busy";
    if (code.includes("Throttling") || f.statusCode === 429) return "throttled";
    if (code === "ServiceUnavailable" || code === "InternalError" || (f.statusCode !== undefined && f.statusCode >= 500)) return "server";
    if (f.statusCode === undefined && (NETWORK_CODES.has(code) || /socket hang up|timeout|ECONNRESET|ECONNREFUSED|network/i.test(f.message ?? ""))) {
        return "network";
    }
    return undefined;
}

const BASE_MS: Record<RetryKind, number> = { busy: 100, throttled: 500, server: 200, network: 250 };
const CAP_MS = 5000;

/** Delay before attempt number `attempt` (1 = first retry): "equal jitter" over an exponential window. */
export function backoffMs(kind: RetryKind, attempt: number, random: () => number = Math.random): number {
    const window = Math.min(CAP_MS, BASE_MS[kind] * 2 ** Math.min(attempt - 1, 10));
    return Math.round(window / 2 + random() * (window / 2));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
