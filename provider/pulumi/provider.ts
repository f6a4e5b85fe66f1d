// ListenerProvider: the ResourceProvider behind TcpListener and UdpListener, written once for every protocol. Lifecycle
// logic only: the network is reached through SlbClient (api/), the rules come from the protocol's field table through
// core/ (validate, desired, diff, mapping).

import { createHash } from "crypto";
import { isDeepStrictEqual } from "util";
import type * as pulumi from "@pulumi/pulumi";
import { SlbClient } from "../api/client";
import { ConfigGetter, ConfigurationError, Settings, requireCredentials, requireRegion, resolveEndpoint, resolveSettings } from "../api/config";
import { currentDeadline, deadlineOr, withDeadline } from "../api/deadline";
import { LoadBalancerNotFound, SlbApiError, explain } from "../api/errors";
import { withLock } from "../api/lock";
import { sleep } from "../api/retry";
import { PROGRAM_KEY, ResourceContext, isOwnTag, parseUrn } from "../core/context";
import { withDefaults } from "../core/defaults";
import { DesiredListener, desiredListener } from "../core/desired";
import { StateDiff, changedPaths, compareState, driftReport, hasChanges, stateFromOutputs, withoutIgnoredDrift } from "../core/diff";
import { MAX_USER_TAGS, OWNER_TAG_KEY, PORT_TAKEN_CODES } from "../core/fields";
import { LiveListener, createParams, fillUnreported, inputsFromOutputs, setParams, settledStatus, toOutputs } from "../core/mapping";
import { ListenerKey, Protocol } from "../core/protocol";
import { Failure, isUnknown, validateInputs } from "../core/validate";
import { TCP, UDP } from "../protocols";
import { adaptToHost, engineRequestOf, forResource, markReported, say, warn } from "./engine-host";
import { contextOf } from "./program-facts";

type Props = Record<string, unknown>;

/** How long a Describe answer from diff() may stand in for a fresh read in the update() that follows. */
const LIVE_CACHE_TTL_MS = 5 * 60 * 1000;
/** How long check() may spend looking at the service during a preview; longer, and it warns and goes on. */
const LOOK_BOUND_MS = 10_000;
/** A wait longer than this tells the user what it is waiting for, and again every SAY_AGAIN_EVERY_MS. */
const SAY_WAITING_AFTER_MS = 5000;
const SAY_AGAIN_EVERY_MS = 30_000;

/**
 * An operation's failure in the user's words: `TcpListener <id>: ...`, the API's code and request id, what to do.
 * A partial failure (the listener exists and is recorded) is already worded so.
 */
function failure(protocol: Protocol, id: string, e: unknown): Error {
    if ((e as { reasons?: unknown }).reasons !== undefined) return e as Error;
    const resource = `${protocol.resourceName} ${id}`;
    const error = explain(protocol, resource, e, hintFor(e));
    return error.message.startsWith(`${protocol.resourceName} `) ? error : Object.assign(new Error(`${resource}: ${error.message}`), { cause: e });
}

export class ListenerProvider implements pulumi.dynamic.ResourceProvider {
    private config: ConfigGetter = () => undefined;
    private readonly clients = new Map<string, SlbClient>();
    private readonly liveCache = new Map<string, { live: LiveListener; at: number }>();
    /** Load balancers already reported as unknown to the service in this process (said once each). */
    private readonly unknownLoadBalancers = new Set<string>();
    /** Configuration problems already warned about by check() in this process. */
    private readonly saidOnce = new Set<string>();
    /**
     * Listeners this process planned to replace by a new one on the same port: the engine checks the new one again
     * without the old inputs, and its port is then held by the very listener it replaces. Until the old one is deleted,
     * a create of the id is refused (createFirstMessage).
     */
    private readonly replacingInPlace = new Set<string>();

    constructor(readonly protocol: Protocol) {
        adaptToHost();
    }

    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        // Keys are namespaced ("alicloud:region"), so Config.get never adds the project prefix.
        this.config = (key) => req.config.get(key);
    }

    async check(olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
        // Inputs are kept as written ("$_ip" stays "$_ip"): the service accepts them so; comparisons use the
        // spelling the service reports (desired.ts). What is left unset is filled with what the listener will have, so
        // that the engine records and shows the whole configuration.
        const failures = validateInputs(this.protocol, news, contextOf(news).secrets);
        if (failures.length > 0) return { inputs: news, failures };
        const inputs = withDefaults(this.protocol, news, this.regionOrUndefined());
        return { inputs, failures: await this.whatOnlyTheServiceKnows(olds, inputs) };
    }

    diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
        const context = contextOf(news);
        return this.operation(id, context, async () => {
            const desired = desiredListener(this.protocol, news, context);
            const recorded = stateFromOutputs(this.protocol, olds);
            const program = compareState(desired, recorded);
            const replaces = [...program.replaces];
            if (this.regionChanges(id, olds, news)) replaces.push("regionId");
            // A replacement that keeps the id (same load balancer and port) must delete first: the engine deletes the
            // old resource by id after creating the new one, which would remove the new listener.
            const keepsId = news.loadBalancerId === olds.loadBalancerId && news.listenerPort === olds.listenerPort;
            if (replaces.length > 0) return this.replacement(id, context, replaces, program.deleteBeforeReplace || keepsId, keepsId);

            // Drift: one read, compared with what the program wants.
            const key = this.keyOf(id, olds);
            const described = await this.readLive(key);
            if (described === "gone") {
                await say(`${id}: the listener no longer exists (deleted outside Pulumi); up creates it again under the same id`);
                // update() creates it again: no replacement, so protect and retainOnDelete do not stand in the way.
                return { changes: true, replaces: [], deleteBeforeReplace: false };
            }
            this.liveCache.set(id, { live: described, at: Date.now() });
            const live = fillUnreported(this.protocol, described, olds);
            for (const line of driftReport(id, desired, recorded, live)) await say(line);
            const actual = compareState(desired, withoutIgnoredDrift(this.protocol, live, recorded, context.ignored));
            if (actual.replaces.length > 0) return this.replacement(id, context, actual.replaces, true);
            // replaceOnChanges: the engine can only apply it with changed keys, which a dynamic provider cannot return.
            const replaceOn = [...changedPaths(actual), ...changedPaths(program)].filter((p) => context.replaceOn.covers(p));
            if (replaceOn.length > 0) return this.replacement(id, context, [...new Set(replaceOn.map((p) => String(p[0])))], true);
            // The serialized provider's text alone is no change: the loader runs the installed package whatever it says.
            return { changes: hasChanges(actual) || hasChanges(program), replaces: [], deleteBeforeReplace: false };
        });
    }

    create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
        const context = contextOf(inputs);
        const id = this.protocol.formatId({ loadBalancerId: String(inputs.loadBalancerId), listenerPort: Number(inputs.listenerPort) });
        return this.operation(id, context, async () => {
            const failures = validateInputs(this.protocol, inputs, context.secrets);
            if (failures.length > 0) throw new Error(`Invalid ${this.protocol.resourceName} inputs: ${failures.map((f) => f.reason).join("; ")}`);
            if (this.replacingInPlace.has(id)) throw new Error(createFirstMessage(id));
            const regionId = requireRegion(this.settings(), inputs.regionId as string | undefined);
            const key = this.key(regionId, String(inputs.loadBalancerId), Number(inputs.listenerPort));
            return { id, outs: await this.establish(id, key, desiredListener(this.protocol, inputs, context)) };
        }, false);
    }

    read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
        return this.operation(id, contextOf(props), async () => {
            const key = this.keyOf(id, props);
            const live = await this.readLive(key);
            if (live === "gone") return {};
            // What the service shows; only what it hides (backendServerPort behind a group) comes from the record.
            const outs = toOutputs(this.protocol, props, fillUnreported(this.protocol, live, props), key.regionId);
            // Nothing changed: the recorded inputs stand (handing back others would make the next up write every state
            // again). Otherwise the inputs a program would write for what the service shows, keeping what only the
            // program knows (the engine's request has the recorded inputs).
            if (sameOutputs(outs, props)) return { id, props: outs };
            const region = this.settings().region;
            const program = engineRequestOf(props)?.oldInputs?.[PROGRAM_KEY];
            const inputs = { ...withDefaults(this.protocol, inputsFromOutputs(this.protocol, outs, region), region), ...(program !== undefined ? { [PROGRAM_KEY]: program } : {}) };
            return { id, props: outs, inputs } as pulumi.dynamic.ReadResult;
        });
    }

    update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
        const context = contextOf(news);
        return this.operation(id, context, async () => {
            const key = this.keyOf(id, olds);
            const described = this.takeCachedLive(id) ?? await this.readLive(key);
            const desired = desiredListener(this.protocol, news, context);
            if (described === "gone") {
                await say(`${id}: creating the listener again (it was deleted outside Pulumi)`);
                return { outs: await this.establish(id, key, desired) };
            }
            const live = withoutIgnoredDrift(this.protocol, fillUnreported(this.protocol, described, olds), stateFromOutputs(this.protocol, olds), context.ignored);
            const diff = compareState(desired, live);
            if (diff.replaces.length > 0) {
                throw new Error(`${diff.replaces.join(", ")} cannot change in place; run \`pulumi up\` again so the listener is replaced.`);
            }
            return { outs: toOutputs(this.protocol, news, await this.apply(this.client(key.regionId), key, diff, live), key.regionId) };
        }, false);
    }

    delete(id: string, props: Props): Promise<void> {
        // The old listener of a same-port replacement goes first, as planned: its replacement may now be created.
        this.replacingInPlace.delete(id);
        return this.operation(id, contextOf(props), async () => {
            const key = this.keyOf(id, props);
            const client = this.client(key.regionId);
            let outcome: "deleted" | "gone";
            try {
                outcome = await this.mutate(key, () => client.deleteListener(key));
            } catch (e) {
                if (!(e instanceof LoadBalancerNotFound) || !this.settings().missingLoadBalancerIsGone) throw e;
                outcome = "gone";
            }
            // An answer that the listener does not exist needs no read to confirm it.
            if (outcome === "deleted") await this.waitFor(client, key, "deleted");
        });
    }

    /**
     * What the preview can learn from the service about a listener this resource does not hold yet (a create, or a
     * move to another load balancer or port), from the operation's view of the load balancer (listener-reads.ts, no
     * call per listener): a load balancer the service does not know, and a port already used by a listener that is
     * not this resource's. Certain answers are check failures; a read that fails is a warning (a preview must not fail
     * because the network hiccuped). Unknown values (outputs of other resources) are not looked at.
     */
    private async whatOnlyTheServiceKnows(olds: Props, inputs: Props): Promise<Failure[]> {
        const { loadBalancerId, listenerPort, regionId } = inputs;
        if (typeof loadBalancerId !== "string" || typeof listenerPort !== "number" || typeof regionId !== "string") return [];
        if ([loadBalancerId, regionId].some(isUnknown)) return [];
        // Inputs recorded before check() filled in the region (0.1.0) have none; a region move is the diff's business.
        const sameRegion = olds.regionId === regionId || olds.regionId === undefined;
        if (olds.loadBalancerId === loadBalancerId && olds.listenerPort === listenerPort && sameRegion) return [];
        // The same load balancer in another region: diff() explains that a listener cannot move (its load balancer is
        // not found there, which says less).
        if (olds.loadBalancerId === loadBalancerId && !sameRegion) return [];
        const context = contextOf(inputs);
        const key = this.key(regionId, loadBalancerId, listenerPort);
        const id = this.protocol.formatId(key);
        if (this.replacingInPlace.has(id)) return [];
        return forResource(context.urn, async () => {
            try {
                const live = await withDeadline(Math.min(LOOK_BOUND_MS, this.settings().retryTimeoutMs), () => this.client(regionId).describeListener(key));
                if (!live || isOwnTag(context, live.owner ?? undefined) || inputs.adoptExisting === true) return [];
                return [{ property: "listenerPort", reason: portTakenMessage(this.protocol, id, key, live.owner ?? undefined, context) }];
            } catch (e) {
                if (e instanceof LoadBalancerNotFound) {
                    return [{
                        property: "loadBalancerId", reason: `${this.protocol.resourceName} ${id}: the ${e.finding}. Check loadBalancerId, the region ` +
                            "(regionId, alicloud:region) and that the AccessKey belongs to the load balancer's account.",
                    }];
                }
                const reason = e instanceof SlbApiError ? `${e.code}: ${e.apiMessage}` : (e as Error).message;
                const said = `${id}: could not look at the load balancer during the preview (${reason}); the preview goes on without it`;
                if (!(e instanceof ConfigurationError)) await warn(said);
                else if (!this.saidOnce.has(reason)) {
                    this.saidOnce.add(reason);
                    await warn(said);
                }
                return [];
            }
        });
    }

    // ---- helpers ----

    private settings(): Settings {
        return resolveSettings(this.config, process.env);
    }

    /** The configured region, or undefined (also when the configuration cannot be read: check() reports nothing of it). */
    private regionOrUndefined(): string | undefined {
        try {
            return this.settings().region;
        } catch {
            return undefined;
        }
    }

    /**
     * Runs one operation of one resource: under one time bound (its calls, retries, waits and time queued behind other
     * changes), with what it says shown under the resource, and its failure worded for the user. `reported`: the
     * host prints the errors of check/diff/read/delete itself; they are marked so that they show once.
     */
    private operation<T>(id: string, context: ResourceContext, work: () => Promise<T>, reported = true): Promise<T> {
        return forResource(context.urn, async () => {
            try {
                // Settings are read inside: a configuration error is worded like every other failure.
                return await withDeadline(this.settings().retryTimeoutMs, work);
            } catch (e) {
                if (e instanceof LoadBalancerNotFound) await this.sayLoadBalancerNotFound(e);
                const error = failure(this.protocol, id, e);
                throw reported ? markReported(error) : error;
            }
        });
    }

    /** Says once per load balancer and process that the service does not know it (the likely causes are in the text). */
    private async sayLoadBalancerNotFound(e: LoadBalancerNotFound): Promise<void> {
        const key = `${e.regionId}/${e.loadBalancerId}/${e.accessKeyId}`;
        if (this.unknownLoadBalancers.has(key)) return;
        this.unknownLoadBalancers.add(key);
        process.stderr.write(`${e.message}\n`);
    }

    /** The live listener, "gone" when it no longer exists (or its load balancer is unknown and the user says that means gone). */
    private async readLive(key: ListenerKey): Promise<LiveListener | "gone"> {
        try {
            return await this.client(key.regionId).describeListener(key) ?? "gone";
        } catch (e) {
            if (e instanceof LoadBalancerNotFound && this.settings().missingLoadBalancerIsGone) return "gone";
            throw e;
        }
    }

    /**
     * Whether the program moves the listener to another region. A Classic Load Balancer belongs to one region, so its
     * listener can only follow a new load balancer: with the same load balancer the plan can never succeed (the
     * Create in the new region finds no load balancer), and it fails here, before anything is deleted. No plan either
     * replaces a listener on the strength of a region the provider could not resolve.
     */
    private regionChanges(id: string, olds: Props, news: Props): boolean {
        if (isUnknown(news.regionId)) return true;
        let region: string;
        try {
            region = requireRegion(this.settings(), news.regionId as string | undefined);
        } catch (e) {
            const where = typeof olds.regionId === "string" ? ` The listener was created in ${olds.regionId};` : "";
            throw new Error(`${(e as Error).message}${where} nothing is planned until the region is known.`);
        }
        if (typeof olds.regionId !== "string" || region === olds.regionId) return false;
        if (news.loadBalancerId === olds.loadBalancerId) {
            throw new Error(`the listener and its load balancer ${String(olds.loadBalancerId)} are in ${olds.regionId}, but this run's region is ` +
                `${region} (the regionId input, or alicloud:region / ALICLOUD_REGION where it is unset). A Classic Load Balancer belongs to one region, so its listener cannot move to another: set ` +
                `regionId: "${olds.regionId}" on the listener (or alicloud:region back to ${olds.regionId}), or give it a load balancer in ` +
                `${region} to move it. Nothing is planned.`);
        }
        return true;
    }

    /** A replacement's diff; one that deletes first while retainOnDelete would keep the old listener cannot succeed. */
    private replacement(id: string, context: ResourceContext, replaces: readonly string[], deleteFirst: boolean, samePort = true): pulumi.dynamic.DiffResult {
        if (deleteFirst && context.retainOnDelete) {
            throw new Error(`${replaces.join(", ")} cannot change in place, and the new listener needs the port of the old one, which ` +
                "must be deleted first; with retainOnDelete the old listener would only be forgotten and keep the port, so the new one " +
                "could not be created. Remove retainOnDelete for this change (or change listenerPort too, so the new listener is " +
                "created first on its own port). Nothing is planned.");
        }
        if (samePort) this.replacingInPlace.add(id);
        return { changes: true, replaces: [...replaces], deleteBeforeReplace: deleteFirst };
    }

    private client(regionId: string): SlbClient {
        const settings = this.settings();
        const credentials = requireCredentials(settings);
        const endpoint = resolveEndpoint(settings, regionId);
        // Cache per endpoint and credentials; the secret enters the key only as a hash.
        const secretHash = createHash("sha256").update(credentials.accessKeySecret + (credentials.securityToken ?? "")).digest("hex");
        const cacheKey = [`${endpoint.protocol}://${endpoint.host}`, credentials.accessKeyId, secretHash, settings.retryTimeoutMs,
            settings.unreachableTimeoutMs, settings.readSnapshotMs].join("|");
        let client = this.clients.get(cacheKey);
        if (!client) {
            client = new SlbClient({
                endpoint, credentials, retryTimeoutMs: settings.retryTimeoutMs, unreachableTimeoutMs: settings.unreachableTimeoutMs,
                readSnapshotMs: settings.readSnapshotMs, say: (line) => void say(line),
            });
            this.clients.set(cacheKey, client);
        }
        return client;
    }

    private key(regionId: string, loadBalancerId: string, listenerPort: number): ListenerKey {
        return { regionId, loadBalancerId, listenerPort, protocol: this.protocol };
    }

    private keyOf(id: string, props: Props): ListenerKey {
        const parsed = this.protocol.parseId(id);
        const loadBalancerId = typeof props.loadBalancerId === "string" ? props.loadBalancerId : parsed?.loadBalancerId;
        const listenerPort = typeof props.listenerPort === "number" ? props.listenerPort : parsed?.listenerPort;
        if (!loadBalancerId || listenerPort === undefined) {
            throw new Error(`cannot tell the listener from id ${JSON.stringify(id)}; expected <loadBalancerId>:${this.protocol.name}:<port>`);
        }
        return this.key(requireRegion(this.settings(), props.regionId as string | undefined), loadBalancerId, listenerPort);
    }

    private takeCachedLive(id: string): LiveListener | undefined {
        const entry = this.liveCache.get(id);
        this.liveCache.delete(id);
        return entry && Date.now() - entry.at < LIVE_CACHE_TTL_MS ? entry.live : undefined;
    }

    /** Mutating calls go one at a time per load balancer (the service accepts one change at a time). */
    private mutate<T>(key: ListenerKey, work: () => Promise<T>): Promise<T> {
        return withLock(`${key.regionId}/${key.loadBalancerId}`, work, currentDeadline());
    }

    /**
     * Creates the listener with every setting and starts it. When the port is taken the ownership tag decides: this
     * resource's own listener (a Create whose answer was lost, a run that crashed before Start) is finished, anyone
     * else's is an error. Once the listener exists every failure is a partial failure, so it is never orphaned.
     */
    private async establish(id: string, key: ListenerKey, desired: DesiredListener): Promise<Props> {
        const { inputs } = desired;
        const client = this.client(key.regionId);
        try {
            await this.mutate(key, () => client.createListener(key, createParams(this.protocol, inputs, key.regionId, desired.context.owner)));
        } catch (e) {
            if (e instanceof SlbApiError && PORT_TAKEN_CODES.includes(e.code)) return this.adopt(id, key, desired, client, e.code);
            throw e;
        }
        try {
            const live = desired.status === "stopped" ? await this.describeOrFail(client, key) : await this.start(client, key);
            return toOutputs(this.protocol, inputs, fillUnreported(this.protocol, live, inputs), key.regionId);
        } catch (e) {
            throw this.partialFailure(id, desired, key.regionId, e, "created");
        }
    }

    private async describeOrFail(client: SlbClient, key: ListenerKey): Promise<LiveListener> {
        const live = await client.describeListener(key, true);
        if (!live) throw new Error(`the listener ${this.protocol.formatId(key)} disappeared right after it was created`);
        return live;
    }

    private async start(client: SlbClient, key: ListenerKey): Promise<LiveListener> {
        await this.mutate(key, () => client.startListener(key));
        return this.waitFor(client, key, "running") as Promise<LiveListener>;
    }

    /** Polls only as often as a transition needs: 150 ms, then doubling up to 2 s, until the deadline. */
    private async waitFor(client: SlbClient, key: ListenerKey, want: "running" | "stopped" | "deleted"): Promise<LiveListener | undefined> {
        const started = Date.now();
        const bound = this.settings().retryTimeoutMs;
        const deadline = deadlineOr(started, bound);
        // A delete is usually done when its call answers: look at once. Start and stop take a transition.
        let delay = want === "deleted" ? 0 : 150;
        let saidAt: number | undefined;
        for (;;) {
            await sleep(delay);
            const live = await client.describeListener(key, true);
            if (want === "deleted" ? !live : live?.status === want) return live;
            if (!live) throw new Error(`the listener ${this.protocol.formatId(key)} disappeared while waiting for it to be ${want}`);
            const now = Date.now();
            if (now + delay > deadline) {
                throw new Error(`the listener ${this.protocol.formatId(key)} was still ${live.status} after ${Math.round((now - started) / 1000)} s waiting for ${want} ` +
                    `(the operation's bound is ${Math.round(bound / 1000)} s, slbListener:retryTimeoutSeconds)`);
            }
            if (saidAt === undefined ? now - started > SAY_WAITING_AFTER_MS : now - saidAt >= SAY_AGAIN_EVERY_MS) {
                saidAt = now;
                await say(`${this.protocol.formatId(key)}: waiting for the listener to be ${want} (it is ${live.status}); ${Math.round((now - started) / 1000)} s so far, ` +
                    `at most ${Math.max(1, Math.round((deadline - now) / 1000))} s more (slbListener:retryTimeoutSeconds is ${Math.round(bound / 1000)} s)`);
            }
            delay = Math.min(Math.max(delay * 2, 150), 2000);
        }
    }

    /**
     * Makes the live listener match the desired inputs; returns the resulting state. A listener to be stopped
     * is stopped first and one to be started is started last, so settings change while it is stopped and the
     * Set never meets a transition of our own making (no busy answers).
     */
    private async apply(client: SlbClient, key: ListenerKey, diff: StateDiff, live: LiveListener): Promise<LiveListener> {
        let status = settledStatus(live.status);
        if (diff.status === "stopped") {
            await this.mutate(key, () => client.stopListener(key));
            status = (await this.waitFor(client, key, "stopped"))!.status;
        }
        const values = { ...live.values };
        if (diff.updates.length > 0) {
            await this.mutate(key, () => client.setListener(key, setParams(key, diff.updates)));
            for (const { field, to } of diff.updates) {
                if (to === undefined) delete values[field.input];
                else values[field.input] = to;
            }
        }
        // Remove before adding: renaming tags must not pass the service's limit of 20 on the way.
        if (diff.tags.remove.length > 0) await this.mutate(key, () => client.untagListener(key, diff.tags.remove));
        if (Object.keys(diff.tags.set).length > 0) await this.mutate(key, () => client.tagListener(key, diff.tags.set));
        const allTags: Record<string, string> = { ...live.tags, ...(typeof live.owner === "string" ? { [OWNER_TAG_KEY]: live.owner } : {}) };
        for (const k of diff.tags.remove) delete allTags[k];
        Object.assign(allTags, diff.tags.set);
        const { [OWNER_TAG_KEY]: owner, ...tags } = allTags;

        if (diff.status === "running") status = (await this.start(client, key)).status;
        return { values, tags, owner, status };
    }

    /** Takes over an existing listener on the port: one we created (ownership tag) or, with adoptExisting, any. */
    private async adopt(id: string, key: ListenerKey, desired: DesiredListener, client: SlbClient, code: string): Promise<Props> {
        const { inputs, context } = desired;
        const described = await client.describeListener(key, true);
        if (!described) {
            throw new Error(`port ${key.listenerPort} on load balancer ${key.loadBalancerId} is taken (${code}) by a listener of another ` +
                `protocol (HTTP and HTTPS listeners use TCP ports too). Choose another listenerPort, or remove that listener.`);
        }
        const existing = fillUnreported(this.protocol, described, inputs);
        const holder = existing.owner ?? undefined;
        const ours = isOwnTag(context, holder);
        if (!ours && inputs.adoptExisting !== true) throw new Error(portTakenMessage(this.protocol, id, key, holder, context));
        const diff = compareState(desired, existing);
        if (diff.replaces.length > 0) {
            throw new Error(
                `the existing listener cannot be adopted because ${diff.replaces.join(", ")} differs and cannot change in place ` +
                `(${diff.replaces.map((f) => `it has ${f} ${JSON.stringify(existing.values[f])}`).join(", ")}). Match it in the program, or delete that listener.`);
        }
        await say(ours ? `${id}: finishing the listener, created by an earlier run of this resource (found by its ownership tag)`
            : `${id}: adopting the existing listener (adoptExisting: true)`);
        try {
            return toOutputs(this.protocol, inputs, await this.apply(client, key, diff, existing), key.regionId);
        } catch (e) {
            throw this.partialFailure(id, desired, key.regionId, e, ours ? "finished" : "adopted");
        }
    }

    /** Pulumi's partial-failure error: the listener exists, so it is recorded (never orphaned). */
    private partialFailure(id: string, desired: DesiredListener, regionId: string, cause: unknown, how: "created" | "finished" | "adopted"): Error {
        const { inputs } = desired;
        const reason = failure(this.protocol, id, cause).message;
        // The Create carried every setting, so the listener holds what the inputs ask for (it is not started yet).
        const values = Object.fromEntries([...desired.values].filter(([, v]) => v !== undefined && !isUnknown(v)));
        const tags = isUnknown(desired.tags) ? {} : { ...(desired.tags as Record<string, string>) };
        const recorded: LiveListener = { values, tags, owner: desired.context.owner, status: "stopped" };
        // __provider is not added by the host on this path; without it the recorded listener could not be deleted.
        const properties = { ...toOutputs(this.protocol, inputs, recorded, regionId), ...(inputs.__provider !== undefined ? { __provider: inputs.__provider } : {}) };
        const done = how === "created" ? "The listener was created" : how === "finished" ? "The listener (made by an earlier run) exists" : "The listener was adopted";
        const error = new Error(`${reason} ${done} and is recorded in the stack; run \`pulumi up\` again to finish it.`);
        return Object.assign(error, { id, properties, reasons: [reason] });
    }
}

/** Whether refreshed outputs say what the recorded ones say (the serialized provider aside). */
function sameOutputs(outs: Props, recorded: Props): boolean {
    const { __provider: _a, ...a } = recorded;
    const { __provider: _b, ...b } = outs;
    return isDeepStrictEqual(a, b);
}

/**
 * A same-port replacement that the engine runs create-first although diff() asked to delete first: an explicit
 * deleteBeforeReplace: false wins over the provider's answer. The new listener would be the old one (same id, own
 * owner tag), and the engine's delete of the old resource would then remove it.
 */
function createFirstMessage(id: string): string {
    return `${id}: the engine is creating the replacement before deleting the old listener, but both are the same listener ` +
        "(same load balancer and port), so the engine's delete of the old one would remove it. The provider asked to delete " +
        "first; deleteBeforeReplace: false, set explicitly, overrides that (a transform that returns the options it was given " +
        "sets it: return opts undefined, or only the options you change). Set deleteBeforeReplace: true on this resource, or " +
        "remove the explicit false. Nothing was changed.";
}

/** Who holds a taken port, and what to do, in the user's words. */
function portTakenMessage(protocol: Protocol, id: string, key: ListenerKey, holder: string | undefined, context: ResourceContext): string {
    const self = context.owner ? ` (this resource is ${context.owner})` : "";
    const where = `${protocol.spec.title} port ${key.listenerPort} on load balancer ${key.loadBalancerId}`;
    const resource = `${protocol.resourceName} ${id}`;
    if (!holder) {
        return `${resource}: ${where} is already used by a listener that this stack did not create${self}. ` +
            "Choose another listenerPort, delete that listener, or set adoptExisting: true to take it over.";
    }
    if (holder === context.legacyOwner) {
        return `${resource}: ${where} is used by a listener whose ownership tag (${holder}) an earlier version of this provider wrote; ` +
            `it leaves out the parent components, so it may belong to another resource named "${parseUrn(context.urn!)?.name}"${self}. ` +
            "If it is this resource's, set adoptExisting: true to take it over; otherwise choose another listenerPort.";
    }
    return `${resource}: ${where} is already used by the Pulumi resource ${holder}${self}. Give one of the two resources another ` +
        "listenerPort, or remove one of them. (If you renamed this resource, add an alias with its old name instead.)";
}

/** What the user can do about an error, when there is something specific to say. */
function hintFor(error: unknown): string | undefined {
    if (!(error instanceof SlbApiError)) return undefined;
    if (error.statusCode === undefined) {
        return "Check the endpoint (alicloud:endpoints or ALICLOUD_SLB_ENDPOINT) and the network, then run `pulumi up` again.";
    }
    switch (error.code) {
        case "InvalidLoadBalancerId.NotFound":
            return "Check loadBalancerId and regionId (the load balancer must be in the listener's region).";
        case "InvalidParameterValue.SpecNotSupport":
            return "The hashing schedulers (sch, tch, and qch for UDP) need a performance-guaranteed load balancer (one created with a LoadBalancerSpec); use wrr or rr.";
        case "SizeLimitExceeded.Tag":
        case "TagCountLimit":
            return `A listener carries at most ${MAX_USER_TAGS} tags of yours.`;
        case "Forbidden.RAM":
        case "Forbidden":
            return "The access key lacks permission for this SLB action; grant it in RAM.";
        case "SignatureDoesNotMatch":
        case "InvalidAccessKeyId.NotFound":
            return "Check alicloud:accessKey and alicloud:secretKey (or ALICLOUD_ACCESS_KEY / ALICLOUD_SECRET_KEY).";
        default:
            return undefined;
    }
}

/** The TCP listener's provider: what `TcpListener` resources run (the loader finds it by this name). */
export class TcpListenerProvider extends ListenerProvider {
    constructor() {
        super(TCP);
    }
}

/** The UDP listener's provider: what `UdpListener` resources run. */
export class UdpListenerProvider extends ListenerProvider {
    constructor() {
        super(UDP);
    }
}
