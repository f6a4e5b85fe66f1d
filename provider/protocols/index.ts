// Every listener protocol the provider manages, by name.
import { Protocol, ProtocolName } from "../core/protocol";
import { TCP } from "./tcp";
import { UDP } from "./udp";

export { TCP, UDP };

export const PROTOCOLS: Readonly<Record<ProtocolName, Protocol>> = { tcp: TCP, udp: UDP };
