/**
 * ENGINE HARNESS: plays the Pulumi engine's part for dynamic providers, without the Pulumi CLI.
 *
 * What it does (reference/pulumi-dynamic-providers.md §2):
 *  - starts @pulumi/pulumi's real dynamic-provider host (`cmd/dynamic-provider`) as a child process, one per
 *    operation, with the engine's env (PULUMI_NODEJS_PROJECT/STACK, PULUMI_CONFIG) and talks gRPC to it with the
 *    stubs from @pulumi/pulumi/proto: GetPluginInfo, Configure (whole stack config, namespaced keys, secrets
 *    wrapped), Check, Diff, Create, Update, Read, Delete with the engine's request fields and `__provider` flow;
 *  - runs REAL programs under `pulumi.runtime.setMocks`; each dynamic registration is stepped as it arrives
 *    (Check -> Diff -> create / update / replace / same) and the outputs flow back into the program;
 *  - engine semantics: preview never mutates; DIFF_UNKNOWN falls back to an input diff; replacements are
 *    create-before-delete unless the provider asks for deleteBeforeReplace; removed resources are deleted after
 *    the program in reverse order; partial failures (ErrorResourceInitFailed) are recorded with id, properties and
 *    init errors and force an update next time; refresh reads and drops empty ids; destroy deletes in reverse;
 *  - unknowns reach the provider as the sentinel string, secrets are unwrapped on the wire and obscured in state.
 *
 * What it does NOT do: plugins other than pulumi-nodejs, explicit provider resources, component/parent URNs
 * (URNs are always `urn:pulumi:<stack>::<project>::<type>::<name>`), Resource.get / import, stack references,
 * invokes, policy packs, aliases, ignoreChanges / replaceOnChanges / protect / retainOnDelete / dependsOn-driven
 * ordering of deletes, targets, real secret encryption (state obscures secrets with base64), state for
 * non-dynamic resources (they are answered by the `mocks` callback only), and `preview --refresh`.
 *
 * Usage:
 *   const engine = new Engine({ config: { "toy:dir": dir, "toy:token": secret("s3cr3t") } });
 *   const plan = await engine.preview(() => { new Thing("a", { name: "a" }); });   // Check/Diff only
 *   const up = await engine.up(require.resolve("./program"));                       // module path also works
 *   expect(up.steps.map((s) => s.op)).to.deep.equal(["create"]);
 *   await engine.refresh(); await engine.destroy(); engine.readState();
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
