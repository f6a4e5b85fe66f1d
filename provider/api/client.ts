// The only module that talks to the network: typed SLB calls on @alicloud/openapi-client's callApi
// (RPC style, reference §1), with retries of busy, throttled, 5xx and network failures until a deadline.

import type OpenApi from "@alicloud/openapi-client";
import { Credentials, Endpoint } from "./config";
import { deadlineOr } from "./deadline";
import { LoadBalancerNotFound, SlbApiError } from "./errors";
import { DEFAULT_READ_OPTIONS, ListenerReads, coalescingFromEnv } from "./listener-reads";
import { LISTING_ACTION } from "./listing";
import { LiveListener, fromDescribe, tagList } from "../core/mapping";
import { ListenerKey, Protocol } from "../core/protocol";
import { pacerFor } from "./pacer";
import { RetryKind, backoffMs, retryKind, sleep } from "./retry";

const API_VERSION = "2014-05-15";
/** A retry is not started when even a short wait would pass the deadline. */
const BASE_DELAY_GUESS_MS = 100;

export interface ClientOptions {
    readonly endpoint: Endpoint;
    readonly credentials: Credentials;
    /** The configured bound of an operation (slbListener:retryTimeoutSeconds), quoted in messages. */
    readonly retryTimeoutMs: number;
    /** How long an unreachable endpoint is retried within that bound (slbListener:unreachableTimeoutSeconds). */
    readonly unreachableTimeoutMs?: number;
    /** How long a listing answers later reads in this process (slbListener:readSnapshotSeconds). */
    readonly readSnapshotMs?: number;
    /** Tells the user that a call has been retried for a while, why, and how long it may go on. */
    readonly say?: (line: string) => void;
}

/** Retrying longer than this is worth a line to the user... */
const SAY_RETRYING_AFTER_MS = 5000;
/** ...and another one this often while it goes on. */
export const SAY_AGAIN_EVERY_MS = 30_000;

const RETRY_REASON: Record<RetryKind, string> = {
    busy: "the load balancer is busy",
    throttled: "the API is throttling this account",
    server: "the service answered with a server error",
    network: "the SLB endpoint cannot be reached",
};

export type { ListenerKey };

/**
 * Codes that mean the listener does not exist (its load balancer does). A load balancer the service does not know is
 * another matter (LoadBalancerNotFound): it may be out of this AccessKey's sight rather than gone.
 */
function isGone(e: SlbApiError): boolean {
    return e.code === "ListenerNotFound" || (e.code === "InvalidParameter" && /resource does not exist/i.test(e.apiMessage));
}

/**
 * The Alibaba Cloud SDK, loaded on the first network call: check() never calls the network, so a provider host
 * answers its first Check without paying for the SDK (about 100 ms of module loading).
 */
let loadedSdk: ReturnType<typeof loadSdk> | undefined;
function sdk(): ReturnType<typeof loadSdk> {
    loadedSdk ??= loadSdk();
    return loadedSdk;
}

function loadSdk() {
    const client = require("@alicloud/openapi-client") as typeof import("@alicloud/openapi-client");
    const util = require("@alicloud/openapi-util") as typeof import("@alicloud/openapi-util");
    const tea = require("@alicloud/tea-util") as typeof import("@alicloud/tea-util");
    return { OpenApi: client.default, Config: client.Config, OpenApiRequest: client.OpenApiRequest, Params: client.Params,
        query: util.default.query, RuntimeOptions: tea.RuntimeOptions };
}

interface TeaError {
    code?: string;
    statusCode?: number;
    message?: string;
    data?: { Message?: string; RequestId?: string; Code?: string };
}

export class SlbClient {
    /** Made on the first call (see sdk()). */
    private api: OpenApi | undefined;
    /** Every read of a listener goes through here, one protocol's reads each (listener-reads.ts). */
    private readonly reads = new Map<Protocol, ListenerReads>();
    /**
     * Set when a call gave up because the endpoint could not be reached, cleared by any answer. While set, a
     * network failure fails at once: calls queued behind a load balancer's lock during an outage then report
     * it within one time bound in all, not one bound each.
     */
    private unreachable = false;

    constructor(private readonly options: ClientOptions) {}

    private readsOf(protocol: Protocol): ListenerReads {
        let reads = this.reads.get(protocol);
        if (!reads) {
            reads = new ListenerReads(protocol, {
                listPage: (params) => this.call(LISTING_ACTION, params),
                readOne: (key) => this.describeListenerAttribute(key),
                say: (line) => this.options.say?.(line),
            }, {
                ...DEFAULT_READ_OPTIONS, coalesce: coalescingFromEnv(process.env),
                ...(this.options.readSnapshotMs !== undefined ? { snapshotMs: this.options.readSnapshotMs } : {}),
            });
            this.reads.set(protocol, reads);
        }
        return reads;
    }

    private openApi(): OpenApi {
        if (!this.api) {
            const { OpenApi, Config } = sdk();
            this.api = new OpenApi(new Config({
                accessKeyId: this.options.credentials.accessKeyId,
                accessKeySecret: this.options.credentials.accessKeySecret,
                securityToken: this.options.credentials.securityToken,
                endpoint: this.options.endpoint.host,
                protocol: this.options.endpoint.protocol,
                readTimeout: 15000,
                connectTimeout: 5000,
                userAgent: "pulumi-alicloud-slb-listener",
            }));
        }
        return this.api;
    }

    /** One API call; retried while the failure is transient and the deadline allows. */
    async call(action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
        const started = Date.now();
        // The operation's bound when the call is part of one (it includes time queued behind other changes).
        const deadline = deadlineOr(started, this.options.retryTimeoutMs);
        let saidAt: number | undefined;
        let unreachableSince: number | undefined;
        const { OpenApiRequest, Params, RuntimeOptions, query: flatten } = sdk();
        const api = this.openApi();
        const query = flatten(params);
        const spec = new Params({
            action, version: API_VERSION, protocol: "HTTPS", pathname: "/", method: "POST",
            authType: "AK", style: "RPC", reqBodyType: "formData", bodyType: "json",
        });
        const pacer = pacerFor(this.options.credentials.accessKeyId);
        for (let attempt = 1; ; attempt++) {
            const startedAt = await pacer.acquire();
            let kind: RetryKind | undefined;
            let delay = 0;
            try {
                // A fresh request per attempt: the SDK signs each one with a new nonce and date.
                const request = new OpenApiRequest({ query: { ...query } });
                const response = await api.callApi(spec, request, new RuntimeOptions({ autoretry: false }));
                this.unreachable = false;
                return (response.body ?? {}) as Record<string, unknown>;
            } catch (raw) {
                const e = raw as TeaError;
                kind = retryKind({ code: e.code, statusCode: e.statusCode, message: e.message });
                if (kind !== "network") this.unreachable = false;
                const now = Date.now();
                if (kind === "network") unreachableSince ??= now;
                const outage = kind === "network" && this.unreachable;
                // An endpoint that refuses connections is given a shorter bound than a busy or throttling service.
                const giveUpAt = kind === "network" ? Math.min(deadline, unreachableSince! + this.unreachableBoundMs()) : deadline;
                if (!kind || outage || now + BASE_DELAY_GUESS_MS > giveUpAt) {
                    if (kind === "network") this.unreachable = true;
                    const why = outage ? OUTAGE_NOTE : kind === "network" ? this.unreachableNote(now - unreachableSince!) : kind ? this.gaveUpNote() : "";
                    throw toApiError(action, e, this.options.endpoint.host, why);
                }
                delay = Math.min(backoffMs(kind, attempt), Math.max(0, giveUpAt - now));
                const due = saidAt === undefined ? now + delay - started > SAY_RETRYING_AFTER_MS : now - saidAt >= SAY_AGAIN_EVERY_MS;
                if (due) {
                    saidAt = now;
                    const what = params.ListenerPort !== undefined ? ` for ${params.LoadBalancerId}:${params.ListenerPort}` : "";
                    this.options.say?.(`${action}${what}: ${RETRY_REASON[kind]} (${e.code ?? "no answer"}); retrying for ` +
                        `${Math.round((now - started) / 1000)} s so far, at most ${Math.max(1, Math.round((giveUpAt - now) / 1000))} s more ` +
                        `(${this.boundWords(kind)})`);
                }
            } finally {
                pacer.done(startedAt, kind === "throttled");
            }
            await sleep(delay);
        }
    }

    private unreachableBoundMs(): number {
        return this.options.unreachableTimeoutMs ?? this.options.retryTimeoutMs;
    }

    /** The configured bound that applies, in words. */
    private boundWords(kind: RetryKind): string {
        const s = (ms: number) => `${Math.round(ms / 100) / 10} s`;
        const operation = `the operation's bound is ${s(this.options.retryTimeoutMs)}, slbListener:retryTimeoutSeconds`;
        return kind === "network" && this.unreachableBoundMs() < this.options.retryTimeoutMs
            ? `an unreachable endpoint is retried for ${s(this.unreachableBoundMs())}, slbListener:unreachableTimeoutSeconds; ${operation}`
            : operation;
    }

    private gaveUpNote(): string {
        return ` Retries stopped at the operation's time bound (${Math.round(this.options.retryTimeoutMs / 1000)} s, slbListener:retryTimeoutSeconds).`;
    }

    private unreachableNote(ms: number): string {
        return ` The endpoint could not be reached for ${Math.round(ms / 1000)} s (bound: slbListener:unreachableTimeoutSeconds, ` +
            `${Math.round(this.unreachableBoundMs() / 1000)} s, within slbListener:retryTimeoutSeconds).`;
    }

    /**
     * The live listener, or undefined when it no longer exists (LoadBalancerNotFound when its load balancer is not
     * known to the service). Reads in flight together
     * are answered by shared DescribeLoadBalancerListeners calls (listener-reads.ts).
     */
    describeListener(key: ListenerKey, fresh = false): Promise<LiveListener | undefined> {
        return this.readsOf(key.protocol).read(key, fresh);
    }

    /** One call of the protocol's attribute read (DescribeLoadBalancerTCPListenerAttribute, ...UDP...). */
    private async describeListenerAttribute(key: ListenerKey): Promise<LiveListener | undefined> {
        try {
            return fromDescribe(key.protocol, await this.call(key.protocol.spec.actions.describe, keyParams(key)));
        } catch (e) {
            if (e instanceof SlbApiError && isGone(e)) return undefined;
            throw this.lbNotFound(key, e);
        }
    }

    /** InvalidLoadBalancerId.NotFound as a LoadBalancerNotFound naming the region and AccessKey; other errors as they are. */
    private lbNotFound(key: ListenerKey, e: unknown): unknown {
        if (!(e instanceof SlbApiError) || e.code !== "InvalidLoadBalancerId.NotFound") return e;
        return new LoadBalancerNotFound(key.loadBalancerId, key.regionId, this.options.credentials.accessKeyId, e.requestId);
    }

    // Changes go through reads.changing(), so that no read of the listener is answered from a listing sent
    // before the change ended, and status polls during a chain of our changes on one LB can share listings.

    /** The protocol's Create, with parameters from createParams (core/mapping.ts). */
    async createListener(key: ListenerKey, params: Record<string, unknown>): Promise<void> {
        await this.change(key, key.protocol.spec.actions.create, params);
    }

    /** The protocol's Set...Attribute, with parameters from setParams (core/mapping.ts). */
    async setListener(key: ListenerKey, params: Record<string, unknown>): Promise<void> {
        await this.change(key, key.protocol.spec.actions.set, params);
    }

    async startListener(key: ListenerKey): Promise<void> {
        await this.change(key, "StartLoadBalancerListener", { ...keyParams(key), ListenerProtocol: key.protocol.name });
    }

    async stopListener(key: ListenerKey): Promise<void> {
        await this.change(key, "StopLoadBalancerListener", { ...keyParams(key), ListenerProtocol: key.protocol.name });
    }

    /**
     * Deletes the listener; one that is already gone counts as deleted. Resolves to "gone" when the service
     * answered that the listener (or its load balancer) does not exist: no read is needed to confirm it.
     */
    async deleteListener(key: ListenerKey): Promise<"deleted" | "gone"> {
        try {
            await this.change(key, "DeleteLoadBalancerListener", { ...keyParams(key), ListenerProtocol: key.protocol.name });
            return "deleted";
        } catch (e) {
            if (e instanceof SlbApiError && isGone(e)) return "gone";
            throw this.lbNotFound(key, e);
        }
    }

    async tagListener(key: ListenerKey, tags: Record<string, string>): Promise<void> {
        await this.change(key, "TagResources", {
            RegionId: key.regionId, ResourceType: "listener", ResourceId: [key.protocol.tagResourceId(key)], Tag: tagList(tags),
        });
    }

    async untagListener(key: ListenerKey, keys: readonly string[]): Promise<void> {
        await this.change(key, "UntagResources", {
            RegionId: key.regionId, ResourceType: "listener", ResourceId: [key.protocol.tagResourceId(key)], TagKey: [...keys],
        });
    }

    private change(key: ListenerKey, action: string, params: Record<string, unknown>): Promise<Record<string, unknown>> {
        return this.readsOf(key.protocol).changing(key, () => this.call(action, params));
    }
}

function keyParams(key: ListenerKey): Record<string, unknown> {
    return { RegionId: key.regionId, LoadBalancerId: key.loadBalancerId, ListenerPort: key.listenerPort };
}

const OUTAGE_NOTE = " An earlier call already found the endpoint unreachable until its time limit, so this one was not retried.";

function toApiError(action: string, e: TeaError, host: string, note: string): SlbApiError {
    const code = e.data?.Code ?? e.code ?? "NetworkError";
    // The SDK's own text of a network error quotes the whole request URL (with V1 signatures it would carry the
    // key id and signature): name the endpoint instead; the code says what failed (ECONNREFUSED, ...).
    const message = e.data?.Message ?? (e.statusCode === undefined ? `no answer from the SLB endpoint ${host}.` : e.message ?? "");
    return new SlbApiError(action, code, message + note, e.data?.RequestId, e.statusCode);
}
