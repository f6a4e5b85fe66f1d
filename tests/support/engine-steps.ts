// The engine's side of one resource's lifecycle, RPC by RPC, over a running ProviderHost: what `pulumi up`,
// `pulumi preview` and `pulumi refresh` send to a dynamic provider for a single resource (step_generator.go /
// step.go of pulumi/pulumi, as tests/harness/index.ts describes them):
//   up, new resource:   Check(olds = {}, news) -> Create(checked)
//   up, existing:       Check(olds = old inputs, news) -> Diff(olds = old OUTPUTS, news = checked, oldInputs)
//                       -> none: Same (old outputs kept, new inputs recorded)
//                       -> some, no replaces: Update(olds = old outputs, news = checked)
//                       -> replaces: Check(olds = {}, news) again, then
//                            deleteBeforeReplace: Delete(old id, old outputs) -> Create
//                            otherwise:           Create -> Delete(old id, old outputs)  (by the OLD id, even if
//                                                 the new resource got the same one)
//   preview:            Check + Diff, nothing else
//   refresh:            Read(id, old outputs, old inputs) -> an empty id drops the resource from the state
// A failed step throws StepFailure naming the step; a Create that reports ErrorResourceInitFailed is recorded
// (the engine keeps the resource with its init errors) before the failure is thrown.
import { CheckFailure, DiffResult, PartialFailure, ProviderHost } from "../harness/host";
import { PropertyMap, changedKeys } from "../harness/encoding";

export type StepName = "check" | "diff" | "create" | "update" | "delete" | "read";

export class StepFailure extends Error {
    constructor(readonly step: StepName, message: string, readonly failures: CheckFailure[] = []) {
        super(message);
        this.name = "StepFailure";
    }
}

export interface ResourceRecord {
    readonly id: string;
    readonly inputs: PropertyMap;
    readonly outputs: PropertyMap;
}

export interface UpResult {
    readonly op: "create" | "same" | "update" | "replace";
    readonly diff?: DiffResult;
}

export class EngineSteps {
    /** The resource as the state file would hold it; undefined when it is not in the state. */
    resource?: ResourceRecord;
    /** One line per RPC, for counterexamples. */
    readonly transcript: string[] = [];

    /** The provider process the next steps go to (a later `pulumi` run may start one with other settings). */
    constructor(public host: ProviderHost, readonly urn: string) {}

    async up(program: PropertyMap): Promise<UpResult> {
        const old = this.resource;
        const checked = await this.check(old?.inputs ?? {}, program);
        if (!old) {
            this.resource = await this.create(checked);
            return { op: "create" };
        }
        const diff = await this.diff(old, checked);
        if (diff.changes === "none" || (diff.changes === "unknown" && changedKeys(old.inputs, checked).length === 0)) {
            this.resource = { ...old, inputs: checked };
            return { op: "same", diff };
        }
        if (diff.replaces.length === 0) {
            const outputs = await this.step("update", `Update ${old.id}`, () => this.host.update(this.urn, old.id, old.outputs, checked, old.inputs));
            this.resource = { id: old.id, inputs: checked, outputs };
            return { op: "update", diff };
        }
        const fresh = await this.check({}, program);
        if (diff.deleteBeforeReplace) {
            await this.delete(old);
            this.resource = undefined;
            this.resource = await this.create(fresh);
        } else {
            this.resource = await this.create(fresh);
            await this.delete(old);
        }
        return { op: "replace", diff };
    }

    /** What `pulumi preview` asks: Check, then Diff against the recorded state. */
    async preview(program: PropertyMap): Promise<DiffResult> {
        const old = this.resource;
        if (!old) throw new Error("preview: the resource is not in the state");
        return this.diff(old, await this.check(old.inputs, program));
    }

    async refresh(): Promise<ResourceRecord | undefined> {
        const old = this.resource;
        if (!old) return undefined;
        const res = await this.step("read", `Read ${old.id}`, () => this.host.read(this.urn, old.id, old.outputs, old.inputs));
        this.resource = res.id ? { id: res.id, outputs: res.properties, inputs: res.inputs ?? old.inputs } : undefined;
        return this.resource;
    }

    private async check(olds: PropertyMap, news: PropertyMap): Promise<PropertyMap> {
        const res = await this.step("check", `Check (olds ${Object.keys(olds).length ? "= old inputs" : "= {}"})`, () => this.host.check(this.urn, olds, news));
        if (res.failures.length > 0) {
            const text = res.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
            this.transcript.push(`  -> failures: ${text}`);
            throw new StepFailure("check", `check refused the inputs: ${text}`, res.failures);
        }
        return res.inputs;
    }

    private async diff(old: ResourceRecord, checked: PropertyMap): Promise<DiffResult> {
        const diff = await this.step("diff", `Diff ${old.id}`, () => this.host.diff(this.urn, old.id, old.outputs, checked, old.inputs));
        this.transcript.push(`  -> changes ${diff.changes}${diff.replaces.length ? `, replaces [${diff.replaces.join(", ")}]${diff.deleteBeforeReplace ? ", delete before replace" : ""}` : ""}`);
        return diff;
    }

    private async create(inputs: PropertyMap): Promise<ResourceRecord> {
        try {
            const res = await this.host.create(this.urn, inputs);
            this.transcript.push(`Create -> ${res.id}`);
            return { id: res.id, inputs, outputs: res.properties };
        } catch (e) {
            if (e instanceof PartialFailure) {
                this.resource = { id: e.id, inputs, outputs: e.properties };
                this.transcript.push(`Create -> partial failure, ${e.id} recorded: ${e.message}`);
            } else {
                this.transcript.push(`Create -> failed: ${(e as Error).message}`);
            }
            throw new StepFailure("create", (e as Error).message);
        }
    }

    private async delete(old: ResourceRecord): Promise<void> {
        await this.step("delete", `Delete ${old.id}`, () => this.host.delete(this.urn, old.id, old.outputs, old.inputs));
    }

    private async step<T>(name: StepName, line: string, work: () => Promise<T>): Promise<T> {
        this.transcript.push(line);
        try {
            return await work();
        } catch (e) {
            this.transcript.push(`  -> failed: ${(e as Error).message}`);
            throw new StepFailure(name, (e as Error).message);
        }
    }
}
