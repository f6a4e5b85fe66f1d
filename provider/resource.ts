// TcpListener: the resource users declare. The provider object handed to Pulumi is the tiny serializable
// loader; the logic lives in TcpListenerProvider, loaded at run time by the provider process.

import { createHash } from "crypto";
import * as pulumi from "@pulumi/pulumi";
import { TcpListenerArgs, TcpListenerOutputs } from "./args";
import { FIELDS } from "./fields";
import { serializableProvider } from "./loader";

/** One provider object for every TcpListener, so Pulumi serializes it once per program. */
const provider = serializableProvider();

/** `<project>/<stack>/<name>`, shortened with a hash to fit a tag value (128 characters). */
export function ownerOf(project: string, stack: string, name: string): string {
    const owner = `${project}/${stack}/${name}`;
    if (owner.length <= 128) return owner;
    const hash = createHash("sha256").update(owner).digest("hex").slice(0, 16);
    return `${owner.slice(0, 111)}~${hash}`;
}

// Declaration merging gives the class its typed output properties without emitting class fields
// (fields would overwrite the outputs the base constructor sets).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface TcpListener extends TcpListenerOutputs {}

/**
 * An SLB (Classic Load Balancer) TCP listener. Its id is `<loadBalancerId>:tcp:<listenerPort>`.
 * Every input is validated during preview; drift is reported by preview and repaired by up.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class TcpListener extends pulumi.dynamic.Resource {
    static readonly typeToken = "pulumi-nodejs:dynamic/slb:TcpListener";

    constructor(name: string, args: TcpListenerArgs, opts?: pulumi.CustomResourceOptions) {
        // Every field is named (undefined when unset) so that all outputs exist on the resource; keys that are not
        // fields (a misspelt input in JavaScript) are passed on too, so that check() reports them.
        const props: Record<string, unknown> = {
            ...Object.fromEntries(FIELDS.map((f) => [f.input, undefined])),
            ...(args as unknown as Record<string, unknown>),
        };
        props.owner = ownerOf(pulumi.getProject(), pulumi.getStack(), name);
        // What only the program knows: which properties drift repair must leave alone, and which values are secret.
        if (opts?.ignoreChanges?.length) props.ignoreChanges = [...opts.ignoreChanges];
        props.secretInputs = secretInputNames(args as unknown as Record<string, unknown>);
        super(provider, name, props, opts, "slb", "TcpListener");
    }
}

/** Whether a program value is (or holds) a secret Output. */
async function isSecretInput(value: unknown): Promise<boolean> {
    return pulumi.Output.isInstance(value) ? pulumi.isSecret(value) : false;
}

/**
 * The inputs given as secrets, and single tags as `tags.<key>`; undefined when there are none. A plain promise,
 * not an Output: the list itself is no secret, and an Output built from secrets would be marked secret too.
 */
async function secretInputNames(args: Record<string, unknown>): Promise<string[] | undefined> {
    const names: string[] = [];
    for (const [key, value] of Object.entries(args)) {
        if (key === "tags" && typeof value === "object" && value !== null && !pulumi.Output.isInstance(value)) {
            for (const [tag, tagValue] of Object.entries(value)) if (await isSecretInput(tagValue)) names.push(`tags.${tag}`);
        } else if (await isSecretInput(value)) {
            names.push(key);
        }
    }
    return names.length > 0 ? names : undefined;
}
