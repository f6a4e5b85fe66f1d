#!/usr/bin/env node
// pulumi-language-nodejs: a STAND-IN for the official Pulumi Node.js language host, written by this project.
//
// The official host (Go module github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3) is not served
// by the Go module proxy, so it cannot be built on this project's machines. Without a language host the CLI
// cannot run a directory program (`pulumi up` in a folder with Pulumi.yaml and index.ts). This file does the
// part of the official host's job that `preview`, `up`, `refresh`, `destroy` and `about` need, the way the
// official host does it (engine v3.274.1, @pulumi/pulumi 3.248):
//   - started by the engine in the project directory as `pulumi-language-nodejs [--logtostderr] [-v=N]
//     [--tracing URL] ENGINE_ADDRESS`, it serves the LanguageRuntime gRPC service on 127.0.0.1 and prints the port
//     as the first stdout line;
//   - Run starts `node [nodeargs] <@pulumi/pulumi>/cmd/run/index.js --monitor .. --engine .. --organization ..
//     --project .. --root-directory .. --stack .. --pwd .. [--dry-run] --parallel N [--tracing ..] <entry> [args]`
//     with PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT and PULUMI_NODEJS_TSCONFIG_PATH, and
//     maps exit code 32 ("the program already reported its error") to `bail`, any other non-zero code to an error;
//   - GetPluginInfo, About and GetProgramDependencies answer; every other call is UNIMPLEMENTED, which the engine
//     accepts (GetRequiredPackages falls back to GetRequiredPlugins, which may be unimplemented too).
// What it does not do is listed in docs/real-engine.md. scripts/pulumi-cli.ts installs a copy next to a CLI that
// has no official host; a user with the official distribution never runs it. The copy must stand alone: it uses
// Node's standard library and loads @grpc/grpc-js and the gRPC stubs from the project's own @pulumi/pulumi.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

/** Exit code of @pulumi/pulumi's cmd/run when it has already shown the user the error. */
export const BAIL_EXIT_CODE = 32;
export const RUN_MODULE = "@pulumi/pulumi/cmd/run";
export const NO_SDK = "It looks like the Pulumi SDK has not been installed. Have you run pulumi install?";
/** The first line of this file's header: how scripts/pulumi-cli.ts tells our copy from the official host. */
export const STAND_IN_MARKER = "pulumi-language-nodejs: a STAND-IN for the official Pulumi Node.js language host";

/** The parts of a RunRequest that decide how the program is started. */
export interface RunSpec {
    monitor: string;
    engine: string;
    organization: string;
    project: string;
    stack: string;
    rootDirectory: string;
    programDirectory: string;
    entryPoint: string;
    dryRun: boolean;
    parallel: number;
    tracing: string;
    args: string[];
    /** Stack config as the engine sends it: `namespace:name` -> value (secrets decrypted). */
    config: Record<string, string>;
    configSecretKeys: string[];
    /** Pulumi.yaml's `runtime.options`. */
    options: Record<string, unknown>;
}

export interface NodeOptions {
    typescript: boolean;
    tsconfig?: string;
    nodeargs: string[];
}

/** `runtime.options` as the official host reads them: typescript (default true), tsconfig, nodeargs. */
export function nodeOptions(options: Record<string, unknown>): NodeOptions {
    const { typescript = true, tsconfig, nodeargs = "" } = options;
    if (typeof typescript !== "boolean") throw new Error("typescript option must be a boolean");
    if (tsconfig !== undefined && typeof tsconfig !== "string") throw new Error("tsconfigpath option must be a string");
    if (typeof nodeargs !== "string") throw new Error("nodeargs option must be a string");
    return { typescript, tsconfig: tsconfig || undefined, nodeargs: splitWords(nodeargs) };
}

/** Shell-like word splitting with single and double quotes (the official host uses shlex). */
export function splitWords(text: string): string[] {
    return [...text.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)].map((m) => m[0].replace(/"([^"]*)"|'([^']*)'/g, "$1$2"));
}

/** PULUMI_CONFIG: keys rewritten `ns:name` -> `ns:config:name`, the form every @pulumi/pulumi version reads. */
export function configJson(config: Record<string, string>): string {
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(config)) {
        const m = /^([^:]+):(?:config:)?(.+)$/.exec(key);
        if (!m) throw new Error(`invalid config key ${JSON.stringify(key)}: expected namespace:name`);
        out[`${m[1]}:config:${m[2]}`] = value;
    }
    return JSON.stringify(out);
}

/** The node command line and the environment additions for one Run, in the official host's order. */
export function launch(spec: RunSpec, runPath: string): { argv: string[]; env: Record<string, string> } {
    const opts = nodeOptions(spec.options);
    const argv = [...opts.nodeargs, runPath];
    const flag = (name: string, value: string) => {
        if (value !== "") argv.push(`--${name}`, value);
    };
    flag("monitor", spec.monitor);
    flag("engine", spec.engine);
    flag("organization", spec.organization);
    flag("project", spec.project);
    flag("root-directory", spec.rootDirectory);
    flag("stack", spec.stack);
    flag("pwd", spec.programDirectory);
    if (spec.dryRun) argv.push("--dry-run");
    flag("parallel", String(spec.parallel));
    flag("tracing", spec.tracing);
    argv.push(spec.entryPoint || ".", ...spec.args);
    const env: Record<string, string> = {
        PULUMI_CONFIG: configJson(spec.config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(spec.configSecretKeys),
    };
    if (opts.typescript) env.PULUMI_NODEJS_TYPESCRIPT = "true";
    if (opts.tsconfig) env.PULUMI_NODEJS_TSCONFIG_PATH = opts.tsconfig;
    return { argv, env };
}

/** RunResponse for how the program ended: 0 ok, 32 bail (already reported), else an error naming the code. */
export function outcome(code: number | null, spawnError?: Error): { error: string; bail: boolean } {
    if (spawnError) return { error: `Problem executing program (could not run language executor): ${spawnError.message}`, bail: false };
    if (code === 0) return { error: "", bail: false };
    if (code === BAIL_EXIT_CODE) return { error: "", bail: true };
    // A signal leaves no exit code; Go's ExitCode() reports -1 then.
    return { error: `Program exited with non-zero exit code: ${code ?? -1}`, bail: false };
}

/** The host's own command line: flags the engine may pass (logging, tracing), then the engine's address. */
export function hostArgs(argv: string[]): { engine: string; tracing: string } {
    let engine = "";
    let tracing = "";
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        const tracingFlag = /^--?tracing(?:=(.*))?$/.exec(a);
        if (tracingFlag) tracing = tracingFlag[1] ?? argv[++i] ?? "";
        else if (!a.startsWith("-") && !engine) engine = a;
        // --logtostderr and -v=N: the official host's logging; nothing to log here.
    }
    return { engine, tracing };
}

/** Direct dependencies from package.json, with the versions installed in node_modules where there are any. */
export function programDependencies(dir: string): Array<{ name: string; version: string }> {
    const manifest = path.join(dir, "package.json");
    if (!fs.existsSync(manifest)) return [];
    const pkg = JSON.parse(fs.readFileSync(manifest, "utf8")) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
    return Object.entries({ ...pkg.devDependencies, ...pkg.dependencies }).sort(([a], [b]) => a.localeCompare(b)).map(([name, range]) => {
        try {
            const installed = require.resolve(`${name}/package.json`, { paths: [dir] });
            return { name, version: (JSON.parse(fs.readFileSync(installed, "utf8")) as { version: string }).version };
        } catch {
            return { name, version: range };
        }
    });
}

// ---------------------------------------------------------------- the gRPC service

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated stubs are untyped JavaScript */
type Callback = (err: unknown, reply?: unknown) => void;
type Call = { request: any };

/** grpc-js and the stubs of the project's @pulumi/pulumi (one copy of grpc-js, the one the stubs use). */
function loadStubs(dir: string) {
    const sdk = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [dir] }));
    const from = (m: string) => require(require.resolve(m, { paths: [sdk] }));
    return {
        grpc: from("@grpc/grpc-js"),
        service: from("@pulumi/pulumi/proto/language_grpc_pb.js").LanguageRuntimeService,
        language: from("@pulumi/pulumi/proto/language_pb.js"),
        plugin: from("@pulumi/pulumi/proto/plugin_pb.js"),
        sdkVersion: (JSON.parse(fs.readFileSync(path.join(sdk, "package.json"), "utf8")) as { version: string }).version,
    };
}

function specOf(req: any, engine: string, tracing: string): RunSpec {
    const info = req.getInfo();
    const config: Record<string, string> = {};
    req.getConfigMap().forEach((value: string, key: string) => (config[key] = value));
    return {
        monitor: req.getMonitorAddress(), engine, organization: req.getOrganization(), project: req.getProject(), stack: req.getStack(),
        rootDirectory: info?.getRootDirectory() ?? "", programDirectory: info?.getProgramDirectory() || req.getPwd(),
        entryPoint: info?.getEntryPoint() || req.getProgram(), dryRun: req.getDryrun(), parallel: req.getParallel(), tracing,
        args: req.getArgsList(), config, configSecretKeys: req.getConfigsecretkeysList(), options: info?.getOptions()?.toJavaScript() ?? {},
    };
}

function main(): void {
    const { engine, tracing } = hostArgs(process.argv.slice(2));
    let stubs: ReturnType<typeof loadStubs>;
    try {
        stubs = loadStubs(process.cwd());
    } catch {
        process.stderr.write(`pulumi-language-nodejs (stand-in): ${NO_SDK}\n`);
        process.exit(1);
    }
    const { grpc, service, language, plugin } = stubs;
    const children = new Set<ChildProcess>();

    const run = ({ request }: Call, done: Callback) => {
        const reply = (r: { error: string; bail: boolean }) => done(null, new language.RunResponse().setError(r.error).setBail(r.bail));
        let spec: RunSpec;
        let runPath: string;
        try {
            spec = specOf(request, engine, tracing);
            runPath = require.resolve(RUN_MODULE, { paths: [spec.programDirectory] });
        } catch (e) {
            return reply({ error: (e as { code?: string }).code === "MODULE_NOT_FOUND" ? NO_SDK : (e as Error).message, bail: false });
        }
        let l: ReturnType<typeof launch>;
        try {
            l = launch(spec, runPath);
        } catch (e) {
            return reply({ error: (e as Error).message, bail: false });
        }
        // The program's output is the host's: the engine shows both streams.
        const child = spawn(process.execPath, l.argv, { cwd: spec.programDirectory, env: { ...process.env, ...l.env }, stdio: ["ignore", "inherit", "inherit"] });
        children.add(child);
        let failed: Error | undefined;
        child.on("error", (e) => (failed = e));
        child.on("close", (code) => {
            children.delete(child);
            reply(outcome(code, failed));
        });
    };

    const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
    server.addService(service, {
        run,
        getPluginInfo: (_: Call, done: Callback) => done(null, new plugin.PluginInfo().setVersion(stubs.sdkVersion)),
        about: (_: Call, done: Callback) => {
            const about = new language.AboutResponse().setExecutable(process.execPath).setVersion(process.version);
            about.getMetadataMap().set("packagemanager", "npm");
            done(null, about);
        },
        getProgramDependencies: ({ request }: Call, done: Callback) => {
            const dir = request.getInfo()?.getProgramDirectory() || request.getPwd() || process.cwd();
            const deps = programDependencies(dir).map((d) => new language.DependencyInfo().setName(d.name).setVersion(d.version));
            done(null, new language.GetProgramDependenciesResponse().setDependenciesList(deps));
        },
    });
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err: Error | null, port: number) => {
        if (err) {
            process.stderr.write(`pulumi-language-nodejs (stand-in): cannot serve: ${err.message}\n`);
            process.exit(1);
        }
        process.stdout.write(`${port}\n`);
    });

    // The official host stops when its engine does (a health check); here: when the parent `pulumi` is gone.
    const parent = process.ppid;
    const stop = () => {
        for (const c of children) c.kill("SIGKILL");
        process.exit(0);
    };
    setInterval(() => {
        if (process.ppid !== parent) stop();
    }, 500).unref();
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
}
/* eslint-enable @typescript-eslint/no-explicit-any */

if (require.main === module) main();
