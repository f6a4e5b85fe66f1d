// The provider process and its gRPC client (reference §2c "Launch" / "Client").
// Starts @pulumi/pulumi's own dynamic-provider host exactly like the engine's `pulumi-resource-pulumi-nodejs` shim
// does (resolved from the project dir, cwd = project dir, engine address as argv), reads the port from the first
// stdout line, and exposes one promise-returning method per RPC the engine sends. Every stub and message class is
// loaded from @pulumi/pulumi's own dependency tree so the same @grpc/grpc-js and google-protobuf copies are used.
import { ChildProcess, spawn } from "child_process";
import { createRequire } from "module";
import * as readline from "readline";
import { once } from "events";
import { randomBytes } from "crypto";
import type * as grpcTypes from "@grpc/grpc-js";
import type * as provTypes from "@pulumi/pulumi/proto/provider_pb";
import type * as grpcStubTypes from "@pulumi/pulumi/proto/provider_grpc_pb";
import type * as statusTypes from "@pulumi/pulumi/proto/status_pb";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type * as emptyTypes from "google-protobuf/google/protobuf/empty_pb";
import { PropertyMap } from "./encoding";

const pulumiRequire = createRequire(require.resolve("@pulumi/pulumi/package.json"));
const grpc = pulumiRequire("@grpc/grpc-js") as typeof grpcTypes;
const prov = pulumiRequire("./proto/provider_pb") as typeof provTypes;
const stubs = pulumiRequire("./proto/provider_grpc_pb") as typeof grpcStubTypes;
const statusPb = pulumiRequire("./proto/status_pb") as typeof statusTypes;
const { Struct } = pulumiRequire("google-protobuf/google/protobuf/struct_pb") as typeof structTypes;
const { Empty } = pulumiRequire("google-protobuf/google/protobuf/empty_pb") as typeof emptyTypes;

export type DiffChanges = "none" | "some" | "unknown";
export interface DiffResult {
    changes: DiffChanges;
    replaces: string[];
    deleteBeforeReplace: boolean;
}
export interface CheckFailure {
    property: string;
    reason: string;
}

/** A create/update error that carried ErrorResourceInitFailed: the resource exists (id) but failed to initialize. */
export class PartialFailure extends Error {
    constructor(message: string, readonly id: string, readonly properties: PropertyMap, readonly reasons: string[]) {
        super(message);
        this.name = "PartialFailure";
    }
}

/** One RPC as sent, for assertions on what reached the provider (`__provider` left out to keep it readable). */
export interface RpcRecord {
    method: "Configure" | "Check" | "Diff" | "Create" | "Update" | "Read" | "Delete";
    urn?: string;
    id?: string;
    /** news (Check/Diff/Update), properties (Create/Read/Delete), args (Configure) - without `__provider`. */
    props?: PropertyMap;
}

export interface HostOptions {
    /** Working directory of the provider process; `@pulumi/pulumi/cmd/dynamic-provider` is resolved from here. */
    cwd: string;
    env: Record<string, string>;
    /** Per-RPC deadline. */
    rpcTimeoutMs?: number;
}

const liveHosts = new Set<ChildProcess>();
process.on("exit", () => liveHosts.forEach((c) => c.kill("SIGKILL")));

const GRPC_OPTIONS = { "grpc.max_receive_message_length": 400 * 1024 * 1024, "grpc.max_send_message_length": 400 * 1024 * 1024 };

function toStruct(props: PropertyMap): structTypes.Struct {
    return Struct.fromJavaScript(props as Record<string, structTypes.JavaScriptValue>);
}
function fromStruct(s: structTypes.Struct | undefined): PropertyMap {
    return (s ? s.toJavaScript() : {}) as PropertyMap;
}
function withoutProvider(props: PropertyMap): PropertyMap {
    const { __provider: _p, ...rest } = props;
    return rest;
}

type Unary<Req, Res> = (req: Req, md: grpcTypes.Metadata, opts: Partial<grpcTypes.CallOptions>,
    cb: (err: grpcTypes.ServiceError | null, res: Res) => void) => grpcTypes.ClientUnaryCall;

export class ProviderHost {
    readonly rpcs: RpcRecord[] = [];
    private constructor(private readonly child: ChildProcess, private readonly client: grpcStubTypes.ResourceProviderClient,
        private readonly timeoutMs: number, private readonly closed: Promise<unknown>,
        /** Lines the provider printed on stderr (console.error: drift reports, stack traces); complete after stop(). */
        readonly stderr: string[],
        /** Lines printed on stdout after the port line (console.log); complete after stop(). */
        readonly stdout: string[]) {}

    static async start(opts: HostOptions): Promise<ProviderHost> {
        const timeoutMs = opts.rpcTimeoutMs ?? 60_000;
        const entry = require.resolve("@pulumi/pulumi/cmd/dynamic-provider", { paths: [opts.cwd] });
        // The engine address is never dialed by the dynamic provider, but the argument is required.
        const child = spawn(process.execPath, [entry, "127.0.0.1:1"], {
            cwd: opts.cwd,
            env: { ...process.env, ...opts.env },
            stdio: ["ignore", "pipe", "pipe"],
        });
        liveHosts.add(child);
        child.on("exit", () => liveHosts.delete(child));
        const stderr: string[] = [];
        const stdout: string[] = [];
        const err = readline.createInterface({ input: child.stderr! }).on("line", (l) => stderr.push(l));
        const out = readline.createInterface({ input: child.stdout! });
        const closed = Promise.all([once(err, "close"), once(out, "close")]);
        let onPort: ((line: string) => void) | undefined; // set synchronously below, before any line can arrive
        out.on("line", (l) => (onPort ? onPort(l) : stdout.push(l)));
        const port = await new Promise<number>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`dynamic-provider printed no port within ${timeoutMs}ms`)), timeoutMs);
            const onExit = (code: number | null) =>
                reject(new Error(`dynamic-provider exited (${code}) before printing its port:\n${stderr.join("\n")}`));
            child.once("exit", onExit);
            onPort = (l) => {
                onPort = undefined;
                clearTimeout(timer);
                child.off("exit", onExit);
                const p = Number(l.trim());
                if (Number.isInteger(p) && p > 0) resolve(p);
                else reject(new Error(`dynamic-provider printed "${l}" instead of a port`));
            };
        }).catch((e: unknown) => {
            child.kill("SIGKILL");
            throw e;
        });
        const client = new stubs.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), GRPC_OPTIONS);
        return new ProviderHost(child, client, timeoutMs, closed, stderr, stdout);
    }

    /** Kills the provider (as the engine does) and waits until all its output has been collected. */
    async stop(): Promise<void> {
        this.client.close();
        if (this.child.exitCode === null && this.child.signalCode === null) {
            const exited = once(this.child, "exit");
            this.child.kill("SIGTERM");
            await exited;
        }
        await this.closed;
    }

    private call<Req, Res>(fn: Unary<Req, Res>, req: Req): Promise<Res> {
        const deadline = new Date(Date.now() + this.timeoutMs);
        return new Promise((resolve, reject) => {
            fn.call(this.client, req, new grpc.Metadata(), { deadline }, (err, res) => (err ? reject(decodeError(err)) : resolve(res)));
        });
    }

    async getPluginInfo(): Promise<string> {
        const res = await this.call(this.client.getPluginInfo as Unary<emptyTypes.Empty, { getVersion(): string }>, new Empty());
        return res.getVersion();
    }

    /** Configure: `args` are the whole stack config, namespaced keys, secret values already wrapped. */
    async configure(args: PropertyMap): Promise<{ acceptSecrets: boolean }> {
        const req = new prov.ConfigureRequest().setArgs(toStruct(args)).setAcceptsecrets(true).setAcceptresources(true)
            .setSendsOldInputs(true).setSendsOldInputsToDelete(true);
        this.rpcs.push({ method: "Configure", props: args });
        const res = await this.call(this.client.configure as Unary<provTypes.ConfigureRequest, provTypes.ConfigureResponse>, req);
        return { acceptSecrets: res.getAcceptsecrets() };
    }

    async check(urn: string, olds: PropertyMap, news: PropertyMap): Promise<{ inputs: PropertyMap; failures: CheckFailure[] }> {
        const [name, type] = urnParts(urn);
        const req = new prov.CheckRequest().setUrn(urn).setName(name).setType(type).setOlds(toStruct(olds))
            .setNews(toStruct(news)).setRandomseed(randomBytes(32));
        this.rpcs.push({ method: "Check", urn, props: withoutProvider(news) });
        const res = await this.call(this.client.check as Unary<provTypes.CheckRequest, provTypes.CheckResponse>, req);
        const failures = res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() }));
        return { inputs: fromStruct(res.getInputs()), failures };
    }

    async diff(urn: string, id: string, olds: PropertyMap, news: PropertyMap, oldInputs: PropertyMap): Promise<DiffResult> {
        const [name, type] = urnParts(urn);
        const req = new prov.DiffRequest().setUrn(urn).setName(name).setType(type).setId(id).setOlds(toStruct(olds))
            .setNews(toStruct(news)).setOldInputs(toStruct(oldInputs));
        this.rpcs.push({ method: "Diff", urn, id, props: withoutProvider(news) });
        const res = await this.call(this.client.diff as Unary<provTypes.DiffRequest, provTypes.DiffResponse>, req);
        const C = prov.DiffResponse.DiffChanges;
        const changes = res.getChanges() === C.DIFF_SOME ? "some" : res.getChanges() === C.DIFF_NONE ? "none" : "unknown";
        return { changes, replaces: res.getReplacesList(), deleteBeforeReplace: res.getDeletebeforereplace() };
    }

    async create(urn: string, properties: PropertyMap): Promise<{ id: string; properties: PropertyMap }> {
        const [name, type] = urnParts(urn);
        const req = new prov.CreateRequest().setUrn(urn).setName(name).setType(type).setProperties(toStruct(properties))
            .setPreview(false);
        this.rpcs.push({ method: "Create", urn, props: withoutProvider(properties) });
        const res = await this.call(this.client.create as Unary<provTypes.CreateRequest, provTypes.CreateResponse>, req);
        return { id: res.getId(), properties: fromStruct(res.getProperties()) };
    }

    async update(urn: string, id: string, olds: PropertyMap, news: PropertyMap, oldInputs: PropertyMap): Promise<PropertyMap> {
        const [name, type] = urnParts(urn);
        const req = new prov.UpdateRequest().setUrn(urn).setName(name).setType(type).setId(id).setOlds(toStruct(olds))
            .setNews(toStruct(news)).setOldInputs(toStruct(oldInputs)).setPreview(false);
        this.rpcs.push({ method: "Update", urn, id, props: withoutProvider(news) });
        const res = await this.call(this.client.update as Unary<provTypes.UpdateRequest, provTypes.UpdateResponse>, req);
        return fromStruct(res.getProperties());
    }

    async read(urn: string, id: string, properties: PropertyMap, inputs: PropertyMap):
        Promise<{ id: string; properties: PropertyMap; inputs?: PropertyMap }> {
        const [name, type] = urnParts(urn);
        const req = new prov.ReadRequest().setUrn(urn).setName(name).setType(type).setId(id)
            .setProperties(toStruct(properties)).setInputs(toStruct(inputs));
        this.rpcs.push({ method: "Read", urn, id, props: withoutProvider(properties) });
        const res = await this.call(this.client.read as Unary<provTypes.ReadRequest, provTypes.ReadResponse>, req);
        const ins = res.getInputs();
        return { id: res.getId(), properties: fromStruct(res.getProperties()), inputs: ins ? fromStruct(ins) : undefined };
    }

    async delete(urn: string, id: string, properties: PropertyMap, oldInputs: PropertyMap): Promise<void> {
        const [name, type] = urnParts(urn);
        const req = new prov.DeleteRequest().setUrn(urn).setName(name).setType(type).setId(id)
            .setProperties(toStruct(properties)).setOldInputs(toStruct(oldInputs));
        this.rpcs.push({ method: "Delete", urn, id, props: withoutProvider(properties) });
        await this.call(this.client.delete as Unary<provTypes.DeleteRequest, emptyTypes.Empty>, req);
    }
}

/** `urn:pulumi:<stack>::<project>::<type>::<name>` -> [name, type]. */
export function urnParts(urn: string): [string, string] {
    const parts = urn.split("::");
    return [parts.slice(3).join("::"), parts[2].split("$").pop() ?? ""];
}

/** Unpacks `grpc-status-details-bin` -> Status -> Any -> ErrorResourceInitFailed into a PartialFailure. */
function decodeError(err: grpcTypes.ServiceError): Error {
    const bins = err.metadata?.get("grpc-status-details-bin") ?? [];
    for (const bin of bins) {
        const status = statusPb.Status.deserializeBinary(new Uint8Array(bin as Buffer));
        for (const any of status.getDetailsList()) {
            if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
            const d = prov.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8());
            return new PartialFailure(status.getMessage() || err.details, d.getId(), fromStruct(d.getProperties()),
                d.getReasonsList());
        }
    }
    const e = new Error(err.details || err.message) as Error & { code?: number };
    e.code = err.code;
    return e;
}
