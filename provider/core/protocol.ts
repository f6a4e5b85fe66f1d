// What one listener protocol is to the provider: its field table and its descriptor (action names, the id segment,
// the shape of its rows in DescribeLoadBalancerListeners). Everything else (validation, desired state, diff, drift,
// mapping, reads, ownership, locking, errors) is written once and takes a Protocol. Adding HTTP means a table, a
// descriptor and the emulator's actions.

import { FieldSpec } from "./fields";

export type ProtocolName = "tcp" | "udp";

export interface ProtocolSpec {
    /**
     * Lower case: the id segment (`<loadBalancerId>:tcp:<port>`), ListenerProtocol on Start/Stop/Delete and in
     * listings, and the tag resource id segment (`<loadBalancerId>_tcp_<port>`).
     */
    readonly name: ProtocolName;
    /** "TCP": in sentences and docs. */
    readonly title: string;
    /** The resource class (`TcpListener`): in messages, the type token and the docs. */
    readonly resourceName: string;
    /** The field table: one row per input. */
    readonly fields: readonly FieldSpec[];
    /** The protocol's own actions. */
    readonly actions: { readonly create: string; readonly set: string; readonly describe: string };
    /**
     * A DescribeLoadBalancerListeners row of this protocol: the names at its top level and in its settings block, in
     * the attribute call's spelling.
     */
    readonly listing: { readonly block: string; readonly topLevel: readonly string[]; readonly inBlock: readonly string[] };
}

/** A listener: its load balancer's region, the load balancer, the protocol and the port. */
export interface ListenerKey {
    readonly regionId: string;
    readonly loadBalancerId: string;
    readonly protocol: Protocol;
    readonly listenerPort: number;
}

export class Protocol {
    readonly name: ProtocolName;
    readonly fieldByInput: ReadonlyMap<string, FieldSpec>;
    /** Fields that are part of the listener's configuration on the service (not tags, status or provider-side). */
    readonly configFields: readonly FieldSpec[];
    /** Fields compared one by one (tags, status, the region and provider-side inputs have rules of their own). */
    readonly compared: readonly FieldSpec[];
    /** Describe names of the table that a listing row does not carry: while any is needed, reads are per listener. */
    readonly unlisted: readonly string[];
    private readonly byWireName = new Map<string, string>();
    private readonly byErrorCode = new Map<string, string>();

    constructor(readonly spec: ProtocolSpec) {
        this.name = spec.name;
        this.fieldByInput = new Map(spec.fields.map((f) => [f.input, f]));
        this.configFields = spec.fields.filter((f) => f.api?.create !== undefined || f.api?.set !== undefined);
        this.compared = spec.fields.filter((f) => f.change !== "tags" && f.change !== "status" && f.change !== "local" && f.input !== "regionId");
        const listed = new Set([...spec.listing.topLevel, ...spec.listing.inBlock]);
        this.unlisted = spec.fields.map((f) => f.api?.describe).filter((n): n is string => n !== undefined && !listed.has(n));
        for (const f of spec.fields) {
            for (const wire of [f.api?.create, f.api?.set, f.api?.describe, f.setSwitch]) if (wire) this.byWireName.set(wire.toLowerCase(), f.input);
            for (const code of f.errorCodes ?? []) this.byErrorCode.set(code, f.input);
        }
        this.byWireName.set("tag", "tags");
    }

    get fields(): readonly FieldSpec[] {
        return this.spec.fields;
    }

    get resourceName(): string {
        return this.spec.resourceName;
    }

    field(input: string): FieldSpec {
        const f = this.fieldByInput.get(input);
        if (!f) throw new Error(`${this.resourceName} has no field ${input}`);
        return f;
    }

    /** The input a wire name (any spelling: Create, Set, Describe) stands for. */
    inputOfWireName(name: string): string | undefined {
        return this.byWireName.get(name.toLowerCase());
    }

    /** The input an API error code points at. */
    inputOfErrorCode(code: string): string | undefined {
        return this.byErrorCode.get(code);
    }

    /** `<loadBalancerId>:<protocol>:<port>`: the resource id. */
    formatId(key: Pick<ListenerKey, "loadBalancerId" | "listenerPort">): string {
        return `${key.loadBalancerId}:${this.name}:${key.listenerPort}`;
    }

    parseId(id: string): { loadBalancerId: string; listenerPort: number } | undefined {
        const match = new RegExp(`^([^:]+):${this.name}:(\\d+)$`).exec(id);
        return match ? { loadBalancerId: match[1], listenerPort: Number(match[2]) } : undefined;
    }

    /** The listener's id in TagResources / UntagResources: `<loadBalancerId>_<protocol>_<port>`. */
    tagResourceId(key: Pick<ListenerKey, "loadBalancerId" | "listenerPort">): string {
        return `${key.loadBalancerId}_${this.name}_${key.listenerPort}`;
    }
}
