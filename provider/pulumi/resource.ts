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
    return Promise.all([urnOf(name, typeToken(protocol), opts?.parent), secretInputNames(args)]).then(([urn, secretInputs]) => ({
        urn,
        ...optionFacts(opts),
        ...(secretInputs ? { secretInputs } : {}),
    }));
}

/**
 * The resource's URN as a plain promise, not an Output: an Output of the parent's URN would make __program depend on
 * the parent, and the SDK turns a dependency on a component into one on each of its children, so two listeners under
 * one component would each wait for the other's registration, for ever.
 */
function urnOf(name: string, type: string, parent: pulumi.Resource | undefined): Promise<string> {
    return new Promise((resolve) => void pulumi.createUrn(name, type, parent).apply(resolve));
}

/** The resource options the provider honours itself, as plain values (unset ones left out). */
function optionFacts(opts: pulumi.ResourceOptions | undefined): Omit<ProgramFacts, "urn" | "secretInputs"> {
    return {
        ...(opts?.ignoreChanges?.length ? { ignoreChanges: [...opts.ignoreChanges] } : {}),
        ...(opts?.replaceOnChanges?.length ? { replaceOnChanges: [...opts.replaceOnChanges] } : {}),
        ...(opts?.retainOnDelete ? { retainOnDelete: true } : {}),
    };
}

/** The program runs (their stack resources) whose transform is registered: the Automation API runs several in one process. */
const registeredRuns = new WeakSet<object>();
/** Stands for the run where there is no stack resource (a test's mocks). */
const NO_STACK = {};

/**
 * Transforms (registerResourceTransform, the `transforms` option, a parent's transforms) run in the engine after the
 * constructor, and may set ignoreChanges, replaceOnChanges or retainOnDelete. A stack transform of ours, registered
 * at the first listener of each program run (a transform belongs to one run), runs after the resource's and its
 * parents' transforms and after the stack transforms registered before it, and copies the final options into the facts
 * the provider reads. (Old-style transformations run in the SDK before registration, so the engine's options include
 * them.)
 */
function seeFinalOptions(): void {
    const run: object = pulumi.runtime.getStackResource() ?? NO_STACK;
    if (registeredRuns.has(run)) return;
    registeredRuns.add(run);
    try {
        const ours = new Set([TcpListener.typeToken, UdpListener.typeToken]);
        pulumi.runtime.registerResourceTransform(async (args) => {
            if (!ours.has(args.type)) return undefined;
            const facts = args.props[PROGRAM_KEY];
            if (typeof facts !== "object" || facts === null) return undefined;
            const { ignoreChanges: _i, replaceOnChanges: _r, retainOnDelete: _d, ...rest } = facts as ProgramFacts;
            const final: ProgramFacts = { ...rest, ...optionFacts(args.opts) };
            // Unchanged (no transform set these options): nothing handed back, so nothing is serialized again.
            if (optionsKey(final) === optionsKey(facts as ProgramFacts)) return undefined;
            // No options back: the SDK would send every one it read, unset ones as false, and an explicit
            // deleteBeforeReplace: false overrides the provider's delete-first (a same-port replacement would create
            // first, and the engine's delete of the old resource would remove the listener it just took over).
            const props = { ...(await keepSecrets(args.props)) as pulumi.Inputs, [PROGRAM_KEY]: final };
            return { props, opts: undefined } as unknown as pulumi.ResourceTransformResult;
        });
    } catch {
        // An engine without transforms (or a test's mocks): the constructor's options stand.
    }
}

const optionsKey = (f: ProgramFacts) => JSON.stringify([f.ignoreChanges ?? [], f.replaceOnChanges ?? [], f.retainOnDelete === true]);

/**
 * A transform's props with every known secret in the wire form of a secret. The SDK serializes a transform's props with
 * the process's settings, which in the callback do not say that the engine takes secrets: a secret Output would reach
 * the engine, and the state, as plain text.
 */
async function keepSecrets(value: unknown): Promise<unknown> {
    if (pulumi.Output.isInstance(value)) {
        // isKnown is not in the SDK's typings; the SDK's own serializer reads it the same way.
        const known = await (value as unknown as { isKnown?: Promise<boolean> }).isKnown;
        if (known !== true || !(await pulumi.isSecret(value))) return value;
        const plain = await new Promise<unknown>((resolve) => void value.apply(resolve));
        return { [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig, value: await keepSecrets(plain) };
    }
    if (Array.isArray(value)) return Promise.all(value.map(keepSecrets));
    if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
        return Object.fromEntries(await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await keepSecrets(v)])));
    }
    return value;
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
