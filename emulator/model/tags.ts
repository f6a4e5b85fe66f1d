// TagResources / UntagResources / ListTagResources (reference §2.12). A taggable resource is anything with
// a `tags` list: load balancers (`instance`), listeners (`listener`, id `<lbId>_<protocol>_<port>`),
// ACLs, vServer groups and master-slave groups. Tag changes on LB-scoped resources occupy that LB.
import { Errors } from "../errors";
import { ActionHandler, Call } from "./call";
import { ModelErrors } from "./errors";
import { decodeNextToken, page } from "./paging";
import { PROTOCOLS, Protocol, TagRecord, getOwn, listenerKey } from "./store";
import { MAX_TAGS, matchesTagFilter, mergeTags, parseTagFilter, parseTags } from "./tag-params";

export const RESOURCE_TYPES = ["instance", "certificate", "acl", "listener", "vservergroup", "masterslaveservergroup"] as const;
type ResourceType = (typeof RESOURCE_TYPES)[number];
const LIST_PAGE_SIZE = 50;

interface Taggable {
    id: string;
    /** The load balancer the resource belongs to (undefined for account-level resources). */
    lbId?: string;
    holder: { tags: TagRecord[] };
}

export const listenerResourceId = (lbId: string, protocol: Protocol, port: number) => `${lbId}_${protocol}_${port}`;

/** Every resource of the type in the caller's region, in a stable order. */
function allOfType(call: Call, type: ResourceType): Taggable[] {
    const region = call.region();
    const lbs = Object.values(region.loadBalancers);
    switch (type) {
        case "instance":
            return lbs.map((lb) => ({ id: lb.id, lbId: lb.id, holder: lb }));
        case "listener":
            return lbs.flatMap((lb) => Object.values(lb.listeners).map((l) => ({ id: listenerResourceId(lb.id, l.protocol, l.port), lbId: lb.id, holder: l })));
        case "vservergroup":
            return lbs.flatMap((lb) => Object.values(lb.vServerGroups).map((g) => ({ id: g.id, lbId: lb.id, holder: g })));
        case "masterslaveservergroup":
            return lbs.flatMap((lb) => Object.values(lb.masterSlaveGroups).map((g) => ({ id: g.id, lbId: lb.id, holder: g })));
        case "acl":
            return Object.values(region.acls).map((a) => ({ id: a.id, holder: a }));
        case "certificate":
            return []; // certificates are not modelled
    }
}

/** One resource by id (direct lookups for the common types, so tagging does not scan the region). */
function findResource(call: Call, type: ResourceType, id: string): Taggable | undefined {
    const region = call.region();
    if (type === "instance") {
        const lb = getOwn(region.loadBalancers, id);
        return lb && { id, lbId: lb.id, holder: lb };
    }
    if (type === "listener") {
        const m = /^(.+)_([a-z]+)_([0-9]{1,5})$/.exec(id);
        if (!m || !PROTOCOLS.includes(m[2] as Protocol)) return undefined;
        const lb = getOwn(region.loadBalancers, m[1]);
        const l = lb && getOwn(lb.listeners, listenerKey(Number(m[3]), m[2] as Protocol));
        return l && { id, lbId: m[1], holder: l };
    }
    return allOfType(call, type).find((r) => r.id === id);
}

function resolveAll(call: Call, type: ResourceType, ids: string[]): Taggable[] {
    return ids.map((id) => {
        const r = findResource(call, type, id);
        if (!r) throw ModelErrors.resourceIdNotFound(id);
        return r;
    });
}

const resourceIds = (call: Call, required: boolean) => {
    const ids = [...new Set(call.p.list("ResourceId", 20))];
    if (required && ids.length === 0) throw Errors.missingParameter("ResourceId.1");
    return ids;
};

const tagResources: ActionHandler = (call) => {
    const type = call.p.oneOf("ResourceType", RESOURCE_TYPES, true) as ResourceType;
    const ids = resourceIds(call, true);
    const tags = parseTags(call.p);
    if (tags.length === 0) throw Errors.missingParameter("Tag.1.Key");
    const resources = resolveAll(call, type, ids);
    // Check every resource's resulting count first, so the call is all-or-nothing.
    const merged = resources.map((r) => mergeTags(r.holder.tags, tags));
    call.occupy(...resources.flatMap((r) => (r.lbId ? [r.lbId] : [])));
    resources.forEach((r, i) => (r.holder.tags = merged[i]));
    call.changed();
    return {};
};

const untagResources: ActionHandler = (call) => {
    const type = call.p.oneOf("ResourceType", RESOURCE_TYPES, true) as ResourceType;
    const ids = resourceIds(call, true);
    const keys = call.p.list("TagKey", MAX_TAGS);
    // `All` only counts when no TagKey is given; with neither, nothing is removed.
    const all = call.p.bool("All") ?? false;
    const resources = resolveAll(call, type, ids);
    const drop = (t: TagRecord) => (keys.length ? keys.includes(t.key) : all);
    // A mutating call even when nothing matches: it is refused while the LB is busy.
    call.occupy(...resources.flatMap((r) => (r.lbId ? [r.lbId] : [])));
    const touched = resources.filter((r) => r.holder.tags.some(drop));
    for (const r of touched) r.holder.tags = r.holder.tags.filter((t) => !drop(t));
    if (touched.length) call.changed();
    return {};
};

const listTagResources: ActionHandler = (call) => {
    const type = call.p.oneOf("ResourceType", RESOURCE_TYPES, true) as ResourceType;
    const ids = resourceIds(call, false);
    const filter = parseTagFilter(call.p);
    if (ids.length === 0 && filter.length === 0) throw Errors.missingParameter("ResourceId.1");
    const offset = decodeNextToken("NextToken", call.p.get("NextToken"));
    // Unknown ids are not an error here: they simply have no tags.
    const resources = ids.length
        ? ids.map((id) => findResource(call, type, id)).filter((r): r is Taggable => !!r)
        : allOfType(call, type);
    const rows = resources
        .filter((r) => matchesTagFilter(r.holder.tags, filter))
        .flatMap((r) => r.holder.tags.map((t) => ({ ResourceId: r.id, ResourceType: type, TagKey: t.key, TagValue: t.value })));
    const { items, nextToken } = page(rows, offset, LIST_PAGE_SIZE);
    return { NextToken: nextToken, TagResources: { TagResource: items } };
};

export const tagActions: Record<string, ActionHandler> = {
    TagResources: tagResources,
    UntagResources: untagResources,
    ListTagResources: listTagResources,
};
