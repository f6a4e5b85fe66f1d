// Adaptations to @pulumi/pulumi's dynamic-provider host (`cmd/dynamic-provider`), the process the engine starts for
// dynamic providers and in which this package's provider runs. The host hands a provider method only (id, olds,
// news) and prints some errors itself; these adaptations give the provider what a native provider gets:
//
// 1. The engine's request. Every request carries the resource's URN, Diff and Update carry the resource's final
//    ignoreChanges list (after every transform, including wildcards), and Read the recorded inputs; the host drops them. The getters the host
//    reads a request's property bag with are wrapped so that the bag it builds carries {urn, ignoreChanges} under a
//    symbol (engineRequestOf). Nothing changes for the host: the symbol is not enumerable and never serialized.
// 2. Messages on a resource. A line for a resource goes to the engine's Log service with the resource's URN, so the
//    CLI shows it under that resource; stderr when the engine cannot be reached (the CLI shows it under the stack).
// 3. One message per error. The host prints a failed check/diff/read/delete with its stack trace before it returns
//    the error to the engine, which shows it on the resource: errors marked with markReported() are not printed twice.
// 4. Leaving with the engine. When the engine is killed its plugins are left running; the host process exits once
//    its parent is gone (its work could no longer be recorded; the ownership tag lets the next run finish it).
//
// Each adaptation checks what it wraps and stands down when the host is not the expected one (a test harness, another
// SDK version): the provider then works as before, with the program's own facts (program-facts.ts).

import { AsyncLocalStorage } from "async_hooks";

const REQUEST = Symbol.for("pulumi-alicloud-slb-listener/engine-request");
const REPORTED = "\u2063(reported on the resource)";

export interface EngineRequest {
    readonly urn?: string;
    readonly ignoreChanges?: readonly string[];
    /** A Read's old inputs (what the stack records as the resource's inputs). */
    readonly oldInputs?: Readonly<Record<string, unknown>>;
}

/** The engine's request facts attached to a property bag by the host adaptation, if any. */
export function engineRequestOf(bag: object): EngineRequest | undefined {
    return (bag as Record<symbol, EngineRequest | undefined>)[REQUEST];
}

/** Attaches request facts to a bag (what the adaptation does; tests and harnesses may do it themselves). */
export function attachEngineRequest<T extends object>(bag: T, facts: EngineRequest): T {
    Object.defineProperty(bag, REQUEST, { value: facts, enumerable: false, configurable: true });
    return bag;
}

/** Marks an error the engine will show on its resource, so that the host does not also print it with a trace. */
export function markReported<E extends Error>(error: E): E {
    error.stack = REPORTED;
    return error;
}

interface HostModules {
    readonly main: NodeModule;
    require(relative: string): unknown;
}

/** The host's own modules, when this process is @pulumi/pulumi's dynamic-provider host. */
function host(): HostModules | undefined {
    const main = require.main;
    if (!main || !/[\\/]cmd[\\/]dynamic-provider[\\/]index\.js$/.test(main.filename)) return undefined;
    return { main, require: (relative) => main.require(relative) };
}

type ProtoClass = { prototype: Record<string, unknown> };

/** Wraps the getter the host reads a request's property bag with, so that the bag carries the request's facts. */
function attachOnRead(cls: ProtoClass | undefined, getter: string): boolean {
    const original = cls?.prototype[getter];
    if (typeof original !== "function") return false;
    cls!.prototype[getter] = function (this: Record<string, () => unknown>) {
        const struct = (original as () => unknown).call(this) as { toJavaScript?: () => unknown } | undefined;
        const toJavaScript = struct && Object.getPrototypeOf(struct)?.toJavaScript;
        if (!struct || typeof toJavaScript !== "function") return struct;
        const oldInputs = getter === "getProperties" && typeof this.getInputs === "function"
            ? (this.getInputs() as { toJavaScript?: () => unknown } | undefined)?.toJavaScript?.() : undefined;
        const facts: EngineRequest = {
            urn: typeof this.getUrn === "function" ? String(this.getUrn()) || undefined : undefined,
            ignoreChanges: typeof this.getIgnorechangesList === "function" ? (this.getIgnorechangesList() as string[]) : undefined,
            ...(typeof oldInputs === "object" && oldInputs !== null ? { oldInputs: oldInputs as Record<string, unknown> } : {}),
        };
        struct.toJavaScript = function (this: unknown) {
            const bag = toJavaScript.call(this) as unknown;
            return typeof bag === "object" && bag !== null ? attachEngineRequest(bag, facts) : bag;
        };
        return struct;
    };
    return true;
}

/**
 * How long a line may take to reach the engine before it goes to stderr instead (where the user does not see it
 * under the resource). A busy engine only delays the line; an engine that is gone fails the call at once.
 */
const ENGINE_LOG_DEADLINE_MS = 30_000;

let engineLog: ((severity: number, message: string, urn: string) => Promise<boolean>) | undefined;

/** The engine's Log service, at the address the engine gave the host (its last argument). */
function connectEngineLog(modules: HostModules): void {
    const address = process.argv.slice(2).reverse().find((a) => /^[\w.-]+:\d+$/.test(a) || /^\[[\d:a-f]+\]:\d+$/i.test(a));
    if (!address) return;
    try {
        const grpc = modules.require("@grpc/grpc-js") as { credentials: { createInsecure(): unknown } };
        const services = modules.require("../../proto/engine_grpc_pb") as { EngineClient: new (a: string, c: unknown) => EngineClient };
        const messages = modules.require("../../proto/engine_pb") as { LogRequest: new () => LogRequest };
        const client = new services.EngineClient(address, grpc.credentials.createInsecure());
        // Connect now, not at the first line: on a loaded machine the first connection is the slow part.
        client.waitForReady?.(Date.now() + ENGINE_LOG_DEADLINE_MS, () => undefined);
        engineLog = (severity, message, urn) => new Promise((resolve) => {
            const req = new messages.LogRequest();
            req.setSeverity(severity);
            req.setMessage(message);
            req.setUrn(urn);
            client.log(req, { deadline: Date.now() + ENGINE_LOG_DEADLINE_MS }, (err) => resolve(!err));
        });
    } catch {
        engineLog = undefined;
    }
}

interface LogRequest {
    setSeverity(s: number): void;
    setMessage(m: string): void;
    setUrn(u: string): void;
}

interface EngineClient {
    waitForReady?(deadline: number, callback: (err?: Error) => void): void;
    log(req: LogRequest, options: { deadline: number }, callback: (err: unknown) => void): void;
}

const INFO = 1;
const WARNING = 2;

/** The resource an operation works for, so that what it says is shown under that resource. */
const currentResource = new AsyncLocalStorage<string | undefined>();

/** Runs an operation of the resource with this URN (undefined: work for no single resource, such as a shared listing). */
export function forResource<T>(urn: string | undefined, work: () => Promise<T>): Promise<T> {
    return currentResource.run(urn, work);
}

/**
 * Shows a line under the resource the current operation works for (engine Log with its URN) when the engine can be
 * reached, on stderr otherwise. Resolves once the line is out.
 */
export async function say(line: string): Promise<void> {
    await tell(INFO, line);
}

/** A warning under the resource (stderr, prefixed "warning:", when the engine cannot be reached). */
export async function warn(line: string): Promise<void> {
    await tell(WARNING, line);
}

async function tell(severity: number, line: string): Promise<void> {
    const urn = currentResource.getStore();
    if (urn && engineLog && await engineLog(severity, line, urn)) return;
    process.stderr.write(`${severity === WARNING ? "warning: " : ""}${line}\n`);
}

/** Drops the host's second print of an error that the engine shows on the resource anyway. */
function printReportedErrorsOnce(): void {
    const original = console.error.bind(console);
    console.error = (...args: unknown[]) => {
        if (args.length === 1 && typeof args[0] === "string" && args[0].endsWith(REPORTED)) return;
        original(...args);
    };
}

/** The parent pid of a process (Linux /proc), or undefined where that cannot be read. */
function parentOf(pid: number): number | undefined {
    try {
        const stat = require("fs").readFileSync(`/proc/${pid}/stat`, "utf8") as string;
        return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
        return undefined;
    }
}

/** Whether a process is a shell (the official plugin script runs the host from `sh` without exec). */
function isShell(pid: number): boolean {
    try {
        return /^(sh|bash|dash|ash|zsh)$/.test((require("fs").readFileSync(`/proc/${pid}/comm`, "utf8") as string).trim());
    } catch {
        return false;
    }
}

/**
 * Exits when the engine that started this host is gone: the host's parent changes, or, when the parent is the plugin
 * script's shell, that shell's parent (the engine) changes.
 */
function exitWithEngine(): void {
    const parent = process.ppid;
    const engine = isShell(parent) ? parentOf(parent) : undefined;
    const timer = setInterval(() => {
        if (process.ppid !== parent || (engine !== undefined && parentOf(parent) !== engine)) {
            process.stderr.write("the Pulumi engine that started this provider is gone; exiting\n");
            process.exit(1);
        }
    }, 1000);
    timer.unref();
}

let installed = false;

/** Installs the adaptations once per process; a no-op outside the dynamic-provider host. */
export function adaptToHost(): void {
    if (installed) return;
    installed = true;
    const modules = host();
    if (!modules) return;
    try {
        const proto = modules.require("../../proto/provider_pb") as Record<string, ProtoClass | undefined>;
        for (const [request, getter] of [["CheckRequest", "getNews"], ["DiffRequest", "getNews"], ["UpdateRequest", "getNews"],
            ["CreateRequest", "getProperties"], ["ReadRequest", "getProperties"], ["DeleteRequest", "getProperties"]] as const) {
            attachOnRead(proto[request], getter);
        }
    } catch {
        // Another host layout: the program's own facts stand in.
    }
    connectEngineLog(modules);
    printReportedErrorsOnce();
    exitWithEngine();
}
