// Service errors with the HTTP status, code and message the real SLB API documents (reference §1.8).

export class ApiError extends Error {
    constructor(
        readonly status: number,
        readonly code: string,
        message: string,
    ) {
        super(message);
        this.name = "ApiError";
    }
}

/** Factory for the errors the emulator raises, so codes and statuses are spelled once. */
export const Errors = {
    missingParameter: (name: string) =>
        new ApiError(400, "MissingParameter", `The input parameter "${name}" that is mandatory for processing this request is not supplied.`),
    missingRegionId: () => new ApiError(400, "MissingRegionId", "RegionId is mandatory for this action."),
    invalidParameter: (name: string, detail?: string) =>
        new ApiError(400, "InvalidParameter", `The specified parameter "${name}" is not valid.${detail ? " " + detail : ""}`),
    invalidAction: (action: string) =>
        new ApiError(404, "InvalidAction.NotFound", `Specified api is not found, please check your url and method. Action: ${action}`),
    loadBalancerNotFound: () => new ApiError(404, "InvalidLoadBalancerId.NotFound", "The specified LoadBalancerId does not exist."),
    /** Describe*ListenerAttribute on a missing listener (what Terraform matches on). */
    resourceNotFound: () => new ApiError(400, "InvalidParameter", "The specified resource does not exist."),
    listenerNotFound: () =>
        new ApiError(404, "ListenerNotFound", "You have not created a listener for the specified port of the load balancer."),
    listenerAlreadyExists: () => new ApiError(400, "ListenerAlreadyExists", "A listener with the specified port already exists"),
    listenerPortConflict: () =>
        new ApiError(400, "ListenerPortConflict", "The specified port is already used by a listener of a conflicting protocol."),
    operationBusy: () => new ApiError(400, "OperationBusy", "A previous operation is pending."),
    serviceIsConfiguring: () => new ApiError(400, "ServiceIsConfiguring", "A previous configuration is pending; please try again later."),
    serviceIsStopping: () => new ApiError(409, "ServiceIsStopping", "The specified Listener is stopping, please retry later."),
    listenerStatusNotSupport: () =>
        new ApiError(400, "OperationFailed.ListenerStatusNotSupport",
            "The status of the listener does not support this operation. Please try again later."),
    systemBusy: () => new ApiError(449, "SystemBusy", "The system is busy."),
    throttling: () => new ApiError(400, "Throttling.User", "Request was denied due to user flow control."),
    internalError: () => new ApiError(500, "InternalError", "The request processing has failed due to some unknown error, exception or failure."),
    serviceUnavailable: () => new ApiError(503, "ServiceUnavailable", "The request has failed due to a temporary failure of the server."),
} as const;

/** Gateway-level errors raised by the wire layer (authentication, routing, limits), reference §1.8. */
export const WireErrors = {
    incompleteSignature: (detail?: string) =>
        new ApiError(400, "IncompleteSignature", `The request signature does not conform to Aliyun standards.${detail ? " " + detail : ""}`),
    invalidSignatureMethod: (method: string) =>
        new ApiError(400, "InvalidSignatureMethod", `Specified signature method "${method}" is not supported.`),
    signatureDoesNotMatch: (stringToSign?: string) =>
        new ApiError(400, "SignatureDoesNotMatch",
            "Specified signature is not matched with our calculation." + (stringToSign ? ` server string to sign is:${stringToSign}` : "")),
    signatureNonceUsed: () => new ApiError(400, "SignatureNonceUsed", "Specified signature nonce was used already."),
    timestampExpired: () => new ApiError(400, "InvalidTimeStamp.Expired", "Specified time stamp or date value is expired."),
    timestampFormat: () =>
        new ApiError(400, "InvalidTimeStamp.Format", "Specified time stamp or date value is not well formatted (expected YYYY-MM-DDThh:mm:ssZ)."),
    accessKeyNotFound: () => new ApiError(404, "InvalidAccessKeyId.NotFound", "Specified access key is not found."),
    forbiddenRam: () => new ApiError(403, "Forbidden.RAM", "User not authorized to operate on the specified resource."),
    missingSecurityToken: () => new ApiError(400, "MissingSecurityToken", "SecurityToken is mandatory for this access key."),
    securityTokenMismatch: () =>
        new ApiError(400, "InvalidSecurityToken.MismatchWithAccessKey", "Specified SecurityToken mismatch with the AccessKey."),
    invalidVersion: (version: string) =>
        new ApiError(400, "InvalidVersion", `Specified parameter Version "${version}" is not valid.`),
    missingAction: () => new ApiError(400, "MissingAction", "Action is mandatory for this request."),
    missingVersion: () => new ApiError(400, "MissingVersion", "Version is mandatory for this request."),
    unsupportedHttpMethod: (method: string) =>
        new ApiError(403, "UnsupportedHTTPMethod", `Specified HTTP method "${method}" is not supported.`),
    apiNotFound: () => new ApiError(404, "InvalidApi.NotFound", "Specified api is not found, please check your url and method."),
    malformedQuery: (detail: string) => new ApiError(400, "InvalidParameter.Format", `The request is malformed: ${detail}`),
    uriTooLong: (limit: number) => new ApiError(414, "RequestURITooLong", `The request URL exceeds ${limit} bytes.`),
    bodyTooLarge: (limit: number) => new ApiError(413, "RequestEntityTooLarge", `The request body exceeds ${limit} bytes.`),
} as const;
