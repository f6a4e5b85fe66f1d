// Request authentication exactly as @alicloud/openapi-client 0.4.15 signs (reference §1.4 V3, §1.5 V1).
// Pure functions plus a bounded nonce cache; the server decides what to do with the ApiErrors thrown here.
import { createHash, createHmac, getHashes, timingSafeEqual } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { WireErrors } from "./errors";
import type { EmulatorAccount } from "./types";

/** The service accepts requests signed within this window of its clock, and remembers nonces this long. */
export const SIGNATURE_WINDOW_MS = 15 * 60 * 1000;

/** V1 common parameters: they authenticate the call and are not handed to the model (reference §1.5). */
export const V1_COMMON_PARAMS: ReadonlySet<string> = new Set([
    "Action", "Version", "Format", "AccessKeyId", "SignatureMethod", "SignatureVersion",
    "SignatureNonce", "Timestamp", "Signature", "SecurityToken", "SignatureType",
]);

const EMPTY_SHA256 = createHash("sha256").update("").digest("hex");
const HAS_SM3 = getHashes().includes("sm3");

/** A decoded API request, as much as authentication needs. */
export interface SignedRequest {
    method: string;
    pathname: string;
    /** Percent-decoded query, in wire order ("+" is literal: the client never encodes spaces as "+"). */
    query: Record<string, string>;
    /** Form-encoded body parameters (the client never sends them for SLB, but they are signed if present). */
    bodyParams: Record<string, string> | null;
    body: Buffer;
    headers: IncomingHttpHeaders;
}

export type SignatureStyle = "v3" | "v1" | "none";

/** Which protocol a request speaks and the action/version it names, before any verification. */
export interface Route {
    style: SignatureStyle;
    action: string;
    version: string;
    /** The claimed access key id (unverified; for the request log). */
    accessKeyId: string;
}

export interface Authenticated {
    account: EmulatorAccount;
    /** Business parameters: query (+ form body) without the V1 common parameters. */
    params: Record<string, string>;
}

/** RFC 3986 encoding used by the client for both signatures (encodeURIComponent plus !'()*). */
export function percentEncode(value: string): string {
    return encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase());
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
    const v = headers[name];
    return Array.isArray(v) ? v.join(",") : v;
}

export function route(req: SignedRequest): Route {
    const auth = header(req.headers, "authorization");
    if (auth !== undefined) {
        return {
            style: "v3",
            action: header(req.headers, "x-acs-action") ?? "",
            version: header(req.headers, "x-acs-version") ?? "",
            accessKeyId: /Credential=([^,\s]*)/.exec(auth)?.[1] ?? "",
        };
    }
    const q = req.query;
    const isV1 = q.Signature !== undefined || q.SignatureMethod !== undefined || q.AccessKeyId !== undefined;
    return {
        style: isV1 ? "v1" : "none",
        action: q.Action ?? header(req.headers, "x-acs-action") ?? "",
        version: q.Version ?? header(req.headers, "x-acs-version") ?? "",
        accessKeyId: q.AccessKeyId ?? "",
    };
}

/** Remembers nonces for the signature window; bounded so a flood cannot exhaust memory (oldest go first). */
export class NonceCache {
    private readonly seen = new Map<string, number>();

    constructor(
        private readonly windowMs = SIGNATURE_WINDOW_MS,
        private readonly maxEntries = 200_000,
    ) {}

    /** True if the nonce is fresh (and records it); false if it was used within the window. */
    use(key: string, now: number): boolean {
        // Entries are inserted in time order, so expired ones sit at the front.
        for (const [k, expires] of this.seen) {
            if (expires > now && this.seen.size < this.maxEntries) break;
            this.seen.delete(k);
        }
        const expires = this.seen.get(key);
        if (expires !== undefined && expires > now) return false;
        this.seen.set(key, now + this.windowMs);
        return true;
    }

    get size(): number {
        return this.seen.size;
    }

    clear(): void {
        this.seen.clear();
    }
}

const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function checkTimestamp(value: string | undefined, now: number): void {
    if (value === undefined || value === "") throw WireErrors.incompleteSignature("The request date is missing.");
    const t = TIMESTAMP.test(value) ? Date.parse(value) : NaN;
    if (Number.isNaN(t)) throw WireErrors.timestampFormat();
    if (Math.abs(now - t) > SIGNATURE_WINDOW_MS) throw WireErrors.timestampExpired();
}

function checkSecurityToken(account: EmulatorAccount, token: string | undefined): void {
    if (account.securityToken === undefined || account.securityToken === "") {
        // A permanent key does not take a token; a token sent with it cannot belong to it.
        if (token !== undefined && token !== "") throw WireErrors.securityTokenMismatch();
        return;
    }
    if (token === undefined || token === "") throw WireErrors.missingSecurityToken();
    if (!safeEqual(token, account.securityToken)) throw WireErrors.securityTokenMismatch();
}

function safeEqual(a: string, b: string): boolean {
    const x = Buffer.from(a);
    const y = Buffer.from(b);
    return x.length === y.length && timingSafeEqual(x, y);
}

function sortedKeys(obj: Record<string, string>): string[] {
    // Plain code-unit order, as the client's Object.keys(...).sort().
    return Object.keys(obj).sort();
}

/** The V3 canonical query: raw keys (the client does not encode them), encoded values. */
export function v3CanonicalQuery(query: Record<string, string>): string {
    const keys = sortedKeys(query);
    let out = "";
    for (let i = 0; i < keys.length; i++) {
        if (i > 0) out += "&";
        out += keys[i] + "=" + percentEncode(query[keys[i]]);
    }
    return out;
}

/** hex(HMAC(secret, "ACS3-...\n" + hex(hash(canonicalRequest)))) for the given signed header names. */
export function v3Signature(
    algorithm: "ACS3-HMAC-SHA256" | "ACS3-HMAC-SM3",
    secret: string,
    req: Pick<SignedRequest, "method" | "pathname" | "query" | "headers">,
    signedHeaders: readonly string[],
    payloadHash: string,
): string {
    const hash = algorithm === "ACS3-HMAC-SM3" ? "sm3" : "sha256";
    let canonicalHeaders = "";
    for (const name of signedHeaders) canonicalHeaders += name + ":" + (header(req.headers, name) ?? "").trim() + "\n";
    const canonicalRequest = req.method + "\n" + req.pathname + "\n" + v3CanonicalQuery(req.query) + "\n" +
        canonicalHeaders + "\n" + signedHeaders.join(";") + "\n" + payloadHash;
    const stringToSign = algorithm + "\n" + createHash(hash).update(canonicalRequest).digest("hex");
    return createHmac(hash, secret).update(stringToSign).digest("hex");
}

/** The V1 string to sign: METHOD&%2F&ENC(sorted ENC(k)=ENC(v) joined by &). */
export function v1StringToSign(method: string, params: Record<string, string>): string {
    const keys = sortedKeys(params).filter((k) => k !== "Signature");
    const canonical = keys.map((k) => percentEncode(k) + "=" + percentEncode(params[k])).join("&");
    return method + "&" + percentEncode("/") + "&" + percentEncode(canonical);
}

export function v1Signature(secret: string, stringToSign: string): string {
    return createHmac("sha1", secret + "&").update(stringToSign).digest("base64");
}

interface ParsedAuthorization {
    algorithm: string;
    credential: string;
    signedHeaders: string[];
    signature: string;
}

function parseAuthorization(value: string): ParsedAuthorization | null {
    const space = value.indexOf(" ");
    if (space <= 0) return null;
    const fields: Record<string, string> = Object.create(null);
    for (const part of value.slice(space + 1).split(",")) {
        const eq = part.indexOf("=");
        if (eq <= 0) return null;
        fields[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
    }
    const { Credential: credential, SignedHeaders: signed, Signature: signature } = fields;
    if (!credential || !signed || !signature) return null;
    return { algorithm: value.slice(0, space), credential, signedHeaders: signed.toLowerCase().split(";"), signature };
}

const V3_REQUIRED_HEADERS = ["x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"];

export interface AuthContext {
    accounts: ReadonlyMap<string, EmulatorAccount>;
    nonces: NonceCache;
    /** Wall-clock now for the timestamp window (the service clock, not the model's simulated one). */
    now: number;
}

/** Verifies a V3 or V1 signature, STS token and nonce; throws the gateway's ApiError on any failure. */
export function authenticate(req: SignedRequest, r: Route, ctx: AuthContext): Authenticated {
    if (r.style === "v3") return authenticateV3(req, ctx);
    if (r.style === "v1") return authenticateV1(req, ctx);
    throw WireErrors.incompleteSignature("Neither an Authorization header nor a Signature parameter was sent.");
}

function authenticateV3(req: SignedRequest, ctx: AuthContext): Authenticated {
    const auth = parseAuthorization(header(req.headers, "authorization") ?? "");
    if (!auth) throw WireErrors.incompleteSignature("The Authorization header is malformed.");
    if (auth.algorithm !== "ACS3-HMAC-SHA256" && !(auth.algorithm === "ACS3-HMAC-SM3" && HAS_SM3)) {
        if (auth.algorithm.startsWith("ACS3-")) throw WireErrors.invalidSignatureMethod(auth.algorithm);
        throw WireErrors.incompleteSignature("Unknown authorization scheme.");
    }
    if (!/^[0-9a-fA-F]{64}$/.test(auth.signature)) throw WireErrors.incompleteSignature("The signature is not a hex digest.");
    const signed = new Set(auth.signedHeaders);
    for (const name of V3_REQUIRED_HEADERS) {
        if (header(req.headers, name) === undefined) throw WireErrors.incompleteSignature(`Header ${name} is missing.`);
    }
    // Every x-acs-* header must be signed (the client signs them all), so none can be swapped in transit.
    for (const name of Object.keys(req.headers)) {
        if (name.startsWith("x-acs-") && !signed.has(name)) throw WireErrors.incompleteSignature(`Header ${name} is not signed.`);
    }

    const account = ctx.accounts.get(auth.credential);
    if (!account) throw WireErrors.accessKeyNotFound();
    checkTimestamp(header(req.headers, "x-acs-date"), ctx.now);

    const algorithm = auth.algorithm as "ACS3-HMAC-SHA256" | "ACS3-HMAC-SM3";
    const payloadHash = header(req.headers, "x-acs-content-sha256") ?? "";
    const bodyHash = algorithm === "ACS3-HMAC-SHA256" && req.body.length === 0
        ? EMPTY_SHA256
        : createHash(algorithm === "ACS3-HMAC-SM3" ? "sm3" : "sha256").update(req.body).digest("hex");
    if (payloadHash.toLowerCase() !== bodyHash) throw WireErrors.signatureDoesNotMatch();
    const expected = v3Signature(algorithm, account.accessKeySecret, req, auth.signedHeaders, payloadHash);
    if (!safeEqual(expected, auth.signature.toLowerCase())) throw WireErrors.signatureDoesNotMatch();

    checkSecurityToken(account, header(req.headers, "x-acs-security-token"));
    if (!ctx.nonces.use(account.accessKeyId + "\n" + header(req.headers, "x-acs-signature-nonce"), ctx.now)) {
        throw WireErrors.signatureNonceUsed();
    }
    return { account, params: merge(req.query, req.bodyParams) };
}

function authenticateV1(req: SignedRequest, ctx: AuthContext): Authenticated {
    const all = merge(req.query, req.bodyParams);
    const { Signature: signature, AccessKeyId: keyId, SignatureMethod: method, SignatureNonce: nonce } = all;
    if (!signature || !keyId || !method || !nonce) {
        throw WireErrors.incompleteSignature("Signature, AccessKeyId, SignatureMethod and SignatureNonce are required.");
    }
    if (method !== "HMAC-SHA1") throw WireErrors.invalidSignatureMethod(method);
    if (all.SignatureVersion !== undefined && all.SignatureVersion !== "1.0") {
        throw WireErrors.incompleteSignature("SignatureVersion must be 1.0.");
    }
    if (all.SignatureType !== undefined && all.SignatureType !== "") {
        throw WireErrors.incompleteSignature(`SignatureType ${all.SignatureType} is not supported.`);
    }

    const account = ctx.accounts.get(keyId);
    if (!account) throw WireErrors.accessKeyNotFound();
    checkTimestamp(all.Timestamp, ctx.now);

    const stringToSign = v1StringToSign(req.method, all);
    if (!safeEqual(v1Signature(account.accessKeySecret, stringToSign), signature)) {
        throw WireErrors.signatureDoesNotMatch(stringToSign);
    }

    checkSecurityToken(account, all.SecurityToken);
    if (!ctx.nonces.use(account.accessKeyId + "\n" + nonce, ctx.now)) throw WireErrors.signatureNonceUsed();

    // fromEntries defines own properties, so a key such as "__proto__" stays plain data.
    const params = Object.fromEntries(Object.entries(all).filter(([k]) => !V1_COMMON_PARAMS.has(k)));
    return { account, params };
}

function merge(query: Record<string, string>, body: Record<string, string> | null): Record<string, string> {
    return Object.fromEntries(body ? [...Object.entries(query), ...Object.entries(body)] : Object.entries(query));
}
