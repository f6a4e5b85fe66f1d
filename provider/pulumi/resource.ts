// TcpListener and UdpListener: the resources users declare. The provider object each hands to Pulumi is the tiny
// serializable loader; the logic lives in TcpListenerProvider / UdpListenerProvider, loaded at run time by the
// provider process. What the two share (the props, what only the program knows, the options transform) is here once.

import * as pulumi from "@pulumi/pulumi";
import { PROGRAM_KEY, ProgramFacts } from "../core/context";
import { Protocol } from "../core/protocol";
import { TCP, UDP } from "../protocols";
import { serializableProvider } from "./loader";
import { TcpListenerArgs, TcpListenerOutputs } from "./tcp-args";
import { UdpListenerArgs, UdpListenerOutputs } from "./udp-args";

/** One provider object per protocol, so Pulumi serializes it once per program. */
const providers = { tcp: serializableProvider("TcpListenerProvider"), udp: serializableProvider("UdpListenerProvider") };

/** `pulumi-nodejs:dynamic/slb:TcpListener`: the type token of a protocol's resource. */
function typeToken(protocol: Protocol): string {
    return `pulumi-nodejs:dynamic/slb:${protocol.resourceName}`;
}

/**
 * A listener resource's props: every field named (undefined when unset) so that all outputs exist on the resource;
 * keys that are not fields (a misspelt input in JavaScript) passed on too, so that check() reports them; and what only
 * the program knows.
 */
function listenerProps(protocol: Protocol, name: string, args: object, opts: pulumi.CustomResourceOptions | undefined): Record<string, unknown> {
    const props: Record<string, unknown> = {
        ...Object.fromEntries(protocol.fields.map((f) => [f.input, undefined])),
        ...(args as Record<string, unknown>),
    };
    props[PROGRAM_KEY] = programFacts(protocol, name, args as Record<string, unknown>, opts);
    seeFinalOptions();
    return props;
}

// Declaration merging gives each class its typed output properties without emitting class fields
// (fields would overwrite the outputs the base constructor sets).
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface TcpListener extends TcpListenerOutputs {}

/**
 * An SLB (Classic Load Balancer) TCP listener. Its id is `<loadBalancerId>:tcp:<listenerPort>`.
 * Every input is validated during preview; drift is reported by preview and repaired by up.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class TcpListener extends pulumi.dynamic.Resource {
    static readonly typeToken = typeToken(TCP);

    /**
     * Reads an existing listener into the program without managing it: its outputs are the live listener's, and
     * `pulumi destroy` leaves it alone. `id` is `<loadBalancerId>:tcp:<listenerPort>`.
     */
    static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): TcpListener {
        return new TcpListener(name, {} as TcpListenerArgs, { ...opts, id });
    }

    constructor(name: string, args: TcpListenerArgs, opts?: pulumi.CustomResourceOptions) {
        super(providers.tcp, name, listenerProps(TCP, name, args, opts), opts, "slb", TCP.resourceName);
    }
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface UdpListener extends UdpListenerOutputs {}

/**
 * An SLB (Classic Load Balancer) UDP listener. Its id is `<loadBalancerId>:udp:<listenerPort>`; a UDP and a TCP
 * listener may use the same port of one load balancer. Every input is validated during preview; drift is reported by
 * preview and repaired by up.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class UdpListener extends pulumi.dynamic.Resource {
    static readonly typeToken = typeToken(UDP);

    /**
     * Reads an existing listener into the program without managing it: its outputs are the live listener's, and
     * `pulumi destroy` leaves it alone. `id` is `<loadBalancerId>:udp:<listenerPort>`.
     */
    static get(name: string, id: pulumi.Input<string>, opts?: pulumi.CustomResourceOptions): UdpListener {
        return new UdpListener(name, {} as UdpListenerArgs, { ...opts, id });
    }

    constructor(name: string, args: UdpListenerArgs, opts?: pulumi.CustomResourceOptions) {
        super(providers.udp, name, listenerProps(UDP, name, args, opts), opts, "slb", UDP.resourceName);
    }
}

/** What only the program knows, for the provider (core/context.ts); the options as the constructor got them. */
function programFacts(protocol: Protocol, name: string, args: Record<string, unknown>, opts: pulumi.CustomResourceOptions | undefined): pulumi.Input<ProgramFacts> {
    return pulumi.all([pulumi.createUrn(name, typeToken(protocol), opts?.parent), secretInputNames(args)]).apply(([urn, secretInputs]) => ({
        urn,
        ...optionFacts(opts),
        ...(secretInputs ? { secretInputs } : {}),
    }));
}

/** The resource options the provider honours itself, as plain values (unset ones left out). */
function optionFacts(opts: pulumi.ResourceOptions | undefined): Omit<ProgramFacts, "urn" | "secretInputs"> {
    return {
        ...(opts?.ignoreChanges?.length ? { ignoreChanges: [...opts.ignoreChanges] } : {}),
        ...(opts?.replaceOnChanges?.length ? { replaceOnChanges: [...opts.replaceOnChanges] } : {}),
        ...(opts?.retainOnDelete ? { retainOnDelete: true } : {}),
    };
}

let transformRegistered = false;

/**
 * Transforms (registerResourceTransform, the `transforms` option, a parent's transforms) run in the engine after the
 * constructor, and may set ignoreChanges, replaceOnChanges or retainOnDelete. A stack transform of ours, registered
 * before the first listener, runs after the resource's and its parents' transforms and after the stack transforms
 * registered before it, and copies the final options into the facts the provider reads. (Old-style transformations
 * run in the SDK before registration, so the engine's options include them.)
 */
function seeFinalOptions(): void {
    if (transformRegistered) return;
    transformRegistered = true;
    try {
        const ours = new Set([TcpListener.typeToken, UdpListener.typeToken]);
        pulumi.runtime.registerResourceTransform((args) => {
            if (!ours.has(args.type)) return undefined;
            const facts = args.props[PROGRAM_KEY];
            if (typeof facts !== "object" || facts === null) return undefined;
            const { ignoreChanges: _i, replaceOnChanges: _r, retainOnDelete: _d, ...rest } = facts as ProgramFacts;
            return { props: { ...args.props, [PROGRAM_KEY]: { ...rest, ...optionFacts(args.opts) } }, opts: args.opts };
        });
    } catch {
        // An engine without transforms (or a test's mocks): the constructor's options stand.
    }
}

/** Whether a program value is (or holds) a secret Output. */
async function isSecretInput(value: unknown): Promise<boolean> {
    return pulumi.Output.isInstance(value) ? pulumi.isSecret(value) : false;
}

/**
 * The inputs given as secrets, and single tags as `tags["<key>"]`; undefined when there are none. A plain promise,
 * not an Output: the list itself is no secret, and an Output built from secrets would be marked secret too.
 */
async function secretInputNames(args: Record<string, unknown>): Promise<string[] | undefined> {
    const names: string[] = [];
    for (const [key, value] of Object.entries(args)) {
        if (key === "tags" && typeof value === "object" && value !== null && !pulumi.Output.isInstance(value)) {
            for (const [tag, tagValue] of Object.entries(value)) if (await isSecretInput(tagValue)) names.push(`tags["${tag.replace(/"/g, '\\"')}"]`);
        } else if (await isSecretInput(value)) {
            names.push(key);
        }
    }
    return names.length > 0 ? names : undefined;
}
