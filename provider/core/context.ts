// What only the program knows about a listener resource, and the provider needs: its URN (the ownership tag is
// derived from it), the resource options the dynamic-provider host does not pass on (ignoreChanges,
// replaceOnChanges, retainOnDelete), and which inputs were given as secrets. The resource hands them over as the
// one internal input `__program`; the engine's display hides keys that start with "__", and the provider keeps it
// out of the outputs. Where the engine's own request says more (its URN, its final ignoreChanges list), that wins
// (pulumi/engine-host.ts, pulumi/program-facts.ts).

import { createHash } from "crypto";
import { PathPatterns } from "./paths";

export const PROGRAM_KEY = "__program";

export interface ProgramFacts {
    readonly urn?: string;
    readonly ignoreChanges?: readonly string[];
    readonly replaceOnChanges?: readonly string[];
    readonly retainOnDelete?: boolean;
    readonly secretInputs?: readonly string[];
}

/** The facts as one listener resource's operation sees them. */
export interface ResourceContext {
    readonly urn?: string;
    /** The ownership tag this resource writes (undefined without a URN: the tag is then not managed). */
    readonly owner?: string;
    /** What listeners tagged by earlier versions of this provider carry for this resource (`<project>/<stack>/<name>`). */
    readonly legacyOwner?: string;
    readonly ignored: PathPatterns;
    readonly replaceOn: PathPatterns;
    readonly retainOnDelete: boolean;
    readonly secrets: PathPatterns;
}

const MAX_TAG_VALUE = 128;

/** Shortens an owner to fit a tag value, keeping it unique with a hash of the whole. */
function fitTag(owner: string): string {
    if (owner.length <= MAX_TAG_VALUE) return owner;
    const hash = createHash("sha256").update(owner).digest("hex").slice(0, 16);
    return `${owner.slice(0, MAX_TAG_VALUE - 17)}~${hash}`;
}

interface UrnParts {
    readonly stack: string;
    readonly project: string;
    /** Types of the parents (components), outermost first; empty for a resource whose parent is the stack. */
    readonly parentTypes: readonly string[];
    readonly name: string;
}

/** `urn:pulumi:<stack>::<project>::<parent type>$...$<type>::<name>`. */
export function parseUrn(urn: string): UrnParts | undefined {
    const match = /^urn:pulumi:(.*?)::(.*?)::(.*?)::(.*)$/s.exec(urn);
    if (!match) return undefined;
    const types = match[3].split("$");
    return { stack: match[1], project: match[2], parentTypes: types.slice(0, -1), name: match[4] };
}

/**
 * The ownership tag of a resource: `<project>/<stack>/<name>` for a listener whose parent is the stack (what every
 * earlier version wrote), `<project>/<stack>/<parent types>::<name>` under components. It is a function of the URN
 * (project, stack, the type chain and the name make a URN unique), shortened with a hash to fit 128 characters.
 */
export function ownerOf(urn: string): string | undefined {
    const parts = parseUrn(urn);
    if (!parts) return undefined;
    const base = `${parts.project}/${parts.stack}/`;
    return fitTag(parts.parentTypes.length === 0 ? `${base}${parts.name}` : `${base}${parts.parentTypes.join("$")}::${parts.name}`);
}

/** The tag earlier versions wrote, which left out the parents. */
export function legacyOwnerOf(urn: string): string | undefined {
    const parts = parseUrn(urn);
    return parts ? fitTag(`${parts.project}/${parts.stack}/${parts.name}`) : undefined;
}

const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((s): s is string => typeof s === "string") : undefined);

/** The facts as the program handed them (anything else counts as none). */
export function factsOf(raw: unknown): ProgramFacts {
    return typeof raw === "object" && raw !== null && !Array.isArray(raw) ? (raw as ProgramFacts) : {};
}

/** A resource's context from the program's facts and, when known, the engine's request (its URN and final ignoreChanges). */
export function contextFrom(facts: ProgramFacts, engine?: { readonly urn?: string; readonly ignoreChanges?: readonly string[] }): ResourceContext {
    const urn = engine?.urn || (typeof facts.urn === "string" ? facts.urn : undefined);
    return {
        urn,
        owner: urn ? ownerOf(urn) : undefined,
        legacyOwner: urn ? legacyOwnerOf(urn) : undefined,
        // The engine's list is the final one (after every transform); the program's covers engines that do not send it.
        ignored: PathPatterns.of(engine?.ignoreChanges, strings(facts.ignoreChanges)),
        replaceOn: PathPatterns.of(strings(facts.replaceOnChanges)),
        retainOnDelete: facts.retainOnDelete === true,
        secrets: PathPatterns.of(strings(facts.secretInputs)),
    };
}

/** No program facts: no owner, nothing ignored or secret. */
export const NO_CONTEXT: ResourceContext = contextFrom({});

/**
 * Whether a listener's ownership tag says it belongs to this resource. For a resource whose parent is the stack the
 * tag is what earlier versions wrote too; under a component an earlier version's tag left out the parents, so it
 * cannot prove ownership (two components' children of one name would both match) and is not taken as proof.
 */
export function isOwnTag(context: ResourceContext, tag: string | undefined): boolean {
    return tag !== undefined && tag === context.owner;
}

/** Whether a live tag needs no rewrite: this resource's, or what an earlier version wrote for it (kept, no diff). */
export function ownerTagSatisfied(context: ResourceContext, tag: string | null | undefined): boolean {
    return tag !== undefined && (tag === context.owner || tag === context.legacyOwner);
}
