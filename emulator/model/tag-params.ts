// `Tag.N.Key` / `Tag.N.Value` parameters (the API page): N is 1..20, keys 1–64 characters, values 0–128;
// neither may start with `aliyun` / `acs:` or contain `http://` / `https://`.
import { Errors } from "../errors";
import { ModelErrors } from "./errors";
import { charLength, indexOf, Params } from "./params";
import { TagRecord } from "./store";

export const MAX_TAGS = 20;

interface RawTag {
    n: number;
    key?: string;
    value?: string;
}

function collect(p: Params, prefix: string): RawTag[] {
    const byN = new Map<number, RawTag>();
    for (const name of p.names()) {
        if (!name.startsWith(prefix + ".")) continue;
        const rest = name.slice(prefix.length + 1);
        const n = indexOf(name, rest);
        const field = rest.slice(String(n).length);
        if (field !== ".Key" && field !== ".Value") throw Errors.invalidParameter(name, `Expected ${prefix}.N.Key or ${prefix}.N.Value.`);
        if (n > MAX_TAGS) throw ModelErrors.tagSizeLimit();
        const tag = byN.get(n) ?? { n };
        if (field === ".Key") tag.key = p.get(name);
        else tag.value = p.get(name);
        byN.set(n, tag);
    }
    return [...byN.values()].sort((a, b) => a.n - b.n);
}

/** The page's rule for tag keys and values alike (in any case, see MODEL.md): no aliyun/acs: prefix, no http(s)://. */
function reservedText(text: string, what: "key" | "value"): string | undefined {
    const lower = text.toLowerCase();
    if (lower.startsWith("aliyun") || lower.startsWith("acs:")) return `The ${what} must not start with aliyun or acs:.`;
    if (lower.includes("http://") || lower.includes("https://")) return `The ${what} must not contain http:// or https://.`;
    return undefined;
}

export function checkTagKey(key: string | undefined): string {
    if (key === undefined || key === "") throw ModelErrors.tagKey("The key must not be empty.");
    if (charLength(key) > 64) throw ModelErrors.tagKey("The key must be at most 64 characters.");
    const reserved = reservedText(key, "key");
    if (reserved) throw ModelErrors.tagKey(reserved);
    return key;
}

export function checkTagValue(value: string | undefined): string {
    const v = value ?? "";
    if (charLength(v) > 128) throw ModelErrors.tagValue("The value must be at most 128 characters.");
    const reserved = reservedText(v, "value");
    if (reserved) throw ModelErrors.tagValue(reserved);
    return v;
}

/** Tags to attach (Create*, TagResources). Duplicate keys in one request are rejected. */
export function parseTags(p: Params, prefix = "Tag"): TagRecord[] {
    const out: TagRecord[] = [];
    for (const raw of collect(p, prefix)) {
        const key = checkTagKey(raw.key);
        if (out.some((t) => t.key === key)) throw ModelErrors.tagKey(`Duplicate tag key "${key}".`);
        out.push({ key, value: checkTagValue(raw.value) });
    }
    return out;
}

/** Tag filters (ListTagResources, Describe*): a key alone matches any value; a value alone is an error. */
export function parseTagFilter(p: Params, prefix = "Tag"): { key: string; value?: string }[] {
    return collect(p, prefix).map((raw) => {
        if (raw.key === undefined || raw.key === "") throw ModelErrors.tagKey(`${prefix}.${raw.n}.Key is required.`);
        if (charLength(raw.key) > 128) throw ModelErrors.tagKey("The key must be at most 128 characters.");
        if (raw.value !== undefined && charLength(raw.value) > 128) throw ModelErrors.tagValue("The value must be at most 128 characters.");
        return { key: raw.key, value: raw.value };
    });
}

export function matchesTagFilter(tags: TagRecord[], filter: { key: string; value?: string }[]): boolean {
    return filter.every((f) => tags.some((t) => t.key === f.key && (f.value === undefined || t.value === f.value)));
}

/** Adds or overwrites tags; more than 20 tags on the resource afterwards -> TagCountLimit (nothing changed). */
export function mergeTags(existing: TagRecord[], add: TagRecord[]): TagRecord[] {
    const merged = existing.map((t) => ({ ...t }));
    for (const t of add) {
        const hit = merged.find((m) => m.key === t.key);
        if (hit) hit.value = t.value;
        else merged.push({ ...t });
    }
    if (merged.length > MAX_TAGS) throw ModelErrors.tagCountLimit();
    return merged;
}

export const tagsWrapped = (tags: TagRecord[]) => ({ Tag: tagsPlain(tags) });
export const tagsPlain = (tags: TagRecord[]) => tags.map((t) => ({ TagKey: t.key, TagValue: t.value }));
