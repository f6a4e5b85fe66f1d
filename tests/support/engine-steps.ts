// One `pulumi up` of one resource, played against a provider object the way the engine calls a dynamic provider:
// check(olds = the last inputs, news = the program) → diff(olds = the recorded outputs, news = the checked inputs)
// → create, update, or a replacement in the order the diff asked for (create-first deletes the OLD resource by
// its id after creating the new one). Used by tests that need one resource at a time without a provider host.
import type * as pulumi from "@pulumi/pulumi";

type Props = Record<string, unknown>;

export interface Recorded {
    id: string;
    /** Last recorded outputs (olds of the next diff). */
    outs: Props;
    /** Last checked inputs (olds of the next check). */
    inputs: Props;
}

export interface UpResult extends Recorded {
    op: "create" | "update" | "replace" | "same";
    diff?: pulumi.dynamic.DiffResult;
}

export class CheckFailed extends Error {
    constructor(readonly failures: pulumi.dynamic.CheckFailure[]) {
        super(`check failed: ${failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
}

async function checked(provider: pulumi.dynamic.ResourceProvider, olds: Props, news: Props): Promise<Props> {
    const result = await provider.check!(olds, news);
    if (result.failures && result.failures.length > 0) throw new CheckFailed(result.failures);
    return result.inputs as Props;
}

/** `pulumi up` of one resource: creates it when `previous` is undefined. */
export async function up(provider: pulumi.dynamic.ResourceProvider, previous: Recorded | undefined, program: Props): Promise<UpResult> {
    const inputs = await checked(provider, previous?.inputs ?? {}, program);
    if (!previous) {
        const created = await provider.create(inputs);
        return { op: "create", id: created.id, outs: created.outs as Props, inputs };
    }
    const diff = await provider.diff!(previous.id, previous.outs, inputs);
    if (diff.replaces && diff.replaces.length > 0) {
        if (diff.deleteBeforeReplace) {
            await provider.delete!(previous.id, previous.outs);
            const created = await provider.create(inputs);
            return { op: "replace", diff, id: created.id, outs: created.outs as Props, inputs };
        }
        const created = await provider.create(inputs);
        await provider.delete!(previous.id, previous.outs);
        return { op: "replace", diff, id: created.id, outs: created.outs as Props, inputs };
    }
    if (diff.changes === false) return { op: "same", diff, ...previous, inputs };
    const updated = await provider.update!(previous.id, previous.outs, inputs);
    return { op: "update", diff, id: previous.id, outs: updated.outs as Props, inputs };
}

/** The next preview's diff of an unchanged program. */
export async function previewDiff(provider: pulumi.dynamic.ResourceProvider, recorded: Recorded, program: Props): Promise<pulumi.dynamic.DiffResult> {
    const inputs = await checked(provider, recorded.inputs, program);
    return provider.diff!(recorded.id, recorded.outs, inputs);
}
