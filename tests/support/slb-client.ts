// Shared test helper: talks to an emulator (or any SLB endpoint) through the REAL
// @alicloud/openapi-client, exactly as the provider and the generated SDK do (reference §1.1, §1.3),
// plus small fetch-based helpers for the emulator's admin API.
import OpenApi, * as $OpenApi from "@alicloud/openapi-client";
import OpenApiUtil from "@alicloud/openapi-util";
import * as $Util from "@alicloud/tea-util";

export const SLB_VERSION = "2014-05-15";
export const DEFAULT_ACCESS_KEY_ID = "emulator-access-key-id";
export const DEFAULT_ACCESS_KEY_SECRET = "emulator-access-key-secret";

export interface SlbClientOptions {
    /** "v3" = ACS3-HMAC-SHA256 (the client's default); "v1" = HMAC-SHA1 (signatureAlgorithm "v2"). */
    signature?: "v3" | "v1";
    accessKeyId?: string;
    accessKeySecret?: string;
    securityToken?: string;
}

export interface SlbClient {
    /** Calls an action; resolves to the response body; rejects with the SDK's error (e.code, e.statusCode, e.data). */
    call(action: string, params: Record<string, unknown>): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
}

/** "http://127.0.0.1:1234" or "127.0.0.1:1234" -> "127.0.0.1:1234" (the client wants host:port). */
function hostPort(endpoint: string): string {
    return endpoint.replace(/^https?:\/\//, "").replace(/\/+$/, "");
}

export function slbClient(endpoint: string, opts: SlbClientOptions = {}): SlbClient {
    const config = new $OpenApi.Config({
        accessKeyId: opts.accessKeyId ?? DEFAULT_ACCESS_KEY_ID,
        accessKeySecret: opts.accessKeySecret ?? DEFAULT_ACCESS_KEY_SECRET,
        securityToken: opts.securityToken,
        endpoint: hostPort(endpoint),
        protocol: "http",
        signatureAlgorithm: opts.signature === "v1" ? "v2" : undefined,
    });
    const client = new OpenApi(config);
    return {
        async call(action, params) {
            const apiParams = new $OpenApi.Params({
                action,
                version: SLB_VERSION,
                protocol: "HTTPS",
                pathname: "/",
                method: "POST",
                authType: "AK",
                style: "RPC",
                reqBodyType: "formData",
                bodyType: "json",
            });
            const request = new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query(params) });
            // No keepAlive here: setting it makes tea create a new Agent per call; the default global agent keeps alive.
            const res = await client.callApi(apiParams, request, new $Util.RuntimeOptions({}));
            return res.body;
        },
    };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export interface AdminClient {
    requests(): Promise<any[]>;
    clearRequests(): Promise<void>;
    faults(): Promise<any>;
    setFaults(faults: unknown): Promise<any>;
    setTimings(timings: unknown): Promise<any>;
    state(): Promise<any>;
    reset(): Promise<void>;
    health(): Promise<any>;
    /** Raw access for tests of the admin API itself. */
    fetch(path: string, init?: RequestInit): Promise<{ status: number; body: any }>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

export function admin(endpoint: string): AdminClient {
    const base = "http://" + hostPort(endpoint);
    async function raw(path: string, init?: RequestInit) {
        const res = await fetch(base + path, init);
        const text = await res.text();
        let body: unknown = text;
        try {
            body = text ? JSON.parse(text) : null;
        } catch {
            // keep the text: the caller asserts on it
        }
        return { status: res.status, body };
    }
    async function ok(path: string, init?: RequestInit) {
        const r = await raw(path, init);
        if (r.status >= 300) throw new Error(`admin ${init?.method ?? "GET"} ${path} -> ${r.status}: ${JSON.stringify(r.body)}`);
        return r.body;
    }
    const json = (method: string, body: unknown): RequestInit => ({
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
    });
    return {
        requests: () => ok("/_emulator/requests") as Promise<unknown[]>,
        clearRequests: async () => void (await ok("/_emulator/requests", { method: "DELETE" })),
        faults: () => ok("/_emulator/faults"),
        setFaults: (faults) => ok("/_emulator/faults", json("PUT", faults)),
        setTimings: (timings) => ok("/_emulator/timings", json("PUT", timings)),
        state: () => ok("/_emulator/state"),
        reset: async () => void (await ok("/_emulator/reset", { method: "POST" })),
        health: () => ok("/_emulator/health"),
        fetch: raw,
    };
}
