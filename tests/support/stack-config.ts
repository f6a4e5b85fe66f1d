// The stack configuration a user sets to point the provider at an SLB endpoint (here: an emulator), written once
// for every way the tests run a program: the engine harness, the Automation API and `pulumi config set` lines.
import { secret } from "../harness/encoding";

export interface ProviderSettings {
    endpoint: string;
    accessKeyId: string;
    secretKey: string;
    securityToken?: string;
    region?: string;
    /** slbListener:retryTimeoutSeconds: how long one operation may retry. */
    retryTimeoutSeconds?: number;
}

/** A config value; `secret` ones are set with `--secret` (stored encrypted). */
export interface ConfigValue {
    value: string;
    secret?: boolean;
}

/** region, key id, secret key (secret), STS token (secret), the endpoint in @pulumi/alicloud's shape, the time bound. */
export function providerConfig(s: ProviderSettings, extra: Record<string, string> = {}): Record<string, ConfigValue> {
    return {
        ...(s.securityToken ? { "alicloud:securityToken": { value: s.securityToken, secret: true } } : {}),
        "alicloud:region": { value: s.region ?? "cn-hangzhou" },
        "alicloud:accessKey": { value: s.accessKeyId },
        "alicloud:secretKey": { value: s.secretKey, secret: true },
        "alicloud:endpoints": { value: JSON.stringify([{ slb: s.endpoint }]) },
        "slbListener:retryTimeoutSeconds": { value: String(s.retryTimeoutSeconds ?? 20) },
        ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { value: v }])),
    };
}

/** The same for the engine harness: secrets wrapped with its secret(). */
export function harnessConfig(config: Record<string, ConfigValue>): Record<string, string | ReturnType<typeof secret>> {
    return Object.fromEntries(Object.entries(config).map(([k, c]) => [k, c.secret ? secret(c.value) : c.value]));
}

/** The same as `pulumi config set` argument lists, in order. */
export function configSetArgs(config: Record<string, ConfigValue>): string[][] {
    return Object.entries(config).map(([k, c]) => ["config", "set", ...(c.secret ? ["--secret"] : []), k, c.value]);
}
