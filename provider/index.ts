// Public entry point of pulumi-alicloud-slb-listener.
export { TcpListener, ownerOf } from "./resource";
export type { TcpListenerArgs, TcpListenerOutputs } from "./args";
export { TcpListenerProvider, formatId, parseId } from "./provider";
export { FIELDS, OWNER_TAG_KEY } from "./fields";
export type { FieldSpec } from "./fields";
export { validateInputs, UNKNOWN } from "./validate";
