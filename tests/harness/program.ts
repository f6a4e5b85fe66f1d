// Runs a real Pulumi program in this process under pulumi.runtime.setMocks (reference §2a). Every resource
// registration is handed to `onRegister` as it arrives; whatever it returns flows back into the program as the
// resource's id and outputs, so dependent resources see them. setMocks is process-global: each run resets the
// runtime (setMocks -> resetOptions), sets config, re-requires the program module so it re-executes, and finally
// restores whatever mocks/config the caller had (so unit tests using setMocks elsewhere keep working).
import * as fs from "fs";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { unwrapSecrets } from "./encoding";

/** A program: a function (its return value = stack outputs), or a module path (.js or .ts, or a directory with an
 * index) whose export is such a function or whose top-level code registers resources (its exports = stack outputs),
 * like the Node.js language host. */
export type Program = (() => unknown) | string;

export interface RunOptions {
    project: string;
    stack: string;
    preview: boolean;
    /** Plain config values (namespaced keys) and the names of the secret ones, as `pulumi.Config` sees them. */
    config: Record<string, string>;
    secretKeys: string[];
    onRegister: (args: pulumi.runtime.MockResourceArgs) => Promise<pulumi.runtime.MockResourceResult>;
}

// Internal runtime pieces (not in the .d.ts): the RPC queue and the store holding mocks, options and config.
interface Options { project: string; stack: string; parallel: number; engineAddr: string; monitorAddr: string; dryRun: boolean; organization: string }
const settings = require("@pulumi/pulumi/runtime/settings") as {
    waitForRPCs(): Promise<void>;
    resetOptions(...args: [string, string, number, string, string, boolean, string]): void;
};
const runtimeState = require("@pulumi/pulumi/runtime/state") as {
    getStore(): { settings: { monitor?: { mocks?: pulumi.runtime.Mocks }; options: Options }; config: Record<string, string> };
};

/** Snapshot of the caller's runtime settings (other test files set their own mocks), restored after each run. */
function saveRuntime(): () => Promise<void> {
    const store = runtimeState.getStore();
    const mocks = store.settings.monitor?.mocks;
    const o = { ...store.settings.options };
    const config = { ...store.config };
    return async () => {
        if (mocks) await pulumi.runtime.setMocks(mocks, o.project, o.stack, o.dryRun, o.organization);
        else settings.resetOptions(o.project, o.stack, o.parallel, o.engineAddr, o.monitorAddr, o.dryRun, o.organization);
        Object.assign(runtimeState.getStore().config, config);
    };
}

let running = false;

export async function runProgram(program: Program, opts: RunOptions): Promise<{ outputs: Record<string, unknown>; error?: Error }> {
    if (running) throw new Error("harness: programs share the process-global Pulumi runtime; run one at a time");
    running = true;
    const restore = saveRuntime();
    try {
        await pulumi.runtime.setMocks({
            newResource: (args) => opts.onRegister(args),
            call: (args) => {
                throw new Error(`harness: invoke ${args.token} is not supported`);
            },
        }, opts.project, opts.stack, opts.preview);
        pulumi.runtime.setAllConfig(opts.config, opts.secretKeys);
        let exported: unknown;
        let error: Error | undefined;
        try {
            exported = await execute(program);
        } catch (e) {
            error = e instanceof Error ? e : new Error(String(e));
        }
        await settings.waitForRPCs();
        let outputs: Record<string, unknown> = {};
        if (!error && exported && typeof exported === "object") {
            // Same serialization the stack resource applies to exports: unknowns become the sentinel string.
            outputs = unwrapSecrets(await pulumi.runtime.serializeProperties("stack-outputs", exported as pulumi.Inputs)) as
                Record<string, unknown>;
        }
        return { outputs, error };
    } finally {
        await restore();
        running = false;
    }
}

/** Lets module-path programs be TypeScript (what `runtime.options.typescript` does with ts-node): transpile only. */
function enableTypeScript(): void {
    if (require.extensions[".ts"]) return;
    const ts = require("typescript") as typeof import("typescript");
    const compilerOptions = { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, inlineSourceMap: true };
    require.extensions[".ts"] = (module, filename) => {
        const { outputText } = ts.transpileModule(fs.readFileSync(filename, "utf8"), { fileName: filename, compilerOptions });
        (module as unknown as { _compile(code: string, file: string): void })._compile(outputText, filename);
    };
}

async function execute(program: Program): Promise<unknown> {
    if (typeof program === "function") return await program();
    enableTypeScript();
    const file = require.resolve(path.resolve(program));
    // Re-execute the program and its local modules (not node_modules, not this harness) on every run.
    const dir = path.dirname(file) + path.sep;
    for (const key of Object.keys(require.cache)) {
        if (key.startsWith(dir) && !key.startsWith(__dirname + path.sep) && !key.includes(`${path.sep}node_modules${path.sep}`)) {
            delete require.cache[key];
        }
    }
    const mod = require(file) as { default?: unknown } | (() => unknown);
    const main = typeof mod === "function" ? mod : typeof mod.default === "function" ? mod.default as () => unknown : undefined;
    return main ? await main() : mod;
}
