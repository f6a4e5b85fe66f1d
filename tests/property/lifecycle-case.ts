// One case of the lifecycle property for one protocol, run as the engine runs it: up(A), out-of-band changes through the SDK,
// optionally a refresh, up(B), then a preview. Returns what it found, each finding with a signature that names
// the property and the field or API code involved, so that runs can be grouped by distinct defect.
import { PROGRAM_KEY } from "../../provider/core/context";
import { OWNER_TAG_KEY } from "../../provider/core/fields";
import { Protocol } from "../../provider/core/protocol";
import { ProviderHost } from "../harness/host";
import { PropertyMap } from "../harness/encoding";
import { EngineSteps, StepFailure, UpResult } from "../support/engine-steps";
import { DescribeBody, Lane, REGION } from "../support/property-world";
import { ProtocolWorld } from "../support/protocol-world";
import { typeOf } from "../support/resource-facts";
import { CaseInput, Config, OutOfBand, normalise, rawB, serviceTagCount, setParamsFor } from "./arbitraries";
import { Mismatch, isServiceTag, liveMismatches, liveTags, refreshMismatches, replacementFields } from "./expectations";

export const PROJECT = "property";
export const STACK = "test";

export interface Finding {
    /** Property and what it is about, e.g. "live-mismatch:healthCheckUri" or "up(B)-failed:update:TagCountLimit". */
    readonly signature: string;
    readonly detail: string;
}

export interface CaseReport {
    readonly findings: Finding[];
    /** The case as run: configurations, changes, RPCs. */
    readonly story: string[];
}

export interface CaseContext {
    readonly protocol: Protocol;
    readonly world: ProtocolWorld;
    readonly host: ProviderHost;
    /** A provider process configured without any region (stack config and environment). */
    readonly regionless: ProviderHost;
    readonly providerText: string;
}

/** Ports handed out to cases: every case (and every moved listener) gets a port no earlier case used. */
let nextPort = 1000;

/** The next port no case used that the protocol allows (UDP keeps 4789 and 4790, which long runs reach). */
function freshPort(protocol: Protocol): number {
    const check = protocol.field("listenerPort").check as ((port: number) => string | undefined) | undefined;
    while (check?.(nextPort) !== undefined) nextPort++;
    return nextPort++;
}
let nextCase = 0;

function show(value: unknown): string {
    return JSON.stringify(value) ?? String(value);
}

function showConfig(config: Config): string {
    const { loadBalancerId: _lb, [PROGRAM_KEY]: _p, ...rest } = config;
    return show(rest);
}

function showMismatch(m: Mismatch): string {
    return `${m.field}: want ${show(m.want)}, got ${show(m.got)}`;
}

/** The API code in an error message from the provider ("... (Code, request id ...)." or "...: Code: message"). */
function apiCode(message: string): string {
    const m = /\(([A-Z][A-Za-z0-9]*(?:\.[A-Za-z0-9]+)*)(?:, request id [^)]*)?\)/.exec(message) ?? /failed: ([A-Z][A-Za-z0-9.]+):/.exec(message);
    if (m) return m[1];
    if (/cannot change in place/.test(message)) return "cannot-change-in-place";
    if (/Invalid \w+Listener inputs/.test(message)) return "create-refused-inputs";
    return message.split(/[:.]/)[0].slice(0, 40);
}

function failureSignature(phase: string, e: unknown): string {
    if (e instanceof StepFailure) {
        if (e.step === "check" && e.failures.length > 0) return `${phase}-check-refused:${[...new Set(e.failures.map((f) => f.property))].sort().join(",")}`;
        const property = /the service rejected (\w+)/.exec(e.message)?.[1];
        return `${phase}-failed:${e.step}:${property ? `${property}:` : ""}${apiCode(e.message)}`;
    }
    return `${phase}-failed:${(e as Error).message.slice(0, 60)}`;
}

function program(config: Config, providerText: string): PropertyMap {
    return { ...(config as PropertyMap), __provider: providerText };
}

/** Applies one out-of-band change through the SDK; returns what happened, for the story. */
async function applyOutOfBand(ctx: CaseContext, lane: Lane, port: number, change: OutOfBand): Promise<string> {
    const { world, protocol } = ctx;
    const body = await world.settled(lane, port);
    if (!body) return `${change.kind}: skipped, no listener`;
    const key = { RegionId: REGION, LoadBalancerId: lane.lbId, ListenerPort: port };
    const tagTarget = { RegionId: REGION, ResourceType: "listener", ResourceId: [world.listenerResourceId(lane, port)] };
    let what: string;
    let call: () => Promise<unknown>;
    switch (change.kind) {
        case "set": {
            const params = setParamsFor(protocol, change, lane.pool);
            what = `Set ${show(params)}`;
            call = () => world.slb.call(protocol.spec.actions.set, { ...key, ...params });
            break;
        }
        case "status": {
            const action = body.Status === "running" ? "StopLoadBalancerListener" : "StartLoadBalancerListener";
            what = action.replace("LoadBalancerListener", "");
            call = () => world.slb.call(action, { ...key, ListenerProtocol: protocol.name });
            break;
        }
        case "tag-add":
            what = `Tag ${show({ [change.key]: change.value })}`;
            call = () => world.slb.call("TagResources", { ...tagTarget, Tag: [{ Key: change.key, Value: change.value }] });
            break;
        case "tag-remove": {
            // A user removes their own tags or the ownership tag; the platform's tags are not theirs to remove.
            const keys = Object.keys(liveTags(body)).filter((k) => !isServiceTag(k)).sort();
            if (keys.length === 0) return "Untag: skipped, no tags";
            const k = keys[change.index % keys.length];
            what = `Untag ${show(k)}`;
            call = () => world.slb.call("UntagResources", { ...tagTarget, TagKey: [k] });
            break;
        }
        case "detach": {
            const group = protocol.field(body.VServerGroupId ? "vServerGroupId" : "masterSlaveServerGroupId");
            if (!body.VServerGroupId && !body.MasterSlaveServerGroupId) return "Detach: skipped, no group";
            what = `Detach ${group.input}`;
            call = () => world.slb.call(protocol.spec.actions.set, { ...key, [group.setSwitch!]: "off" });
            break;
        }
        case "service-tag":
            world.attachServiceTag(lane, port, change.key, change.value);
            return `platform attaches ${show({ [change.key]: change.value })}`;
    }
    try {
        await world.patiently(call);
        return `${what}: applied`;
    } catch (e) {
        // The service refused it (a change it does not allow, a limit): nothing changed, the case goes on.
        return `${what}: refused (${String((e as { code?: unknown }).code ?? (e as Error).message)})`;
    }
}

/** Runs one case on a lane; the lane's load balancer is empty again afterwards. */
export async function runCase(ctx: CaseContext, lane: Lane, input: CaseInput): Promise<CaseReport> {
    const { world, host, protocol } = ctx;
    const caseNo = nextCase++;
    const name = `${protocol.name}${caseNo}`;
    const urn = `urn:pulumi:${STACK}::${PROJECT}::${typeOf(protocol)}::${name}`;
    const serviceTags = serviceTagCount(input);
    const portA = freshPort(protocol);
    const portB = input.movePort ? freshPort(protocol) : portA;
    const a = normalise(protocol, input.a, { pool: lane.pool, loadBalancerId: lane.lbId, listenerPort: portA, urn, serviceTags });
    const b = normalise(protocol, rawB(protocol, input), { pool: lane.pool, loadBalancerId: lane.lbId, listenerPort: portB, urn, serviceTags });
    const engine = new EngineSteps(host, urn);
    const findings: Finding[] = [];
    const story: string[] = [`case ${name} on ${lane.lbId}`, `A = ${showConfig(a)}`, `B = ${showConfig(b)}`];
    const attached: Record<string, string> = {};
    const find = (signature: string, detail: string) => findings.push({ signature, detail });
    const started = Date.now();

    try {
        try {
            await engine.up(program(a, ctx.providerText));
        } catch (e) {
            find(failureSignature("up(A)", e), (e as Error).message);
            return { findings, story };
        }
        for (const change of input.outOfBand) {
            const line = await applyOutOfBand(ctx, lane, portA, change);
            story.push(`out of band: ${line}`);
            if (change.kind === "service-tag") attached[change.key] = change.value;
        }
        await world.settled(lane, portA);

        if (input.refresh) {
            try {
                const refreshed = await engine.refresh();
                const body = await world.describe(lane, portA);
                if (!refreshed) find("refresh-dropped", "refresh dropped a listener that exists");
                else if (body) {
                    for (const m of refreshMismatches(protocol, refreshed.outputs, body)) find(`refresh-stale:${m.field}`, showMismatch(m));
                }
            } catch (e) {
                find(failureSignature("refresh", e), (e as Error).message);
                return { findings, story };
            }
        }

        let up: UpResult;
        if (input.regionless) {
            story.push("up(B) and the preview run without a configured region");
            engine.host = ctx.regionless;
        }
        try {
            up = await engine.up(program(b, ctx.providerText));
        } catch (e) {
            if (input.regionless && b.regionId === undefined) {
                // Refusing is one documented answer; deleting the listener on the strength of the missing region is not.
                const ports = await world.ports(lane);
                if (ports.length !== 1 || ports[0] !== portA) {
                    find("regionless-up-lost-listener", `up(B) without a region failed (${(e as Error).message}) and left listeners [${ports.join(", ")}], want [${portA}] untouched`);
                }
                return { findings, story };
            }
            find(failureSignature("up(B)", e), (e as Error).message);
            return { findings, story };
        }
        if (up.op === "replace") {
            const permitted = replacementFields(protocol, a, b, { regionId: REGION });
            if (permitted.length === 0) {
                find(`needless-replacement:${up.diff!.replaces.join(",")}`, `diff planned a replacement on [${up.diff!.replaces.join(", ")}] but no field that needs one changed`);
            }
        }

        const seen = host.stderr.length;
        const next = await engine.preview(program(b, ctx.providerText)).catch((e: unknown) => {
            find(failureSignature("preview", e), (e as Error).message);
            return undefined;
        });
        if (next && next.changes !== "none") {
            const id = engine.resource?.id ?? "";
            const drift = host.stderr.slice(seen).filter((l) => l.startsWith(`${id}:`)).map((l) => l.slice(id.length + 2));
            const fields = [...new Set(drift.map((l) => l.split(" ")[0]))].sort();
            const what = next.replaces.length ? `replace:${next.replaces.join(",")}` : `update${fields.length ? `:${fields.join(",")}` : ""}`;
            find(`not-converged:${what}`, `the diff after up(B) says ${next.changes}${next.replaces.length ? `, replaces [${next.replaces.join(", ")}]` : ""}${drift.length ? `; drift: ${drift.join("; ")}` : ""}`);
        }

        const body: DescribeBody | undefined = await world.describe(lane, portB);
        if (!body) {
            find("listener-absent", `no listener on port ${portB} after up(B)`);
        } else {
            // A replacement is a new listener: the platform's tags stayed on the old one.
            for (const m of liveMismatches(protocol, b, body, up.op === "replace" ? {} : attached)) {
                if (m.field !== "tags") find(`live-mismatch:${m.field}`, showMismatch(m));
                else {
                    const delta = tagDelta(m);
                    find(`live-mismatch:tags:${delta.kind}`, `${delta.text}; ${showMismatch(m)}`);
                }
            }
        }
        const ports = await world.ports(lane);
        if (ports.length !== 1 || ports[0] !== portB) find("listeners-on-lb", `listeners on the load balancer: [${ports.join(", ")}], want [${portB}]`);
        return { findings, story };
    } finally {
        story.push(...engine.transcript.map((l) => `  ${l}`));
        await world.clear(lane);
        if (process.env.SLB_PROPERTY_DEBUG) {
            console.error(`[property] ${name} ${Date.now() - started} ms ${findings.map((f) => f.signature).join(" ") || "ok"}`);
        }
    }
}

/** What differs between wanted and live tags; `kind` is the most telling difference, for the signature. */
function tagDelta(m: Mismatch): { kind: string; text: string } {
    const want = m.want as Record<string, string>;
    const got = m.got as Record<string, string>;
    // Own keys only: a tag may be called "toString".
    const has = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);
    const missing = Object.keys(want).filter((k) => !has(got, k));
    const extra = Object.keys(got).filter((k) => !has(want, k));
    const changed = Object.keys(want).filter((k) => has(got, k) && got[k] !== want[k]);
    const kind = missing.some(isServiceTag) ? "service-tag-removed" : missing.includes(OWNER_TAG_KEY) ? "owner-missing"
        : missing.length ? "missing" : extra.length ? "extra" : "changed";
    const text = [missing.length ? `missing ${missing.join(",")}` : "", extra.length ? `extra ${extra.join(",")}` : "",
        changed.length ? `changed ${changed.join(",")}` : ""].filter(Boolean).join("; ");
    return { kind, text };
}

/** A readable account of a failed case. */
export function describeReport(report: CaseReport): string {
    return [...report.findings.map((f) => `FAILED ${f.signature}: ${f.detail}`), ...report.story].join("\n");
}
