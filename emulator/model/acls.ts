// Access control lists (reference §2.11). ACLs belong to the account+region, not to a load balancer,
// so creating/deleting them locks no load balancer; changing the entries of an ACL that listeners use
// is a configuration change of those listeners' load balancers and occupies them.
import { isIPv4, isIPv6 } from "node:net";
import { Errors } from "../errors";
import { ActionHandler, Call } from "./call";
import { ModelErrors } from "./errors";
import { newAclId } from "./ids";
import { charLength } from "./params";
import { AclRecord, LoadBalancerRecord, ListenerRecord, deleteOwn, getOwn, setOwn } from "./store";
import { matchesTagFilter, parseTagFilter, parseTags, tagsWrapped } from "./tag-params";

export const MAX_ACLS_PER_REGION = 50;
export const MAX_ENTRIES_PER_ACL = 300;
export const MAX_ENTRIES_PER_CALL = 50;

const ACL_NAME = /^[\p{L}\p{M}\p{Nd}\-/._]+$/u;

function aclById(call: Call, id: string): AclRecord {
    const acl = getOwn(call.region().acls, id);
    if (!acl) throw ModelErrors.aclNotExist();
    return acl;
}

/** Listeners (with their load balancers) that reference the ACL. */
function aclUsers(call: Call, aclId: string): { lb: LoadBalancerRecord; l: ListenerRecord }[] {
    return Object.values(call.region().loadBalancers).flatMap((lb) =>
        Object.values(lb.listeners).filter((l) => l.aclStatus === "on" && l.aclIds?.includes(aclId)).map((l) => ({ lb, l })));
}

/** An IP address or CIDR block of the ACL's IP version. */
function isEntry(entry: string, version: string): boolean {
    const [addr, prefix, extra] = entry.split("/");
    if (extra !== undefined) return false;
    const max = version === "ipv6" ? 128 : 32;
    if (prefix !== undefined && (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > max)) return false;
    return version === "ipv6" ? isIPv6(addr) : isIPv4(addr);
}

const createAcl: ActionHandler = (call) => {
    const p = call.p;
    const name = p.required("AclName");
    if (charLength(name) > 80 || !ACL_NAME.test(name)) {
        throw Errors.invalidParameter("AclName", "The name must be 1-80 characters of letters, digits, hyphens (-), slashes (/), periods (.) and underscores (_).");
    }
    const version = p.oneOf("AddressIPVersion", ["ipv4", "ipv6"]) ?? "ipv4";
    const resourceGroupId = p.string("ResourceGroupId", { maxChars: 64, pattern: /^rg-[a-z0-9]+$/ }) ?? "rg-acfmdefault0000000";
    const tags = parseTags(p);
    const region = call.regionForWrite();
    const acls = Object.values(region.acls);
    if (acls.some((a) => a.name === name)) throw ModelErrors.aclNameExist();
    if (acls.length >= MAX_ACLS_PER_REGION) throw ModelErrors.aclQuota();
    const acl: AclRecord = { id: newAclId(), name, addressIPVersion: version, resourceGroupId, entries: [], tags, createdAt: call.now };
    setOwn(region.acls, acl.id, acl);
    call.changed();
    return { AclId: acl.id };
};

const deleteAcl: ActionHandler = (call) => {
    const acl = aclById(call, call.p.required("AclId"));
    if (aclUsers(call, acl.id).length) throw ModelErrors.aclInUsed();
    deleteOwn(call.region().acls, acl.id);
    call.changed();
    return {};
};

const addAclEntries: ActionHandler = (call) => {
    const p = call.p;
    const aclId = p.required("AclId");
    p.required("AclEntrys");
    const raw = p.json("AclEntrys");
    const bad = (detail: string) => Errors.invalidParameter("AclEntrys", detail);
    if (!Array.isArray(raw) || raw.length === 0) throw bad("The value must be a non-empty JSON array of {entry, comment}.");
    if (raw.length > MAX_ENTRIES_PER_CALL) throw bad(`At most ${MAX_ENTRIES_PER_CALL} entries per call.`);
    const acl = aclById(call, aclId);
    const entries = raw.map((item: unknown, i) => {
        if (typeof item !== "object" || item === null || Array.isArray(item)) throw bad(`Entry ${i + 1} must be a JSON object.`);
        const { entry, comment = "" } = item as Record<string, unknown>;
        if (typeof entry !== "string" || !isEntry(entry, acl.addressIPVersion)) {
            throw bad(`Entry ${i + 1}: entry must be an ${acl.addressIPVersion} address or CIDR block.`);
        }
        if (typeof comment !== "string" || charLength(comment) > 100) throw bad(`Entry ${i + 1}: comment must be at most 100 characters.`);
        return { entry, comment };
    });
    // Entries already present (or repeated in the call) are skipped silently.
    const fresh = entries.filter((e, i) => !acl.entries.some((x) => x.entry === e.entry) && entries.findIndex((x) => x.entry === e.entry) === i);
    if (acl.entries.length + fresh.length > MAX_ENTRIES_PER_ACL) throw ModelErrors.aclEntryQuota();
    const users = aclUsers(call, acl.id);
    call.occupy(...users.map((u) => u.lb.id));
    acl.entries.push(...fresh);
    call.changed();
    return {};
};

const aclSummary = (acl: AclRecord) => ({
    AclId: acl.id,
    AclName: acl.name,
    AddressIPVersion: acl.addressIPVersion,
    ResourceGroupId: acl.resourceGroupId,
    CreateTime: new Date(acl.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z"),
    Tags: tagsWrapped(acl.tags),
});

const describeAcls: ActionHandler = (call) => {
    const p = call.p;
    const name = p.string("AclName", { maxChars: 80 });
    const version = p.oneOf("AddressIPVersion", ["ipv4", "ipv6"]);
    const resourceGroupId = p.string("ResourceGroupId", { maxChars: 64 });
    const tagFilter = parseTagFilter(p);
    const pageNumber = p.int("PageNumber", 1, 1_000_000) ?? 1;
    const pageSize = p.int("PageSize", 1, 50) ?? 50;
    // AclName is a fuzzy (substring) filter.
    const matches = Object.values(call.region().acls).filter((a) =>
        (name === undefined || a.name.includes(name)) && (version === undefined || a.addressIPVersion === version)
        && (resourceGroupId === undefined || a.resourceGroupId === resourceGroupId) && matchesTagFilter(a.tags, tagFilter));
    const rows = matches.slice((pageNumber - 1) * pageSize, pageNumber * pageSize);
    return { Acls: { Acl: rows.map(aclSummary) }, TotalCount: matches.length, PageNumber: pageNumber, PageSize: pageSize, Count: rows.length };
};

const describeAclAttribute: ActionHandler = (call) => {
    const acl = aclById(call, call.p.required("AclId"));
    return {
        ...aclSummary(acl),
        AclEntrys: { AclEntry: acl.entries.map((e) => ({ AclEntryIP: e.entry, AclEntryComment: e.comment })) },
        TotalAclEntry: acl.entries.length,
        RelatedListeners: {
            RelatedListener: aclUsers(call, acl.id).map(({ lb, l }) => ({
                LoadBalancerId: lb.id, ListenerPort: l.port, Protocol: l.protocol, AclType: l.aclType,
            })),
        },
    };
};

export const aclActions: Record<string, ActionHandler> = {
    CreateAccessControlList: createAcl,
    DeleteAccessControlList: deleteAcl,
    AddAccessControlListEntry: addAclEntries,
    DescribeAccessControlLists: describeAcls,
    DescribeAccessControlListAttribute: describeAclAttribute,
};
