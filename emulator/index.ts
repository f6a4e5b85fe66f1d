// Public entry of the local SLB API emulator: startEmulator() wires model, server, faults, log and persistence.
import type { AddressInfo } from "node:net";
import { type AdminTarget, validateTimings } from "./admin";
import { createSlbModel } from "./model";
import { FaultInjector, type FaultSettings, type FaultState } from "./faults";
import { StatePersistence } from "./persistence";
import { DEFAULT_LOG_LIMIT, RequestLog, type RequestLogEntry } from "./request-log";
import { API_VERSION, createEmulatorServer } from "./server";
import { NonceCache } from "./signature";
import type { EmulatorAccount, ModelTimings, SlbModel } from "./types";

export type { ActionContext, EmulatorAccount, ModelTimings, SlbModel } from "./types";
export type { FaultKind, FaultRule, FaultSettings, FaultState, FaultStats } from "./faults";
export type { RequestLogEntry } from "./request-log";
export { ApiError, Errors, WireErrors } from "./errors";
export { StateFileInUseError } from "./state-lock";

export const DEFAULT_ACCESS_KEY_ID = "emulator-access-key-id";
export const DEFAULT_ACCESS_KEY_SECRET = "emulator-access-key-secret";
export const DEFAULT_TIMINGS: ModelTimings = { transitionMs: 300, changeMs: 100 };

export interface EmulatorOptions {
    /** TCP port; 0 (default) picks a free one. */
    port?: number;
    /** Interface to listen on (default 127.0.0.1). */
    host?: string;
    /** Accepted credentials (default: one account emulator-access-key-id / emulator-access-key-secret). */
    accounts?: EmulatorAccount[];
    timings?: Partial<ModelTimings>;
    faults?: FaultSettings;
    /**
     * Persist state as JSON here: loaded at start if present, saved (debounced) after changes and on close.
     * One emulator per file: while one runs (its pid in `<file>.lock`), starting another fails with StateFileInUseError.
     */
    statePath?: string;
    /** The model's clock (default Date.now). Signature timestamps are always checked against the wall clock. */
    now?: () => number;
    /** Replaces the built-in model; meant for testing the wire layer. */
    model?: SlbModel;
    /** How many request-log entries to keep (default 100,000). */
    requestLogLimit?: number;
}

export interface Emulator {
    /** "http://127.0.0.1:<port>" */
    endpoint: string;
    port: number;
    host: string;
    /** Stops the server and writes the state file (if any). Safe to call twice. */
    close(): Promise<void>;
    requests(): RequestLogEntry[];
    clearRequests(): void;
    /** Replaces all fault settings (validated); resets rule counters and stats. */
    setFaults(faults: FaultSettings): FaultState;
    getFaults(): FaultState;
    setTimings(timings: Partial<ModelTimings>): void;
    snapshot(): unknown;
    /** Replaces all model state with a snapshot (as snapshot() returns it); how tests play the platform's own changes. */
    restore(snapshot: unknown): void;
    /** Clears all model state and the request log (fault settings stay). */
    reset(): void;
}

function checkAccounts(accounts: EmulatorAccount[]): Map<string, EmulatorAccount> {
    const map = new Map<string, EmulatorAccount>();
    for (const a of accounts) {
        if (!a || typeof a.accessKeyId !== "string" || a.accessKeyId === "" || typeof a.accessKeySecret !== "string" || a.accessKeySecret === "") {
            throw new Error("every account needs a non-empty accessKeyId and accessKeySecret");
        }
        if (a.deniedActions !== undefined && (!Array.isArray(a.deniedActions) || !a.deniedActions.every((x) => typeof x === "string"))) {
            throw new Error("deniedActions must be a list of action names");
        }
        if (map.has(a.accessKeyId)) throw new Error(`duplicate access key id ${a.accessKeyId}`);
        map.set(a.accessKeyId, { ...a });
    }
    if (map.size === 0) throw new Error("at least one account is required");
    return map;
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
    const host = options.host ?? "127.0.0.1";
    const accounts = checkAccounts(options.accounts ?? [{ accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET }]);
    let timings: ModelTimings = { ...DEFAULT_TIMINGS, ...validateTimings(options.timings ?? {}) };
    const model = options.model ?? createSlbModel({ timings, now: options.now });
    if (options.model) model.setTimings(timings);
    const faults = new FaultInjector(options.faults);
    const log = new RequestLog(options.requestLogLimit ?? DEFAULT_LOG_LIMIT);
    const started = Date.now();

    let persistence: StatePersistence | null = null;
    if (options.statePath) {
        persistence = new StatePersistence(options.statePath, model);
        persistence.prepare();
        try {
            persistence.load();
        } catch (e) {
            persistence.release();
            throw e;
        }
        const p = persistence;
        model.onChange = () => p.schedule();
    }

    const control: AdminTarget = {
        requests: () => log.list(),
        clearRequests: () => log.clear(),
        getFaults: () => faults.get(),
        setFaults: (f) => {
            faults.set(f);
            return faults.get();
        },
        setTimings: (t) => {
            const valid = validateTimings(t);
            timings = { ...timings, ...valid };
            model.setTimings(valid);
        },
        snapshot: () => model.snapshot(),
        reset: () => {
            model.reset();
            log.clear();
            persistence?.schedule();
        },
        health: () => ({
            status: "ok",
            version: API_VERSION,
            uptimeMs: Date.now() - started,
            requests: log.size,
            accounts: accounts.size,
            timings,
            statePath: options.statePath ?? null,
        }),
    };

    const server = createEmulatorServer({
        model, accounts, faults, log, admin: control,
        nonces: new NonceCache(),
        modelNow: options.now ?? Date.now,
    });
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(options.port ?? 0, host, () => {
            server.off("error", reject);
            resolve();
        });
    }).catch((e) => {
        persistence?.release();
        throw e;
    });
    const port = (server.address() as AddressInfo).port;
    const urlHost = host.includes(":") ? `[${host}]` : host;

    let closing: Promise<void> | null = null;
    return {
        endpoint: `http://${urlHost}:${port}`,
        port,
        host,
        close() {
            closing ??= (async () => {
                await new Promise<void>((resolve) => {
                    server.close(() => resolve());
                    server.closeAllConnections();
                });
                if (persistence) {
                    persistence.schedule();
                    await persistence.flush().finally(() => persistence?.release());
                }
            })();
            return closing;
        },
        requests: control.requests,
        clearRequests: control.clearRequests,
        setFaults: (f) => control.setFaults(f),
        getFaults: control.getFaults,
        setTimings: (t) => control.setTimings(t),
        snapshot: control.snapshot,
        restore: (snapshot: unknown) => {
            model.restore(snapshot);
            persistence?.schedule();
        },
        reset: control.reset,
    };
}
