// What a row of a protocol's field table says (provider/protocols/*.ts hold the tables): its input name, type, the
// documented range or pattern, the service default, the wire names on Create, Set and Describe, how a change is
// applied and when the field matters. Validation, desired state, request building, response mapping, diff, drift
// lines, the argument types and the README reference tables are all derived from the tables: adding a field is
// adding one row. Also the rules every protocol shares (tags, ownership).

/** How a change of the field reaches the listener. */
export type ChangeMode =
    | "in-place" // the protocol's Set...ListenerAttribute
    | "replace" // a new listener (create-before-delete)
    | "replace-delete-first" // a new listener on the same port: the old one must go first
    | "tags" // TagResources / UntagResources
    | "status" // StartLoadBalancerListener / StopLoadBalancerListener
    | "local"; // provider-side only, never sent

export type FieldKind = "integer" | "string" | "boolean" | "tags";

/** A condition under which a field has any effect; setting the field otherwise is a mistake we report. */
export interface AppliesWhen {
    readonly field: string;
    readonly equals: string;
}

/** A field's wire names: Create request, Set request, Describe response. */
export interface WireNames {
    readonly create?: string;
    readonly set?: string;
    readonly describe?: string;
}

/** The wire names of a field that the API spells the same in Create, Set and Describe. */
export const sameWireName = (name: string): WireNames => ({ create: name, set: name, describe: name });

export interface FieldSpec {
    /** Input and output property name (camelCase of the API parameter). */
    readonly input: string;
    readonly kind: FieldKind;
    /** One sentence for TSDoc and the README. */
    readonly doc: string;
    readonly required?: boolean;
    /** Fixed values, rendered as a literal union type. */
    readonly values?: readonly string[];
    /** Integer range; `also` lists isolated extra values such as bandwidth -1. */
    readonly range?: { readonly min: number; readonly max: number; readonly also?: readonly number[] };
    /** String length limits and allowed characters. */
    readonly text?: {
        readonly min: number;
        readonly max: number;
        readonly pattern?: RegExp;
        /** Human wording of pattern, used in error messages and docs. */
        readonly rule?: string;
    };
    /**
     * Extra rule beyond range/values/text; returns the reason when the value is not acceptable. `show` renders a part
     * of the value that the reason quotes (it hides the parts of a secret input).
     */
    readonly check?: (value: never, show: (part: string) => string) => string | undefined;
    /** What the service uses when the input is unset (and what drift detection compares against). */
    readonly serviceDefault?: string | number | boolean | Record<string, string>;
    /** Wording of the default when it is not a plain value (docs only). */
    readonly defaultText?: string;
    /** Wire names: Create request, Set request, Describe response. */
    readonly api?: WireNames;
    readonly change: ChangeMode;
    readonly appliesWhen?: AppliesWhen;
    /** The field must be set whenever appliesWhen holds (e.g. aclId when aclStatus is on). */
    readonly requiredWhenApplies?: boolean;
    /** The field must be set unless the named one is (backendServerPort unless vServerGroupId). */
    readonly requiredUnless?: string;
    /** The field cannot be set together with the named one, and why (two kinds of server group). */
    readonly notWith?: { readonly field: string; readonly because: string };
    /** Set parameter that switches the field on/off (server groups): on + value attaches, off detaches. */
    readonly setSwitch?: string;
    /** Wire value that resets the field on Set when it has no service default (-520: "use the backend port"; "": none). */
    readonly resetValue?: number | string;
    /** Describe leaves this field out while any of the named fields is set (backendServerPort with a server group). */
    readonly notReportedWith?: readonly string[];
    /**
     * Input spellings the service reports differently ("$_ip" is reported as ""). Inputs are sent as written;
     * comparisons and outputs use the reported spelling, and Set sends the input spelling for a reported value.
     */
    readonly reportedAs?: Readonly<Record<string, string>>;
    /** The service stores at least the named field's value (a connect timeout below the interval becomes the interval). */
    readonly atLeast?: string;
    /** For in-place fields: changes the service cannot apply in place (they replace, deleting first). */
    readonly replacesWhen?: (from: string, to: string) => boolean;
    /** The changes replacesWhen picks out, in words (docs). */
    readonly replacesWhenText?: string;
    /** API error codes that point at this field, for errors in the user's language. */
    readonly errorCodes?: readonly string[];
}

/** "-1 or 1 to 5120": an integer range in words, for error messages and docs. */
export function rangeWords(range: NonNullable<FieldSpec["range"]>): string {
    const also = range.also?.length ? `${range.also.join(", ")} or ` : "";
    return `${also}${range.min} to ${range.max}`;
}

/** Whether an input is given at all (null counts as unset, as it does in Pulumi programs). */
export function isSet(value: unknown): boolean {
    return value !== undefined && value !== null;
}

/** Tag key reserved by the provider to recognise listeners it created itself (see README, Ownership). */
export const OWNER_TAG_KEY = "pulumi-owner";
/** The service allows 20 tags per listener; one is the ownership tag. */
export const MAX_USER_TAGS = 19;
/** Tag keys the platform attaches itself (users cannot set them): never drift, never removed. */
export const SERVICE_TAG_KEY = /^(acs:|aliyun)/i;

/** Every listener port, frontend or backend. */
export const PORT_RANGE = { min: 1, max: 65535 } as const;
/** The codes the API page documents for a port already in use; the ownership tag then decides what to do. */
export const PORT_TAKEN_CODES: readonly string[] = ["ListenerAlreadyExists", "ListenerPortConflict", "InvalidParameter.ListenerPortConflict"];
/** Rules shared by tag keys and values (API page: Tag.N.Key / Tag.N.Value). */
function checkTagText(text: string): string | undefined {
    if (SERVICE_TAG_KEY.test(text)) return 'must not start with "aliyun" or "acs:"';
    if (/https?:\/\//i.test(text)) return 'must not contain "http://" or "https://"';
    return undefined;
}

function checkTagKey(key: string): string | undefined {
    if ([...key].length < 1 || [...key].length > 64) return "must be 1 to 64 characters";
    if (key === OWNER_TAG_KEY) return "is reserved by this provider (it marks the listeners it created)";
    return checkTagText(key);
}

function checkTagValue(value: string): string | undefined {
    if ([...value].length > 128) return "must be at most 128 characters";
    return checkTagText(value);
}

/** The tag rules of every listener: at most 19 of the user's, key and value rules, the reserved ownership key. */
export function checkTags(tags: Record<string, string>, show: (part: string) => string): string | undefined {
    const keys = Object.keys(tags);
    if (keys.length > MAX_USER_TAGS) return `may hold at most ${MAX_USER_TAGS} tags (the service allows 20; one is the ownership tag); got ${keys.length}`;
    for (const key of keys) {
        const shown = show(JSON.stringify(key.slice(0, 80)));
        const keyProblem = checkTagKey(key);
        if (keyProblem) return `key ${shown} ${keyProblem}`;
        const valueProblem = checkTagValue(tags[key]);
        if (valueProblem) return `value of ${shown} ${valueProblem}`;
    }
    return undefined;
}

