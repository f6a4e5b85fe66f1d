// HTTP front of the emulator: decode a request as @alicloud/openapi-client sends it, route it,
// authenticate it, apply faults, run the model, and always answer with a JSON object (reference §1.7, §1.8).
import { randomUUID } from "node:crypto";
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { setTimeout as sleep } from "node:timers/promises";
import { ADMIN_PREFIX, type AdminTarget, handleAdmin, isLoopback } from "./admin";
import { ApiError, Errors, WireErrors } from "./errors";
import type { FaultInjector } from "./faults";
import type { RequestLog, RequestLogEntry } from "./request-log";
import { authenticate, type NonceCache, route, type SignedRequest, V1_COMMON_PARAMS } from "./signature";
import type { EmulatorAccount, SlbModel } from "./types";

export const API_VERSION = "2014-05-15";
/** Longest request target we accept (the SDK puts every parameter in the URL). */
export const MAX_URL_BYTES = 64 * 1024;
/** Node's header limit sits above MAX_URL_BYTES so long URLs get our JSON 414, and only absurd ones a 431. */
const MAX_HEADER_BYTES = 96 * 1024;
export const MAX_BODY_BYTES = 256 * 1024;
const DEFAULT_HOST_ID = "slb.aliyuncs.com";
const JSON_TYPE = "application/json;charset=utf-8";

export interface ServerContext {
    model: SlbModel;
    accounts: ReadonlyMap<string, EmulatorAccount>;
    nonces: NonceCache;
    faults: FaultInjector;
    log: RequestLog;
    /** The model's clock (injectable); signature windows always use the wall clock. */
    modelNow: () => number;
    admin: AdminTarget;
}

class BodyTooLarge extends Error {}

function requestId(): string {
    return randomUUID().toUpperCase();
}

function hostId(req: IncomingMessage): string {
    return req.headers.host || DEFAULT_HOST_ID;
}

/** The documented error body: {RequestId, HostId, Code, Message, Recommend}. */
export function errorBody(err: ApiError, id: string, host: string): Record<string, unknown> {
    return {
        RequestId: id,
        HostId: host,
        Code: err.code,
        Message: err.message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${encodeURIComponent(err.code)}&product=Slb&requestId=${id}`,
    };
}

function send(res: ServerResponse, status: number, body: unknown, id: string, close = false): void {
    if (res.headersSent || res.destroyed) return;
    const text = JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = {
        "Content-Type": JSON_TYPE,
        "Content-Length": Buffer.byteLength(text),
        "x-acs-request-id": id,
    };
    if (close) headers.Connection = "close";
    res.writeHead(status, headers);
    res.end(text);
}

function decode(s: string): string {
    return s.indexOf("%") < 0 ? s : decodeURIComponent(s);
}

/** Parses a query string (or form body) into a prototype-free map; "+" stays literal as in the client's encoding. */
export function parseQuery(raw: string): Record<string, string> {
    const out: Record<string, string> = Object.create(null);
    if (raw === "") return out;
    for (const part of raw.split("&")) {
        if (part === "") continue;
        const eq = part.indexOf("=");
        let key: string;
        let value: string;
        try {
            key = decode(eq < 0 ? part : part.slice(0, eq));
            value = eq < 0 ? "" : decode(part.slice(eq + 1));
        } catch {
            throw WireErrors.malformedQuery("invalid percent-encoding");
        }
        if (key in out) throw WireErrors.malformedQuery(`parameter ${JSON.stringify(key)} appears more than once`);
        out[key] = value;
    }
    return out;
}

const EMPTY = Buffer.alloc(0);

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
    const length = req.headers["content-length"];
    if (length === "0" && req.headers["transfer-encoding"] === undefined) return Promise.resolve(EMPTY);
    if (length !== undefined && Number(length) > limit) return Promise.reject(new BodyTooLarge());
    return new Promise((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > limit) {
                req.removeAllListeners("data");
                req.resume();
                reject(new BodyTooLarge());
                return;
            }
            chunks.push(chunk);
        });
        req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
        req.on("error", reject);
    });
}

function logParams(query: Record<string, string>): Record<string, string> {
    return Object.fromEntries(Object.entries(query).filter(([k]) => !V1_COMMON_PARAMS.has(k)));
}

function isApiError(e: unknown): e is ApiError {
    if (e instanceof ApiError) return true;
    // Tolerate an ApiError from a second copy of the module (e.g. a model loaded from elsewhere).
    const x = e as { name?: unknown; status?: unknown; code?: unknown; message?: unknown } | null;
    return !!x && x.name === "ApiError" && typeof x.status === "number" && typeof x.code === "string" && typeof x.message === "string";
}

/** Unexpected model exceptions become InternalError; each distinct one is logged to stderr once. */
const reported = new Set<string>();
function reportUnexpected(action: string, e: unknown): void {
    const key = action + ":" + String((e as Error)?.message ?? e);
    if (reported.has(key) || reported.size > 1000) return;
    reported.add(key);
    process.stderr.write(`slb-emulator: unexpected error in ${action || "request"}: ${(e as Error)?.stack ?? String(e)}\n`);
}

async function handleApi(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, url: string, q: number): Promise<void> {
    const started = performance.now();
    const time = new Date().toISOString();
    const id = requestId();
    const entry: Omit<RequestLogEntry, "seq"> = {
        time, action: "", status: 0, code: null, regionId: "", accessKeyId: "", params: {}, durationMs: 0, fault: null,
    };
    let query: Record<string, string> | null = null;
    let dropped = false;
    let close = false;
    try {
        const method = req.method ?? "";
        if (url.length > MAX_URL_BYTES) {
            close = true;
            throw WireErrors.uriTooLong(MAX_URL_BYTES);
        }
        if (method !== "POST" && method !== "GET") throw WireErrors.unsupportedHttpMethod(method);
        const pathname = q < 0 ? url : url.slice(0, q);
        if (pathname !== "/") throw WireErrors.apiNotFound();

        let body: Buffer;
        try {
            body = await readBody(req, MAX_BODY_BYTES);
        } catch (e) {
            if (!(e instanceof BodyTooLarge)) throw e;
            close = true;
            throw WireErrors.bodyTooLarge(MAX_BODY_BYTES);
        }
        query = parseQuery(q < 0 ? "" : url.slice(q + 1));
        const form = body.length > 0 && /^application\/x-www-form-urlencoded/i.test(req.headers["content-type"] ?? "");
        const signed: SignedRequest = {
            method, pathname, query, body, headers: req.headers,
            bodyParams: form ? parseQuery(body.toString("utf8")) : null,
        };

        // Route first, like the gateway: action and version decide the API before credentials are checked.
        const r = route(signed);
        entry.action = r.action;
        entry.accessKeyId = r.accessKeyId;
        if (!r.action) throw WireErrors.missingAction();
        if (!r.version) throw WireErrors.missingVersion();
        if (r.version !== API_VERSION) throw WireErrors.invalidVersion(r.version);
        if (!ctx.model.hasAction(r.action)) throw Errors.invalidAction(r.action);

        const auth = authenticate(signed, r, { accounts: ctx.accounts, nonces: ctx.nonces, now: Date.now() });
        entry.params = auth.params;
        entry.regionId = auth.params.RegionId ?? "";
        const accountId = auth.account.accountId ?? auth.account.accessKeyId;

        const fault = ctx.faults.decide(r.action, accountId, Date.now());
        entry.fault = fault.kind;
        if (fault.delayMs > 0) await sleep(fault.delayMs);
        const failAnswer = () => {
            if (fault.drop) {
                dropped = true;
                req.socket.destroy();
                return true;
            }
            if (fault.error) throw fault.error;
            return false;
        };
        if (!fault.afterApply && failAnswer()) return;
        // RAM is checked after flow control: a refused call still counts against the QPS limit (MODEL.md).
        if (auth.account.deniedActions?.includes(r.action)) throw WireErrors.forbiddenRam();

        let result: unknown;
        try {
            result = await ctx.model.handle({
                action: r.action, accountId, regionId: entry.regionId, params: auth.params, now: ctx.modelNow(), requestId: id,
            });
        } catch (e) {
            if (isApiError(e)) throw e;
            reportUnexpected(r.action, e);
            throw Errors.internalError();
        }
        // The call is applied; the answer is lost (FaultRule.afterApply).
        if (fault.afterApply && failAnswer()) return;
        if (typeof result !== "object" || result === null || Array.isArray(result)) {
            reportUnexpected(r.action, new Error(`handler returned ${Array.isArray(result) ? "an array" : typeof result}, not an object`));
            throw Errors.internalError();
        }
        let text: string;
        const out = { RequestId: id, ...(result as Record<string, unknown>) };
        out.RequestId = id;
        try {
            text = JSON.stringify(out);
        } catch (e) {
            reportUnexpected(r.action, e);
            throw Errors.internalError();
        }
        entry.status = 200;
        if (!res.headersSent && !res.destroyed) {
            res.writeHead(200, { "Content-Type": JSON_TYPE, "Content-Length": Buffer.byteLength(text), "x-acs-request-id": id });
            res.end(text);
        }
    } catch (e) {
        let err: ApiError;
        if (isApiError(e)) {
            err = e;
        } else {
            reportUnexpected(entry.action, e);
            err = Errors.internalError();
        }
        // A status outside 4xx/5xx would make the client treat an error body as success.
        const status = Number.isInteger(err.status) && err.status >= 400 && err.status <= 599 ? err.status : 500;
        entry.status = status;
        entry.code = err.code;
        if (query && Object.keys(entry.params).length === 0) entry.params = logParams(query);
        send(res, status, errorBody(err, id, hostId(req)), id, close);
    } finally {
        if (dropped) entry.status = 0;
        entry.durationMs = Math.round((performance.now() - started) * 1000) / 1000;
        ctx.log.add(entry);
    }
}

function handleAdminHttp(ctx: ServerContext, req: IncomingMessage, res: ServerResponse, pathname: string): void {
    const id = requestId();
    if (!isLoopback(req.socket.remoteAddress)) {
        send(res, 403, { RequestId: id, Code: "Forbidden", Message: "The admin API only answers loopback callers." }, id);
        return;
    }
    readBody(req, 1024 * 1024).then(
        (body) => {
            let r;
            try {
                r = handleAdmin(ctx.admin, req.method ?? "", pathname, body);
            } catch (e) {
                reportUnexpected("admin " + pathname, e);
                r = { status: 500, body: { Code: "InternalError", Message: String((e as Error)?.message ?? e) } };
            }
            // Successful answers are exactly the data (so GET state / faults can be saved and PUT back);
            // errors carry a RequestId like every API error.
            const isObject = r.body !== null && typeof r.body === "object" && !Array.isArray(r.body);
            send(res, r.status, r.status >= 400 && isObject ? { RequestId: id, ...(r.body as Record<string, unknown>) } : r.body, id);
        },
        () => send(res, 413, { RequestId: id, Code: "RequestEntityTooLarge", Message: "The admin request body is too large." }, id, true),
    );
}

/** Answers protocol-level garbage (bad request line, oversized headers) with JSON instead of Node's empty reply. */
function onClientError(err: Error & { code?: string }, socket: Socket): void {
    if (err.code === "ECONNRESET" || !socket.writable) {
        socket.destroy();
        return;
    }
    const id = requestId();
    const tooLarge = err.code === "HPE_HEADER_OVERFLOW";
    const status = tooLarge ? 431 : 400;
    const apiErr = tooLarge
        ? new ApiError(431, "RequestHeaderFieldsTooLarge", `The request line and headers exceed ${MAX_HEADER_BYTES} bytes.`)
        : new ApiError(400, "InvalidParameter.Format", "The HTTP request is malformed.");
    const text = JSON.stringify(errorBody(apiErr, id, DEFAULT_HOST_ID));
    socket.end(
        `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: ${JSON_TYPE}\r\n` +
        `Content-Length: ${Buffer.byteLength(text)}\r\nx-acs-request-id: ${id}\r\nConnection: close\r\n\r\n${text}`,
    );
}

export function createEmulatorServer(ctx: ServerContext): http.Server {
    const server = http.createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (req, res) => {
        const url = req.url ?? "/";
        const q = url.indexOf("?");
        const pathname = q < 0 ? url : url.slice(0, q);
        if (pathname === ADMIN_PREFIX || pathname.startsWith(ADMIN_PREFIX + "/")) {
            handleAdminHttp(ctx, req, res, pathname);
            return;
        }
        handleApi(ctx, req, res, url, q).catch((e) => {
            // Last line of defence: handleApi answers everything itself, so this is a bug.
            reportUnexpected("request", e);
            send(res, 500, errorBody(Errors.internalError(), requestId(), hostId(req)), requestId(), true);
        });
    });
    server.on("clientError", onClientError);
    // Longer than the client agent's 5 s idle timeout, so the client (not us) closes idle sockets: no reset races.
    server.keepAliveTimeout = 30_000;
    server.headersTimeout = 35_000;
    return server;
}
