// Raw HTTP helpers for wire tests: hand-built requests signed with the client's own util functions,
// so tests can provoke what the SDK never sends (reused nonces, stale dates, garbage).
import http from "node:http";
import net from "node:net";
import OpenApi, * as $OpenApi from "@alicloud/openapi-client";
import OpenApiUtil from "@alicloud/openapi-util";
import * as $Util from "@alicloud/tea-util";

export const KEY_ID = "emulator-access-key-id";
export const KEY_SECRET = "emulator-access-key-secret";
export const EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

export interface RawResponse {
    status: number;
    headers: http.IncomingHttpHeaders;
    text: string;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    json: any;
}

export function hostOf(endpoint: string): string {
    return endpoint.replace(/^https?:\/\//, "");
}

/** Sends one request with exactly these headers (Node adds nothing but content-length when a body is given). */
export function raw(endpoint: string, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
    const url = new URL(endpoint);
    return new Promise((resolve, reject) => {
        const req = http.request(
            { host: url.hostname, port: url.port, method: opts.method ?? "POST", path: opts.path ?? "/", headers: opts.headers ?? {}, agent: false },
            (res) => {
                const chunks: Buffer[] = [];
                res.on("data", (c: Buffer) => chunks.push(c));
                res.on("end", () => {
                    const text = Buffer.concat(chunks).toString("utf8");
                    let json: unknown;
                    try {
                        json = JSON.parse(text);
                    } catch {
                        json = undefined;
                    }
                    resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
                });
            },
        );
        req.on("error", reject);
        req.end(opts.body);
    });
}

/** Writes bytes on a fresh socket and returns everything the server answers. */
export function rawSocket(endpoint: string, bytes: string): Promise<string> {
    const url = new URL(endpoint);
    return new Promise((resolve, reject) => {
        const s = net.connect(Number(url.port), url.hostname, () => s.end(bytes));
        const chunks: Buffer[] = [];
        s.on("data", (c) => chunks.push(c));
        s.on("close", () => resolve(Buffer.concat(chunks).toString("utf8")));
        s.on("error", reject);
    });
}

function qs(query: Record<string, string>): string {
    return Object.keys(query).map((k) => encodeURIComponent(k) + "=" + encodeURIComponent(query[k])).join("&");
}

export interface V3Options {
    action?: string;
    version?: string;
    query?: Record<string, string>;
    date?: string;
    nonce?: string;
    accessKeyId?: string;
    secret?: string;
    method?: string;
    extraHeaders?: Record<string, string>;
}

/** A V3 request signed by @alicloud/openapi-util's getAuthorization (the client's own signer). */
export function v3Request(endpoint: string, o: V3Options = {}): { path: string; method: string; headers: Record<string, string> } {
    const query = o.query ?? { RegionId: "cn-hangzhou" };
    const headers: Record<string, string> = {
        host: hostOf(endpoint),
        "x-acs-version": o.version ?? "2014-05-15",
        "x-acs-action": o.action ?? "Echo",
        "x-acs-date": o.date ?? OpenApiUtil.getTimestamp(),
        "x-acs-signature-nonce": o.nonce ?? $Util.default.getNonce(),
        accept: "application/json",
        "x-acs-content-sha256": EMPTY_SHA256,
        ...o.extraHeaders,
    };
    const method = o.method ?? "POST";
    const request = { pathname: "/", method, query, headers } as unknown as Parameters<typeof OpenApiUtil.getAuthorization>[0];
    headers.Authorization = OpenApiUtil.getAuthorization(request, "ACS3-HMAC-SHA256", EMPTY_SHA256, o.accessKeyId ?? KEY_ID, o.secret ?? KEY_SECRET);
    return { path: "/?" + qs(query), method, headers };
}

/** A V1 request signed by @alicloud/openapi-util's getRPCSignature. */
export function v1Request(endpoint: string, o: V3Options & { token?: string } = {}): { path: string; method: string; headers: Record<string, string> } {
    const method = o.method ?? "POST";
    const query: Record<string, string> = {
        Action: o.action ?? "Echo",
        Format: "json",
        Version: o.version ?? "2014-05-15",
        Timestamp: o.date ?? OpenApiUtil.getTimestamp(),
        SignatureNonce: o.nonce ?? $Util.default.getNonce(),
        ...(o.query ?? { RegionId: "cn-hangzhou" }),
        ...(o.token ? { SecurityToken: o.token } : {}),
        SignatureMethod: "HMAC-SHA1",
        SignatureVersion: "1.0",
        AccessKeyId: o.accessKeyId ?? KEY_ID,
    };
    query.Signature = OpenApiUtil.getRPCSignature(query, method, o.secret ?? KEY_SECRET);
    return { path: "/?" + qs(query), method, headers: { host: hostOf(endpoint), ...o.extraHeaders } };
}

/** A real SDK client with global header/query overrides (the client lets them replace x-acs-date, nonces...). */
export function customClient(endpoint: string, o: {
    v1?: boolean; accessKeyId?: string; secret?: string; token?: string;
    headers?: Record<string, string>; queries?: Record<string, string>;
}) {
    const client = new OpenApi(new $OpenApi.Config({
        accessKeyId: o.accessKeyId ?? KEY_ID,
        accessKeySecret: o.secret ?? KEY_SECRET,
        securityToken: o.token,
        endpoint: hostOf(endpoint),
        protocol: "http",
        signatureAlgorithm: o.v1 ? "v2" : undefined,
        globalParameters: new $OpenApi.GlobalParameters({ headers: o.headers, queries: o.queries }),
    }));
    return {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        async call(action: string, params: Record<string, unknown>, version = "2014-05-15"): Promise<any> {
            const p = new $OpenApi.Params({
                action, version, protocol: "HTTPS", pathname: "/", method: "POST",
                authType: "AK", style: "RPC", reqBodyType: "formData", bodyType: "json",
            });
            const res = await client.callApi(p, new $OpenApi.OpenApiRequest({ query: OpenApiUtil.query(params) }), new $Util.RuntimeOptions({}));
            return res.body;
        },
    };
}

/** Awaits a promise that must reject; returns the error. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function rejection(p: Promise<unknown>): Promise<any> {
    try {
        await p;
    } catch (e) {
        return e;
    }
    throw new Error("expected the call to fail, but it succeeded");
}

/** Minutes from now as the client formats x-acs-date / Timestamp. */
export function isoMinutesFromNow(minutes: number): string {
    return new Date(Date.now() + minutes * 60_000).toISOString().replace(/\.\d{3}Z$/, "Z");
}
