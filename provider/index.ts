// Public entry point of pulumi-alicloud-slb-listener.
export { TcpListener } from "./resource";
export { ownerOf } from "./program-facts";
export type { TcpListenerArgs, TcpListenerOutputs } from "./args";
export { TcpListenerProvider, formatId, parseId } from "./provider";
export { FIELDS, OWNER_TAG_KEY } from "./fields";
export type { FieldSpec } from "./fields";
export { validateInputs, UNKNOWN } from "./validate";
