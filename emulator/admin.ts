// Admin API under /_emulator/: plain JSON over HTTP, no signature, loopback callers only.
// Pure routing over an AdminTarget so it can be tested without sockets.
import { ApiError } from "./errors";
import { FaultSettingsError, type FaultState } from "./faults";
import type { RequestLogEntry } from "./request-log";
import type { ModelTimings } from "./types";

export const ADMIN_PREFIX = "/_emulator";

/** What the admin API can see and change; implemented by the emulator instance. */
export interface AdminTarget {
    requests(): RequestLogEntry[];
    clearRequests(): void;
    getFaults(): FaultState;
    /** Throws FaultSettingsError (-> 400) on invalid input. */
    setFaults(settings: unknown): FaultState;
    /** Throws TimingsError (-> 400) on invalid input. */
    setTimings(timings: unknown): void;
    snapshot(): unknown;
    reset(): void;
    health(): Record<string, unknown>;
}

export interface AdminResponse {
    status: number;
    /** Serialised as JSON; objects get the RequestId like every other answer. */
    body: unknown;
}

export class TimingsError extends Error {}

const MAX_TIMING_MS = 3_600_000;

/** Validates a Partial<ModelTimings> coming from JSON or CLI flags. */
export function validateTimings(input: unknown): Partial<ModelTimings> {
    if (typeof input !== "object" || input === null || Array.isArray(input)) throw new TimingsError("timings must be a JSON object");
    const out: Partial<ModelTimings> = {};
    for (const [k, v] of Object.entries(input)) {
        if (k !== "transitionMs" && k !== "changeMs") throw new TimingsError(`unknown field timings.${k} (allowed: transitionMs, changeMs)`);
        if (typeof v !== "number" || !Number.isFinite(v) || v < 0 || v > MAX_TIMING_MS) {
            throw new TimingsError(`${k} must be a number of milliseconds between 0 and ${MAX_TIMING_MS}`);
        }
        out[k] = v;
    }
    return out;
}

/** Loopback check: the admin API can reset state and inject faults, so only local callers may use it. */
export function isLoopback(address: string | undefined): boolean {
    if (!address) return false;
    return address === "::1" || address.startsWith("127.") || address.startsWith("::ffff:127.");
}

function error(status: number, code: string, message: string): AdminResponse {
    return { status, body: { Code: code, Message: message } };
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false; response: AdminResponse } {
    try {
        return { ok: true, value: body.length === 0 ? {} : JSON.parse(body.toString("utf8")) };
    } catch (e) {
        return { ok: false, response: error(400, "InvalidJson", `The body is not valid JSON: ${(e as Error).message}`) };
    }
}

type Handler = (body: Buffer) => AdminResponse;

function routes(t: AdminTarget): Record<string, Record<string, Handler>> {
    return {
        "/requests": {
            GET: () => ({ status: 200, body: t.requests() }),
            DELETE: () => {
                t.clearRequests();
                return { status: 200, body: { cleared: true } };
            },
        },
        "/faults": {
            GET: () => ({ status: 200, body: t.getFaults() }),
            PUT: (body) => {
                const parsed = parseJson(body);
                if (!parsed.ok) return parsed.response;
                return { status: 200, body: t.setFaults(parsed.value) };
            },
        },
        "/timings": {
            PUT: (body) => {
                const parsed = parseJson(body);
                if (!parsed.ok) return parsed.response;
                t.setTimings(parsed.value);
                return { status: 200, body: { updated: true } };
            },
        },
        "/state": { GET: () => ({ status: 200, body: t.snapshot() ?? null }) },
        "/reset": {
            POST: () => {
                t.reset();
                return { status: 200, body: { reset: true } };
            },
        },
        "/health": { GET: () => ({ status: 200, body: t.health() }) },
    };
}

/** Routes one admin call; never throws for bad input (validation errors become 400 JSON). */
export function handleAdmin(target: AdminTarget, method: string, pathname: string, body: Buffer): AdminResponse {
    const sub = pathname.slice(ADMIN_PREFIX.length).replace(/\/+$/, "") || "/";
    const table = routes(target);
    const route = Object.prototype.hasOwnProperty.call(table, sub) ? table[sub] : undefined;
    if (!route) return error(404, "NotFound", `No admin endpoint ${pathname}. Try ${ADMIN_PREFIX}/health.`);
    const handler = Object.prototype.hasOwnProperty.call(route, method) ? route[method] : undefined;
    if (!handler) return error(405, "MethodNotAllowed", `${method} is not allowed on ${pathname} (allowed: ${Object.keys(route).join(", ")}).`);
    try {
        return handler(body);
    } catch (e) {
        if (e instanceof FaultSettingsError || e instanceof TimingsError) return error(400, "InvalidParameter", e.message);
        if (e instanceof ApiError) return error(e.status, e.code, e.message);
        throw e;
    }
}
