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

function retryTimeoutMs(raw: string | undefined): number {
    if (raw === undefined || raw === "") return DEFAULT_RETRY_TIMEOUT_SECONDS * 1000;
    const seconds = Number(raw);
    if (!Number.isFinite(seconds) || seconds <= 0) {
        throw new ConfigurationError(`slbListener:retryTimeoutSeconds must be a positive number of seconds; got ${JSON.stringify(raw)}`);
    }
    return seconds * 1000;
}

export function resolveSettings(config: ConfigGetter, env: NodeJS.ProcessEnv): Settings {
    return {
        region: firstSet(config("alicloud:region"), env.ALICLOUD_REGION, env.ALIBABA_CLOUD_REGION_ID),
        accessKeyId: firstSet(config("alicloud:accessKey"), env.ALICLOUD_ACCESS_KEY, env.ALIBABA_CLOUD_ACCESS_KEY_ID),
        accessKeySecret: firstSet(config("alicloud:secretKey"), env.ALICLOUD_SECRET_KEY, env.ALIBABA_CLOUD_ACCESS_KEY_SECRET),
        securityToken: firstSet(config("alicloud:securityToken"), env.ALICLOUD_SECURITY_TOKEN, env.ALIBABA_CLOUD_SECURITY_TOKEN),
        endpoint: firstSet(slbEndpointFromConfig(config("alicloud:endpoints")), env.ALICLOUD_SLB_ENDPOINT),
        retryTimeoutMs: retryTimeoutMs(firstSet(config("slbListener:retryTimeoutSeconds"), env.SLB_LISTENER_RETRY_TIMEOUT_SECONDS)),
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
