// The resource context of an operation: the program's facts (the `__program` input TcpListener and UdpListener
// hand over) with what the engine's own request says (attached by engine-host.ts), which wins.
import { PROGRAM_KEY, ResourceContext, contextFrom, factsOf } from "../core/context";
import { engineRequestOf } from "./engine-host";

export function contextOf(inputs: Record<string, unknown>): ResourceContext {
    return contextFrom(factsOf(inputs[PROGRAM_KEY]), engineRequestOf(inputs));
}
