// SLB-specific errors raised by the model, spelled once (codes/statuses from reference §1.8 and §2;
// where the reference is [unconf] the choice is documented in emulator/MODEL.md).
// Kept next to the model instead of in emulator/errors.ts so the wire layer's file stays its own.
import { ApiError } from "../errors";

export const ModelErrors = {
    invalidRegionId: () => new ApiError(404, "InvalidRegionId.NotFound", "The specified RegionId does not exist."),
    vServerGroupNotFound: () => new ApiError(404, "InvalidParameter", "The specified VServerGroupId does not exist."),
    masterSlaveGroupNotFound: () => new ApiError(400, "InvalidParameter", "The specified MasterSlaveGroupId does not exist"),
    groupMissMatch: () =>
        new ApiError(400, "Abs.VServerGroupIdAndMasterSlaveServerGroupId.MissMatch",
            "The parameters VServerGroupId or MasterSlaveServerGroupId miss match."),
    aclNotExist: () => new ApiError(400, "AclNotExist", "The specified ACL does not exist."),
    aclInUsed: () => new ApiError(400, "AclInUsed", "The specified ACL is associated with a listener and cannot be deleted."),
    aclNameExist: () => new ApiError(400, "AclNameExist", "An ACL with the specified name already exists in this region."),
    aclQuota: () => new ApiError(400, "QuotaExceeded.AclNumber", "The number of ACLs in this region exceeds the limit of 50."),
    aclEntryQuota: () => new ApiError(400, "QuotaExceeded.AclEntryNumber", "The number of entries in the ACL exceeds the limit of 300."),
    specNotSupport: () =>
        new ApiError(400, "InvalidParameterValue.SpecNotSupport",
            "The specified Scheduler is only supported by performance-guaranteed instances (LoadBalancerSpec)."),
    rspoolVipExist: () => new ApiError(400, "RspoolVipExist", "there are vips associating with this vServer group."),
    /** [unconf] code and message: the guide names the ports, not the error (MODEL.md, "UDP listeners"). */
    reservedUdpPort: (port: number) =>
        new ApiError(400, "InvalidParam.ListenerPort",
            `The specified ListenerPort is invalid. Port ${port} is reserved on UDP (250, 4789 and 4790 cannot be used).`),
    /** The UDP probe strings' length code (older UDP pages), named after the Describe field. */
    probeTextLength: (describeName: string, param: string, max: number) =>
        new ApiError(400, `InvalidParamLength.${describeName}`,
            `The length of the specified parameter "${param}" is not valid. It must be 1-${max} characters.`),
    tooManyListeners: () => new ApiError(400, "ListenerNumberOverLimit", "The number of listeners of the load balancer exceeds the limit of 50."),
    bandwidthExceeded: () =>
        new ApiError(400, "InvalidParameter",
            "The specified Bandwidth is invalid. It exceeds the maximum bandwidth available to the instance."),
    tagKey: (detail: string) => new ApiError(400, "InvalidParam.TagKey", `The specified tag key is not valid. ${detail}`),
    tagValue: (detail: string) => new ApiError(400, "InvalidParam.TagValue", `The specified tag value is not valid. ${detail}`),
    tagSizeLimit: () => new ApiError(400, "SizeLimitExceeded.Tag", "The maximum number of tags in one request is 20."),
    tagCountLimit: () => new ApiError(400, "TagCountLimit", "Tags count limit exceeded. A resource can have at most 20 tags."),
    resourceIdNotFound: (id: string) => new ApiError(404, "InvalidResourceId.NotFound", `The specified resource "${id}" is not found.`),
    deleteProtection: () =>
        new ApiError(400, "OperationDenied.DeleteProtection",
            "The load balancer has deletion protection enabled and cannot be deleted."),
    backendServers: (code: string, message: string) => new ApiError(400, code, message),
    invalidSnapshot: (detail: string) => new ApiError(400, "InvalidParameter", `The emulator state snapshot is not valid: ${detail}`),
} as const;
