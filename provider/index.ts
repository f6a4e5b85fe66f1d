// Public entry point of pulumi-alicloud-slb-listener: the listener resources, their providers (what the serialized
// loader instantiates), the protocol tables, and a few TCP helpers kept as earlier versions exported them.
import { FieldSpec } from "./core/fields";
import { Failure, validateInputs as validate } from "./core/validate";
import { TCP } from "./protocols";

export { TcpListener, UdpListener } from "./pulumi/resource";
export type { TcpListenerArgs, TcpListenerOutputs } from "./pulumi/tcp-args";
export type { UdpListenerArgs, UdpListenerOutputs } from "./pulumi/udp-args";
export { ListenerProvider, TcpListenerProvider, UdpListenerProvider } from "./pulumi/provider";
export { PROTOCOLS, TCP, UDP } from "./protocols";
export type { Protocol } from "./core/protocol";
export { ownerOf } from "./core/context";
export { OWNER_TAG_KEY } from "./core/fields";
export type { FieldSpec } from "./core/fields";
export { UNKNOWN } from "./core/unknown";

/** The TCP listener's field table (TCP.fields). */
export const FIELDS: readonly FieldSpec[] = TCP.fields;

/** `<loadBalancerId>:tcp:<port>`: a TCP listener's id. */
export function formatId(key: { loadBalancerId: string; listenerPort: number }): string {
    return TCP.formatId(key);
}

/** Parses a TCP listener's id. */
export function parseId(id: string): { loadBalancerId: string; listenerPort: number } | undefined {
    return TCP.parseId(id);
}

/** Every failure of a TCP listener's inputs (the check() of TcpListener, without the network). */
export function validateInputs(inputs: unknown): Failure[] {
    return validate(TCP, inputs);
}
