/**
 * ENGINE HARNESS: plays the Pulumi engine's part for dynamic providers, without the Pulumi CLI.
 * (reference/pulumi-dynamic-providers.md §0, §1.5-1.9, §2; engine behaviour checked against pulumi/pulumi's
 * step_generator.go, step.go and provider_plugin.go.)
 *
 * What it covers:
 *  - one fresh @pulumi/pulumi `cmd/dynamic-provider` process per operation (as each `pulumi` command starts its
 *    plugin): cwd = project dir, env PULUMI_NODEJS_PROJECT/STACK, PULUMI_PROJECT, PULUMI_CONFIG + caller env; gRPC
 *    with @pulumi/pulumi's own stubs: GetPluginInfo, Configure (whole stack config, namespaced keys, secure values
 *    secret-wrapped), Check, Diff, Create, Update, Read, Delete with the engine's fields and `__provider` flow;
 *  - REAL programs (a function, or a .js/.ts module path, or the project's Pulumi.yaml `main`) under
 *    `pulumi.runtime.setMocks`; each dynamic registration is stepped as it arrives and its outputs flow back into the
 *    program; other custom resources are answered by the `mocks` callback (default: echo inputs, id = name);
 *  - engine semantics: preview never mutates (creates/updates answer with the checked inputs, so output-only
 *    properties are unknown); DIFF_UNKNOWN falls back to an input diff; a replacement re-runs Check without olds,
 *    then is create-before-delete (old deleted after the program) unless the provider says deleteBeforeReplace;
 *    resources no longer registered are deleted after the program in reverse order; ErrorResourceInitFailed is
 *    recorded (id, properties, init errors = its reasons) and init errors force an update next time; Same keeps
 *    the old outputs incl. the old `__provider`; refresh reads everything, drops empty ids, takes returned inputs;
 *    destroy deletes in reverse order; the first failure stops new steps, state written so far is kept;
 *  - values: unknowns reach the provider as the sentinel string, secrets are unwrapped on the wire, re-marked
 *    secret for the program, and obscured (base64, NOT encrypted) in the state file;
 *  - Pulumi.yaml: project name, `main`, config defaults; the caller's own setMocks/config is restored after a run.
 *
 * What it does NOT do: other plugins or explicit provider resources, parent/child URNs (always
 * `urn:pulumi:<stack>::<project>::<type>::<name>`), Resource.get / import, invokes, stack references, policy,
 * aliases, protect / retainOnDelete / ignoreChanges / replaceOnChanges / deleteBeforeReplace options, dependents
 * of a delete-before-replace, targets, `--refresh`, real secret encryption, state for non-dynamic resources.
 * Steps are ordered by the order registrations reach the engine, which is not always program order (a resource
 * with more inputs to resolve can arrive after one constructed later); it is stable for a given program.
 *
 * Usage:
 *   const engine = new Engine({ config: { "toy:dir": dir, "toy:token": secret("s3cr3t") }, env: { X: "1" } });
 *   const plan = await engine.preview(() => { new Thing("a", { name: "a" }); });   // Check/Diff only
 *   expect(plan.steps.map((s) => s.op)).to.deep.equal(["create"]);
 *   const up = await engine.up(() => ({ id: new Thing("a", { name: "a" }).id })); // up.outputs.id
 *   expect(up.ok, JSON.stringify(up.errors)).to.equal(true);
 *   await engine.refresh(); await engine.destroy(); engine.readState().resources;
 */
import * as pulumi from "@pulumi/pulumi";

export { Engine, EngineOptions, MockArgs, MockHandler, OperationOptions, OperationResult, OperationError, Failure, Step, StepOp } from "./engine";
export { ProviderHost, PartialFailure, RpcRecord, CheckFailure, DiffResult } from "./host";
export { Program, runProgram } from "./program";
export { ResourceState, StateFile } from "./state";
export { UNKNOWN, SIG_KEY, SECRET_SIG, ConfigValue, PropertyMap, secret, toWire } from "./encoding";

/** Serializes a provider exactly as `dynamic.Resource` does; `text` is what lands in `__provider`. */
export async function serializeProvider(provider: pulumi.dynamic.ResourceProvider):
    Promise<{ text: string; containsSecrets: boolean; size: number }> {
    const sf = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: true });
    return { text: sf.text, containsSecrets: sf.containsSecrets, size: Buffer.byteLength(sf.text, "utf8") };
}

/** Loads serialized provider text the way the provider host does (require-from-string, resolved from cwd). */
export function loadSerializedProvider(text: string): pulumi.dynamic.ResourceProvider {
    const pulumiRequire = require("module").createRequire(require.resolve("@pulumi/pulumi/package.json")) as NodeJS.Require;
    const requireFromString = pulumiRequire("require-from-string") as (code: string) => { handler(): pulumi.dynamic.ResourceProvider };
    return requireFromString(text).handler();
}
