// TcpListenerProvider: the ResourceProvider behind TcpListener. Lifecycle logic only; the network is
// reached through SlbClient, the rules come from the field table via validate/diff/mapping.

import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { SlbClient, ListenerKey } from "./client";
import { ConfigGetter, Settings, requireCredentials, requireRegion, resolveEndpoint, resolveSettings } from "./config";
import { currentDeadline, deadlineOr, withDeadline } from "./deadline";
import { desiredValue } from "./desired";
import { StateDiff, compareState, driftReport, hasChanges, ignoredPaths, stateFromOutputs, withoutIgnoredDrift } from "./diff";
import { SlbApiError, explain } from "./errors";
import { CONFIG_FIELDS, MAX_USER_TAGS, OWNER_TAG_KEY, PORT_TAKEN_CODES, isSet } from "./fields";
import { withLock } from "./lock";
import { LiveListener, createParams, fillUnreported, inputsFromOutputs, setParams, settledStatus, toOutputs } from "./mapping";
import { sleep } from "./retry";
import { isUnknown, validateInputs } from "./validate";

type Props = Record<string, unknown>;

/** How long a Describe answer from diff() may stand in for a fresh read in the update() that follows. */
const LIVE_CACHE_TTL_MS = 5 * 60 * 1000;
/** A wait longer than this tells the user what it is waiting for. */
const SAY_WAITING_AFTER_MS = 5000;

export function formatId(key: ListenerKey): string {
    return `${key.loadBalancerId}:tcp:${key.listenerPort}`;
}

/** Parses `<loadBalancerId>:tcp:<port>`. */
export function parseId(id: string): { loadBalancerId: string; listenerPort: number } | undefined {
    const match = /^([^:]+):tcp:(\d+)$/.exec(id);
    return match ? { loadBalancerId: match[1], listenerPort: Number(match[2]) } : undefined;
}

function log(line: string): void {
    // The provider host passes stderr through; the Pulumi CLI shows it next to the resource.
    process.stderr.write(`${line}\n`);
}

export class TcpListenerProvider implements pulumi.dynamic.ResourceProvider {
    private config: ConfigGetter = () => undefined;
    private readonly clients = new Map<string, SlbClient>();
    private readonly liveCache = new Map<string, { live: LiveListener; at: number }>();

    async configure(req: pulumi.dynamic.ConfigureRequest): Promise<void> {
        // Keys are namespaced ("alicloud:region"), so Config.get never adds the project prefix.
        this.config = (key) => req.config.get(key);
    }

    async check(_olds: Props, news: Props): Promise<pulumi.dynamic.CheckResult> {
        // Inputs are kept as written ("$_ip" stays "$_ip"): the service accepts them so; comparisons use the
        // spelling the service reports (desired.ts).
        return { inputs: news, failures: validateInputs(news) };
    }

    diff(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.DiffResult> {
        return this.bounded(async () => {
            const recorded = stateFromOutputs(olds);
            const program = compareState(news, recorded);
            const replaces = [...program.replaces];
            const newRegion = this.regionOfPlan(id, olds, news);
            if (!isUnknown(newRegion) && newRegion !== olds.regionId) replaces.push("regionId");
            // A replacement that keeps the id (same load balancer and port) must delete first: the engine deletes the
            // old resource by id after creating the new one, which would remove the new listener.
            const keepsId = news.loadBalancerId === olds.loadBalancerId && news.listenerPort === olds.listenerPort;
            if (replaces.length > 0) return { changes: true, replaces, deleteBeforeReplace: program.deleteBeforeReplace || keepsId };

            // Drift: one Describe, compared with what the program wants.
            const key = this.keyOf(id, olds);
            const described = await this.client(key.regionId).describeListener(key);
            if (!described) {
                log(`${id}: the listener no longer exists (deleted outside Pulumi); it will be created again`);
                // Same id for the new listener, so delete (a no-op, it is gone) before creating.
                return { changes: true, replaces: ["listenerPort"], deleteBeforeReplace: true };
            }
            this.liveCache.set(id, { live: described, at: Date.now() });
            const live = fillUnreported(described, olds);
            for (const line of driftReport(id, news, recorded, live)) log(line);
            const actual = compareState(news, withoutIgnoredDrift(live, recorded, ignoredPaths(news)));
            if (actual.replaces.length > 0) {
                return { changes: true, replaces: actual.replaces, deleteBeforeReplace: actual.deleteBeforeReplace };
            }
            const changes = hasChanges(actual) || hasChanges(program) || olds.__provider !== news.__provider;
            return { changes, replaces: [], deleteBeforeReplace: false };
        });
    }

    create(inputs: Props): Promise<pulumi.dynamic.CreateResult> {
        return this.bounded(async () => {
            const failures = validateInputs(inputs);
            if (failures.length > 0) throw new Error(`Invalid TcpListener inputs: ${failures.map((f) => f.reason).join("; ")}`);
            const regionId = requireRegion(this.settings(), inputs.regionId as string | undefined);
            const key: ListenerKey = { regionId, loadBalancerId: String(inputs.loadBalancerId), listenerPort: Number(inputs.listenerPort) };
            const id = formatId(key);
            const client = this.client(regionId);
            try {
                await this.mutate(key, () => client.createListener(createParams(inputs, regionId)));
            } catch (e) {
                // The port is taken: maybe by this very listener, created by a call whose answer was lost (the retry
                // then meets it) or by a run that crashed before Start. The ownership tag decides.
                if (e instanceof SlbApiError && PORT_TAKEN_CODES.includes(e.code)) {
                    return { id, outs: await this.adopt(id, key, inputs, client, e.code) };
                }
                throw explain(`TcpListener ${id}`, e, hintFor(e));
            }
            try {
                const live = inputs.status === "stopped"
                    ? await this.describeOrFail(client, key)
                    : await this.start(client, key);
                return { id, outs: toOutputs(inputs, fillUnreported(live, inputs), regionId) };
            } catch (e) {
                throw this.partialFailure(id, inputs, regionId, e);
            }
        });
    }

    read(id: string, props: Props): Promise<pulumi.dynamic.ReadResult> {
        return this.bounded(async () => {
            const key = this.keyOf(id, props);
            const live = await this.client(key.regionId).describeListener(key);
            if (!live) return {};
            // What the service shows; only what it hides (backendServerPort behind a group) comes from the record.
            const outs = toOutputs(props, fillUnreported(live, props), key.regionId);
            return { id, props: outs, inputs: inputsFromOutputs(outs, this.settings().region) } as pulumi.dynamic.ReadResult;
        });
    }

    update(id: string, olds: Props, news: Props): Promise<pulumi.dynamic.UpdateResult> {
        return this.bounded(async () => {
            const key = this.keyOf(id, olds);
            const client = this.client(key.regionId);
            const cached = this.takeCachedLive(id);
            const described = cached ?? await client.describeListener(key);
            if (!described) {
                throw new Error(`TcpListener ${id}: the listener no longer exists (deleted outside Pulumi). Run \`pulumi up\` again to create it, or \`pulumi refresh\` to forget it.`);
            }
            const live = withoutIgnoredDrift(fillUnreported(described, olds), stateFromOutputs(olds), ignoredPaths(news));
            const diff = compareState(news, live);
            if (diff.replaces.length > 0) {
                throw new Error(`TcpListener ${id}: ${diff.replaces.join(", ")} cannot change in place; run \`pulumi up\` again so the listener is replaced.`);
            }
            try {
                return { outs: toOutputs(news, await this.apply(client, key, diff, live), key.regionId) };
            } catch (e) {
                throw explain(`TcpListener ${id}`, e, hintFor(e));
            }
        });
    }

    delete(id: string, props: Props): Promise<void> {
        return this.bounded(async () => {
            const key = this.keyOf(id, props);
            const client = this.client(key.regionId);
            try {
                // An answer that the listener does not exist needs no read to confirm it.
                if (await this.mutate(key, () => client.deleteListener(key)) === "deleted") await this.waitFor(client, key, "deleted");
            } catch (e) {
                throw explain(`TcpListener ${id}`, e, hintFor(e));
            }
        });
    }

    // ---- helpers ----

    private settings(): Settings {
        return resolveSettings(this.config, process.env);
    }

    /** Runs one operation under one time bound: its calls, retries, waits and time queued behind other changes. */
    private bounded<T>(work: () => Promise<T>): Promise<T> {
        return withDeadline(this.settings().retryTimeoutMs, work);
    }

    /**
     * The region the program wants. No plan may replace (delete) a listener on the strength of a region the
     * provider could not resolve: without one the preview fails, naming the keys to set.
     */
    private regionOfPlan(id: string, olds: Props, news: Props): unknown {
        if (isUnknown(news.regionId)) return news.regionId;
        try {
            return requireRegion(this.settings(), news.regionId as string | undefined);
        } catch (e) {
            const where = typeof olds.regionId === "string" ? ` The listener was created in ${olds.regionId};` : "";
            throw new Error(`TcpListener ${id}: ${(e as Error).message}${where} nothing is planned until the region is known.`);
        }
    }

    private client(regionId: string): SlbClient {
        const settings = this.settings();
        const credentials = requireCredentials(settings);
        const endpoint = resolveEndpoint(settings, regionId);
        // Cache per endpoint and credentials; the secret enters the key only as a hash.
        const secretHash = createHash("sha256").update(credentials.accessKeySecret + (credentials.securityToken ?? "")).digest("hex");
        const cacheKey = `${endpoint.protocol}://${endpoint.host}|${credentials.accessKeyId}|${secretHash}|${settings.retryTimeoutMs}`;
        let client = this.clients.get(cacheKey);
        if (!client) {
            client = new SlbClient({ endpoint, credentials, retryTimeoutMs: settings.retryTimeoutMs, say: log });
            this.clients.set(cacheKey, client);
        }
        return client;
    }

    private keyOf(id: string, props: Props): ListenerKey {
        const parsed = parseId(id);
        const loadBalancerId = typeof props.loadBalancerId === "string" ? props.loadBalancerId : parsed?.loadBalancerId;
        const listenerPort = typeof props.listenerPort === "number" ? props.listenerPort : parsed?.listenerPort;
        if (!loadBalancerId || listenerPort === undefined) throw new Error(`TcpListener: cannot tell the listener from id ${JSON.stringify(id)}; expected <loadBalancerId>:tcp:<port>`);
        return { regionId: requireRegion(this.settings(), props.regionId as string | undefined), loadBalancerId, listenerPort };
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

    private async describeOrFail(client: SlbClient, key: ListenerKey): Promise<LiveListener> {
        const live = await client.describeListener(key);
        if (!live) throw new Error(`the listener ${formatId(key)} disappeared right after it was created`);
        return live;
    }

    private async start(client: SlbClient, key: ListenerKey): Promise<LiveListener> {
        await this.mutate(key, () => client.startListener(key));
        return this.waitFor(client, key, "running") as Promise<LiveListener>;
    }

    /** Polls only as often as a transition needs: 150 ms, then doubling up to 2 s, until the deadline. */
    private async waitFor(client: SlbClient, key: ListenerKey, want: "running" | "stopped" | "deleted"): Promise<LiveListener | undefined> {
        const started = Date.now();
        const deadline = deadlineOr(started, this.settings().retryTimeoutMs);
        // A delete is usually done when its call answers: look at once. Start and stop take a transition.
        let delay = want === "deleted" ? 0 : 150;
        let said = false;
        for (;;) {
            await sleep(delay);
            const live = await client.describeListener(key);
            if (want === "deleted" ? !live : live?.status === want) return live;
            if (!live) throw new Error(`the listener ${formatId(key)} disappeared while waiting for it to be ${want}`);
            if (Date.now() + delay > deadline) {
                throw new Error(`the listener ${formatId(key)} was still ${live.status} after ${Math.round((Date.now() - started) / 1000)} s waiting for ${want}`);
            }
            if (!said && Date.now() - started > SAY_WAITING_AFTER_MS) {
                log(`${formatId(key)}: waiting for the listener to be ${want} (it is ${live.status})`);
                said = true;
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
            await this.mutate(key, () => client.setListener(setParams(key, diff.updates)));
            for (const { field, to } of diff.updates) {
                if (to === undefined) delete values[field.input];
                else values[field.input] = to;
            }
        }
        // Remove before adding: renaming tags must not pass the service's limit of 20 on the way.
        if (diff.tags.remove.length > 0) await this.mutate(key, () => client.untagListener(key, diff.tags.remove));
        if (Object.keys(diff.tags.set).length > 0) await this.mutate(key, () => client.tagListener(key, diff.tags.set));
        const allTags: Record<string, string> = { ...live.tags, ...(live.owner !== undefined ? { [OWNER_TAG_KEY]: live.owner } : {}) };
        for (const k of diff.tags.remove) delete allTags[k];
        Object.assign(allTags, diff.tags.set);
        const { [OWNER_TAG_KEY]: owner, ...tags } = allTags;

        if (diff.status === "running") status = (await this.start(client, key)).status;
        return { values, tags, owner, status };
    }

    /** Takes over an existing listener on the port: one we created (ownership tag) or, with adoptExisting, any. */
    private async adopt(id: string, key: ListenerKey, inputs: Props, client: SlbClient, code: string): Promise<Props> {
        const described = await client.describeListener(key);
        if (!described) {
            throw new Error(`TcpListener ${id}: port ${key.listenerPort} on load balancer ${key.loadBalancerId} is taken (${code}) by a listener ` +
                "that is not a TCP listener (HTTP or HTTPS listeners use TCP ports too). Choose another listenerPort, or remove that listener.");
        }
        const existing = fillUnreported(described, inputs);
        const ours = typeof inputs.owner === "string" && existing.owner === inputs.owner;
        if (!ours && inputs.adoptExisting !== true) {
            const self = typeof inputs.owner === "string" ? ` (this resource is ${inputs.owner})` : "";
            // Another Pulumi resource's listener must not be adopted: two resources would then manage one listener.
            const advice = existing.owner
                ? "Give one of the two resources another listenerPort, or remove one of them."
                : "Choose another listenerPort, delete that listener, or set adoptExisting: true to take it over.";
            const holder = existing.owner ? `the Pulumi resource ${existing.owner}` : "a listener that this stack did not create";
            throw new Error(`TcpListener ${id}: port ${key.listenerPort} on load balancer ${key.loadBalancerId} is already used by ${holder}${self}. ${advice}`);
        }
        const diff = compareState(inputs, existing);
        if (diff.replaces.length > 0) {
            throw new Error(
                `TcpListener ${id}: the existing listener cannot be adopted because ${diff.replaces.join(", ")} differs and cannot change in place ` +
                `(${diff.replaces.map((f) => `it has ${f} ${JSON.stringify(existing.values[f])}`).join(", ")}). Match it in the program, or delete that listener.`);
        }
        if (!ours) log(`${id}: adopting the existing listener (adoptExisting: true)`);
        try {
            return toOutputs(inputs, await this.apply(client, key, diff, existing), key.regionId);
        } catch (e) {
            throw this.partialFailure(id, inputs, key.regionId, e);
        }
    }

    /** Pulumi's partial-failure error: the listener exists, so it is recorded (never orphaned). */
    private partialFailure(id: string, inputs: Props, regionId: string, cause: unknown): Error {
        const reason = explain(`TcpListener ${id}`, cause, hintFor(cause)).message;
        // The Create carried every setting, so the listener holds what the inputs ask for (it is not started yet).
        const values = Object.fromEntries(CONFIG_FIELDS.map((f) => [f.input, desiredValue(inputs, f)]).filter(([, v]) => isSet(v)));
        const recorded: LiveListener = { values, tags: { ...((inputs.tags as Record<string, string>) ?? {}) }, owner: inputs.owner as string | undefined, status: "stopped" };
        // __provider is not added by the host on this path; without it the recorded listener could not be deleted.
        const properties = { ...toOutputs(inputs, recorded, regionId), ...(inputs.__provider !== undefined ? { __provider: inputs.__provider } : {}) };
        const error = new Error(`${reason} The listener exists and is recorded in the stack; run \`pulumi up\` again to finish it.`);
        return Object.assign(error, { id, properties, reasons: [reason] });
    }
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
            return "sch and tch need a performance-guaranteed load balancer (one created with a LoadBalancerSpec); use wrr or rr.";
        case "SizeLimitExceeded.Tag":
        case "TagCountLimit":
            return `A listener carries at most ${MAX_USER_TAGS} tags of yours.`;
        case "Forbidden.RAM":
        case "Forbidden":
            return "The access key lacks permission for this SLB action; grant it in RAM.";
        default:
            return undefined;
    }
}
