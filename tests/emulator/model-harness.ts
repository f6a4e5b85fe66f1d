// Test harness that drives the SLB model directly (no HTTP), with a fake clock.
import { expect } from "chai";
import { ApiError } from "../../emulator/errors";
import { createSlbModel } from "../../emulator/model";
import type { ModelTimings, SlbModel } from "../../emulator/types";

export type Params = Record<string, string | number | boolean | undefined>;
export interface CallOptions {
    region?: string;
    account?: string;
}

export const REGION = "cn-hangzhou";
export const ACCOUNT = "account-1";

export interface Harness {
    model: SlbModel;
    /** The fake clock (ms); advance() moves it. */
    clock: { now: number };
    advance(ms: number): void;
    call(action: string, params?: Params, opts?: CallOptions): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    /** Expects the call to fail with an ApiError and returns it. */
    fail(action: string, params?: Params, opts?: CallOptions): Promise<ApiError>;
    lb(params?: Params, opts?: CallOptions): Promise<string>;
    /** Creates a TCP listener with minimal valid params (overridable). */
    tcp(lbId: string, port: number, params?: Params, opts?: CallOptions): Promise<void>;
    describe(lbId: string, port: number, opts?: CallOptions): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    /** Creates a UDP listener with minimal valid params (overridable). */
    udp(lbId: string, port: number, params?: Params, opts?: CallOptions): Promise<void>;
    describeUdp(lbId: string, port: number, opts?: CallOptions): Promise<any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    /** Adds a TCP-shaped listener of another protocol straight into the state (no action creates HTTP/HTTPS ones). */
    seedListener(lbId: string, protocol: "udp" | "http" | "https", port: number): void;
}

export function stringify(params: Params): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(params)) if (v !== undefined) out[k] = String(v);
    return out;
}

export function harness(timings: Partial<ModelTimings> = { transitionMs: 1000, changeMs: 0 }): Harness {
    const clock = { now: 1_800_000_000_000 };
    const model = createSlbModel({ timings, now: () => clock.now });
    let seq = 0;
    const call = (action: string, params: Params = {}, opts: CallOptions = {}) =>
        model.handle({
            action,
            accountId: opts.account ?? ACCOUNT,
            regionId: opts.region ?? REGION,
            params: stringify(params),
            now: clock.now,
            requestId: `req-${++seq}`,
        });
    const h: Harness = {
        model,
        clock,
        advance: (ms) => void (clock.now += ms),
        call,
        async fail(action, params, opts) {
            let result: unknown;
            try {
                result = await call(action, params, opts);
            } catch (e) {
                expect(e, `${action} threw a non-ApiError: ${String(e)}`).to.be.instanceOf(ApiError);
                return e as ApiError;
            }
            throw new Error(`${action} was expected to fail but answered ${JSON.stringify(result)}`);
        },
        async lb(params = {}, opts) {
            const r = await call("CreateLoadBalancer", params, opts);
            return r.LoadBalancerId as string;
        },
        async tcp(lbId, port, params = {}, opts) {
            await call("CreateLoadBalancerTCPListener", { LoadBalancerId: lbId, ListenerPort: port, BackendServerPort: 8080, Bandwidth: -1, ...params }, opts);
        },
        describe: (lbId, port, opts) => call("DescribeLoadBalancerTCPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: port }, opts),
        async udp(lbId, port, params = {}, opts) {
            await call("CreateLoadBalancerUDPListener", { LoadBalancerId: lbId, ListenerPort: port, BackendServerPort: 5353, Bandwidth: -1, ...params }, opts);
        },
        describeUdp: (lbId, port, opts) => call("DescribeLoadBalancerUDPListenerAttribute", { LoadBalancerId: lbId, ListenerPort: port }, opts),
        seedListener(lbId, protocol, port) {
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            const snap = model.snapshot() as any;
            const lb = snap.accounts[ACCOUNT][REGION].loadBalancers[lbId];
            lb.listeners[`${port}/${protocol}`] = {
                protocol, port, status: "stopped", createdAt: clock.now, tags: [], bandwidth: -1, backendServerPort: 80,
                scheduler: "wrr", persistenceTimeout: 0, establishedTimeout: 900, healthCheck: "on", healthCheckType: "tcp",
                healthCheckConnectTimeout: 5, healthCheckInterval: 2, healthyThreshold: 3, unhealthyThreshold: 3, healthCheckDomain: "",
                healthCheckURI: "/", healthCheckHttpCode: "http_2xx", aclStatus: "off", connectionDrain: "off", description: "",
                proxyProtocolV2Enabled: false, synProxy: "disable",
            };
            model.restore(snap);
        },
    };
    return h;
}

/** A master-slave group of two servers on `port`; returns its id. */
export async function masterSlaveGroup(h: Harness, lbId: string, port = 80): Promise<string> {
    const r = await h.call("CreateMasterSlaveServerGroup", {
        LoadBalancerId: lbId,
        MasterSlaveBackendServers: JSON.stringify([
            { ServerId: "i-master", Port: port, ServerType: "Master" },
            { ServerId: "i-slave", Port: port, ServerType: "Slave" },
        ]),
    });
    return r.MasterSlaveServerGroupId;
}

/** Asserts status, code and (optionally) a message fragment of an ApiError. */
export function expectApiError(e: ApiError, status: number, code: string, message?: string | RegExp): void {
    expect({ status: e.status, code: e.code }, e.message).to.deep.equal({ status, code });
    if (typeof message === "string") expect(e.message).to.include(message);
    else if (message) expect(e.message).to.match(message);
}
