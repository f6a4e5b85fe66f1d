// What a listener resource hands the provider about itself (the internal `__program` input), for tests that call the
// provider directly: the URN of a resource whose parent is the stack gives the ownership tag <project>/<stack>/<name>.
// TcpListener unless a protocol is given.
import { PROGRAM_KEY, ProgramFacts } from "../../provider/core/context";
import { Protocol } from "../../provider/core/protocol";
import { TCP } from "../../provider/protocols";

export const TCP_TYPE = "pulumi-nodejs:dynamic/slb:TcpListener";

/** `pulumi-nodejs:dynamic/slb:<resource>`: the type in a protocol's URNs. */
export function typeOf(protocol: Protocol): string {
    return `pulumi-nodejs:dynamic/slb:${protocol.resourceName}`;
}

export function urnOf(project: string, stack: string, name: string, parentTypes: readonly string[] = [], protocol: Protocol = TCP): string {
    return `urn:pulumi:${stack}::${project}::${[...parentTypes, typeOf(protocol)].join("$")}::${name}`;
}

/** The `__program` input of a listener named `name` in project/stack, with any resource options given. */
export function asResource(project: string, stack: string, name: string, extra: Omit<ProgramFacts, "urn"> = {}, protocol: Protocol = TCP): Record<string, unknown> {
    return { [PROGRAM_KEY]: { urn: urnOf(project, stack, name, [], protocol), ...extra } };
}
