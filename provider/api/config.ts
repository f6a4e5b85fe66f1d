// Region, credentials and endpoint, resolved at run time from stack config (given to configure()) and
// the environment. Stack config wins. Nothing here is ever serialized into state.

export interface Settings {
    readonly region?: string;
    readonly accessKeyId?: string;
    readonly accessKeySecret?: string;
    readonly securityToken?: string;
    /** Endpoint override: "host[:port]" (HTTPS) or a URL used as given. */
    readonly endpoint?: string;
    /** How long retries of one API call and waits for a status may take in total. */
    readonly retryTimeoutMs: number;
    /** How long an unreachable endpoint is retried (shorter: a refused connection seldom heals within minutes). */
    readonly unreachableTimeoutMs: number;
    /** Treat listeners of a load balancer the service does not know as deleted (the user's call: see LoadBalancerNotFound). */
    readonly missingLoadBalancerIsGone: boolean;
    /** How long a listing answers later reads of its load balancer's listeners in this operation (0: every read fresh). */
    readonly readSnapshotMs: number;
}

export interface Credentials {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    readonly securityToken?: string;
}

export interface Endpoint {
    /** host[:port], as the SDK's `endpoint` wants it. */
    readonly host: string;
    readonly protocol: "http" | "https";
}

/** Reads one stack config value; keys are fully namespaced ("alicloud:region"). */
export type ConfigGetter = (key: string) => string | undefined;

export class ConfigurationError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "ConfigurationError";
    }
}

const DEFAULT_RETRY_TIMEOUT_SECONDS = 300;
const DEFAULT_UNREACHABLE_TIMEOUT_SECONDS = 60;
/** Longer than the reads of a large operation take; short enough that a listing never outlives a coffee break. */
export const DEFAULT_READ_SNAPSHOT_SECONDS = 60;

function firstSet(...values: Array<string | undefined>): string | undefined {
    return values.find((v) => v !== undefined && v !== "");
}

/** `alicloud:endpoints` as @pulumi/alicloud uses it: a list of objects, one of which may have an `slb` key. */
function slbEndpointFromConfig(raw: string | undefined): string | undefined {
    if (!raw) return undefined;
    try {
        const parsed: unknown = JSON.parse(raw);
        const list = Array.isArray(parsed) ? parsed : [parsed];
        for (const entry of list) {
            if (entry && typeof entry === "object" && typeof (entry as Record<string, unknown>).slb === "string") {
                return (entry as Record<string, string>).slb;
            }
        }
    } catch {
        throw new ConfigurationError("alicloud:endpoints must be a JSON list of objects such as [{\"slb\": \"slb.aliyuncs.com\"}]");
    }
    return undefined;
}

function seconds(key: string, raw: string | undefined, fallback: number, zeroAllowed = false): number {
    if (raw === undefined || raw === "") return fallback * 1000;
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroAllowed)) {
        throw new ConfigurationError(`${key} must be a ${zeroAllowed ? "non-negative" : "positive"} number of seconds; got ${JSON.stringify(raw)}`);
    }
    return value * 1000;
}

function flag(key: string, raw: string | undefined): boolean {
    if (raw === undefined || raw === "") return false;
    if (/^(true|1|yes|on)$/i.test(raw.trim())) return true;
    if (/^(false|0|no|off)$/i.test(raw.trim())) return false;
    throw new ConfigurationError(`${key} must be true or false; got ${JSON.stringify(raw)}`);
}

export function resolveSettings(config: ConfigGetter, env: NodeJS.ProcessEnv): Settings {
    return {
        region: firstSet(config("alicloud:region"), env.ALICLOUD_REGION, env.ALIBABA_CLOUD_REGION_ID),
        accessKeyId: firstSet(config("alicloud:accessKey"), env.ALICLOUD_ACCESS_KEY, env.ALIBABA_CLOUD_ACCESS_KEY_ID),
        accessKeySecret: firstSet(config("alicloud:secretKey"), env.ALICLOUD_SECRET_KEY, env.ALIBABA_CLOUD_ACCESS_KEY_SECRET),
        securityToken: firstSet(config("alicloud:securityToken"), env.ALICLOUD_SECURITY_TOKEN, env.ALIBABA_CLOUD_SECURITY_TOKEN),
        endpoint: firstSet(slbEndpointFromConfig(config("alicloud:endpoints")), env.ALICLOUD_SLB_ENDPOINT),
        retryTimeoutMs: seconds("slbListener:retryTimeoutSeconds",
            firstSet(config("slbListener:retryTimeoutSeconds"), env.SLB_LISTENER_RETRY_TIMEOUT_SECONDS), DEFAULT_RETRY_TIMEOUT_SECONDS),
        unreachableTimeoutMs: seconds("slbListener:unreachableTimeoutSeconds",
            firstSet(config("slbListener:unreachableTimeoutSeconds"), env.SLB_LISTENER_UNREACHABLE_TIMEOUT_SECONDS), DEFAULT_UNREACHABLE_TIMEOUT_SECONDS),
        missingLoadBalancerIsGone: flag("slbListener:missingLoadBalancerIsGone",
            firstSet(config("slbListener:missingLoadBalancerIsGone"), env.SLB_LISTENER_MISSING_LB_IS_GONE)),
        readSnapshotMs: seconds("slbListener:readSnapshotSeconds",
            firstSet(config("slbListener:readSnapshotSeconds"), env.SLB_LISTENER_READ_SNAPSHOT_SECONDS), DEFAULT_READ_SNAPSHOT_SECONDS, true),
    };
}

export function requireRegion(settings: Settings, explicit?: string): string {
    const region = explicit ?? settings.region;
    if (!region) {
        throw new ConfigurationError(
            "No region: set regionId on the listener, the stack config `pulumi config set alicloud:region cn-hangzhou`, " +
            "or the environment variable ALICLOUD_REGION (or ALIBABA_CLOUD_REGION_ID).");
    }
    return region;
}

export function requireCredentials(settings: Settings): Credentials {
    const missing: string[] = [];
    if (!settings.accessKeyId) missing.push("alicloud:accessKey (or ALICLOUD_ACCESS_KEY / ALIBABA_CLOUD_ACCESS_KEY_ID)");
    if (!settings.accessKeySecret) missing.push("alicloud:secretKey (or ALICLOUD_SECRET_KEY / ALIBABA_CLOUD_ACCESS_KEY_SECRET)");
    if (missing.length > 0) {
        throw new ConfigurationError(
            `Missing Alibaba Cloud credentials: set ${missing.join(" and ")}. ` +
            "Use `pulumi config set --secret alicloud:secretKey ...` so the secret stays encrypted.");
    }
    return { accessKeyId: settings.accessKeyId!, accessKeySecret: settings.accessKeySecret!, securityToken: settings.securityToken };
}

/** Regions the public SLB endpoint serves directly (reference §1.2); others use slb.<region>.aliyuncs.com. */
const CENTRAL_REGIONS = new Set([
    "cn-qingdao", "cn-beijing", "cn-hangzhou", "cn-shanghai", "cn-shenzhen", "cn-hongkong", "ap-southeast-1",
    "us-east-1", "us-west-1", "cn-shanghai-finance-1", "cn-shenzhen-finance-1",
]);

export function resolveEndpoint(settings: Settings, region: string): Endpoint {
    const override = settings.endpoint;
    if (override) {
        const match = /^(https?):\/\/([^/]+)/i.exec(override);
        if (match) return { protocol: match[1].toLowerCase() as "http" | "https", host: match[2] };
        return { protocol: "https", host: override.replace(/\/.*$/, "") };
    }
    return { protocol: "https", host: CENTRAL_REGIONS.has(region) ? "slb.aliyuncs.com" : `slb.${region}.aliyuncs.com` };
}
