// Errors in the user's language: which input the service rejected, its code and message, the request id,
// and what to do. Secrets never appear: messages are built from the API's answer, not from the request.

import { Protocol } from "../core/protocol";
import { QueueTimeout } from "./lock";

export class SlbApiError extends Error {
    constructor(
        readonly action: string,
        readonly code: string,
        readonly apiMessage: string,
        readonly requestId: string | undefined,
        readonly statusCode: number | undefined,
    ) {
        super(`${action} failed: ${code}: ${apiMessage}${requestId ? ` (request id ${requestId})` : ""}`);
        this.name = "SlbApiError";
    }
}

/** The input property an API error points at, if any. */
export function propertyOf(protocol: Protocol, error: SlbApiError): string | undefined {
    const byCode = protocol.inputOfErrorCode(error.code);
    if (byCode) return byCode;
    if (/VServerGroupId/.test(error.apiMessage) || error.code.includes("VServerGroupId")) return "vServerGroupId";
    if (/MasterSlave/.test(error.apiMessage)) return "masterSlaveServerGroupId";
    // InvalidParameter / MissingParameter messages quote the wire name: "The specified parameter "X" ...".
    const quoted = /"([A-Za-z.]+?)(?:\.\d+\.\w+)?"/.exec(error.apiMessage)?.[1];
    return quoted ? protocol.inputOfWireName(quoted) : undefined;
}

/** Turns an API error into a sentence that names the input, the code, the message and the request id. */
export function explain(protocol: Protocol, resource: string, error: unknown, hint?: string): Error {
    if (error instanceof QueueTimeout) return new Error(`${resource}: ${error.message}`);
    if (!(error instanceof SlbApiError)) return error instanceof Error ? error : new Error(String(error));
    const property = propertyOf(protocol, error);
    const subject = property ? `${resource}: the service rejected ${property}` : `${resource}: ${error.action} failed`;
    const request = error.requestId ? `, request id ${error.requestId}` : "";
    const wrapped = new Error(`${subject}: ${error.apiMessage} (${error.code}${request}).${hint ? ` ${hint}` : ""}`);
    Object.assign(wrapped, { code: error.code, property, requestId: error.requestId });
    return wrapped;
}

/**
 * The service does not know the load balancer (InvalidLoadBalancerId.NotFound). It answers so both for a deleted load
 * balancer and for one the AccessKey cannot see (another account, another region), so this is not taken to mean that
 * the listener is gone unless the user says so (slbListener:missingLoadBalancerIsGone).
 */
export class LoadBalancerNotFound extends Error {
    /** What was not found, where and by whom (for a listener yet to be created, this is the whole story). */
    readonly finding: string;

    constructor(readonly loadBalancerId: string, readonly regionId: string, readonly accessKeyId: string, readonly requestId?: string) {
        const finding = `load balancer ${loadBalancerId} was not found in region ${regionId} with AccessKey ${accessKeyId} ` +
            `(InvalidLoadBalancerId.NotFound${requestId ? `, request id ${requestId}` : ""})`;
        super(`${finding}. The service answers so for a deleted load balancer and for one this AccessKey cannot see: a wrong ` +
            "AccessKey (another account) or region is the likely cause. If the load balancer was deleted, its listeners went with " +
            "it: run the command again with `pulumi config set slbListener:missingLoadBalancerIsGone true` (or " +
            "SLB_LISTENER_MISSING_LB_IS_GONE=true) to treat them as deleted.");
        this.finding = finding;
        this.name = "LoadBalancerNotFound";
    }
}
