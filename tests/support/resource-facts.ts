// What TcpListener hands the provider about itself (the internal `__program` input), for tests that call the
// provider directly: the URN of a resource whose parent is the stack gives the ownership tag <project>/<stack>/<name>.
import { PROGRAM_KEY, ProgramFacts } from "../../provider/core/context";

export const TCP_TYPE = "pulumi-nodejs:dynamic/slb:TcpListener";

export function urnOf(project: string, stack: string, name: string, parentTypes: readonly string[] = []): string {
    return `urn:pulumi:${stack}::${project}::${[...parentTypes, TCP_TYPE].join("$")}::${name}`;
}

/** The `__program` input of a TcpListener named `name` in project/stack, with any resource options given. */
export function asResource(project: string, stack: string, name: string, extra: Omit<ProgramFacts, "urn"> = {}): Record<string, unknown> {
    return { [PROGRAM_KEY]: { urn: urnOf(project, stack, name), ...extra } };
}
