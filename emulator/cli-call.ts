// `slb-emulator call ACTION Key=Value ...`: one SLB API call through the real SDK (the provider's client, signed
// like every call the provider makes), its JSON answer on stdout. For changing things outside Pulumi by hand,
// e.g. a listener's description to try drift detection, without writing a signed client.
import { SlbClient } from "../provider/api/client";
import { parseFlags, UsageError } from "./cli-args";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from "./index";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:8080";

export const CALL_HELP = `Usage: slb-emulator call ACTION [Key=Value ...] [options]

Calls one SLB (2014-05-15) API action through the Alibaba Cloud SDK and prints the JSON answer. RegionId is
added unless given. A list parameter is written with its index: LoadBalancerId.1=lb-...

Options:
  --endpoint URL           the SLB endpoint (default: $ALICLOUD_SLB_ENDPOINT, else ${DEFAULT_ENDPOINT})
  --region R               RegionId to send (default cn-hangzhou)
  --access-key-id ID       (default ${DEFAULT_ACCESS_KEY_ID}, the emulator's)
  --access-key-secret S    (default ${DEFAULT_ACCESS_KEY_SECRET})
  -h, --help               show this help and exit

Example: slb-emulator call SetLoadBalancerTCPListenerAttribute LoadBalancerId=lb-... ListenerPort=80 Description=changed

Exit status: 0 with the answer on stdout; 1 when the API answers an error (code and message on stderr);
2 for a bad argument.
`;

const FLAGS = {
    endpoint: { type: "string" },
    region: { type: "string" },
    "access-key-id": { type: "string" },
    "access-key-secret": { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

export interface CallRequest {
    action: string;
    params: Record<string, string>;
    endpoint: URL;
    accessKeyId: string;
    accessKeySecret: string;
}

/** ACTION, Key=Value pairs and flags, in any order; `undefined` for --help. */
export function parseCall(argv: string[], env: NodeJS.ProcessEnv = process.env): CallRequest | undefined {
    // Flag values are the words right after a string flag; take them out before reading ACTION and the pairs.
    const flagArgs: string[] = [];
    const rest: string[] = [];
    for (let i = 0; i < argv.length; i++) {
        const a = argv[i];
        if (a.startsWith("-")) {
            flagArgs.push(a);
            const name = a.replace(/^--?/, "");
            if (!a.includes("=") && name in FLAGS && FLAGS[name as keyof typeof FLAGS].type === "string" && i + 1 < argv.length) flagArgs.push(argv[++i]);
        } else rest.push(a);
    }
    const flags = parseFlags(flagArgs, FLAGS);
    if (flags.help) return undefined;
    const [action, ...pairs] = rest;
    if (!action) throw new UsageError("an ACTION is required, e.g. DescribeLoadBalancerTCPListenerAttribute");
    if (!/^[A-Z][A-Za-z0-9]+$/.test(action)) throw new UsageError(`not an action name: ${JSON.stringify(action)}`);
    const params: Record<string, string> = {};
    for (const pair of pairs) {
        const at = pair.indexOf("=");
        if (at <= 0) throw new UsageError(`expected Key=Value, got ${JSON.stringify(pair)}`);
        params[pair.slice(0, at)] = pair.slice(at + 1);
    }
    params.RegionId ??= flags.region ?? "cn-hangzhou";
    let endpoint: URL;
    const raw = flags.endpoint ?? env.ALICLOUD_SLB_ENDPOINT ?? DEFAULT_ENDPOINT;
    try {
        endpoint = new URL(/^https?:\/\//.test(raw) ? raw : `http://${raw}`);
    } catch {
        throw new UsageError(`invalid value for --endpoint: ${JSON.stringify(raw)} (a URL such as ${DEFAULT_ENDPOINT})`);
    }
    return {
        action, params, endpoint,
        accessKeyId: flags["access-key-id"] ?? DEFAULT_ACCESS_KEY_ID,
        accessKeySecret: flags["access-key-secret"] ?? DEFAULT_ACCESS_KEY_SECRET,
    };
}

/** Runs `slb-emulator call ...`; returns the exit code. */
export async function callCommand(argv: string[]): Promise<number> {
    let req: CallRequest | undefined;
    try {
        req = parseCall(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`slb-emulator call: ${e.message}\n\n${CALL_HELP}`);
        return 2;
    }
    if (!req) {
        process.stdout.write(CALL_HELP);
        return 0;
    }
    const client = new SlbClient({
        endpoint: { protocol: req.endpoint.protocol === "https:" ? "https" : "http", host: req.endpoint.host },
        credentials: { accessKeyId: req.accessKeyId, accessKeySecret: req.accessKeySecret },
        retryTimeoutMs: 5000,
    });
    try {
        process.stdout.write(`${JSON.stringify(await client.call(req.action, req.params), null, 2)}\n`);
        return 0;
    } catch (e) {
        process.stderr.write(`slb-emulator call: ${(e as Error).message}\n`);
        return 1;
    }
}
