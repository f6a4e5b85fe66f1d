#!/usr/bin/env node
// slb-emulator: run the local SLB API emulator. Once it serves (and has created the --load-balancer, --vserver-group
// and --acl ones), prints the endpoint URL as the first stdout line, then their ids; exits 0 on SIGINT/SIGTERM after
// closing the server and flushing the state file, 1 when it cannot start, 2 for a bad flag.
// `slb-emulator call ACTION Key=Value ...` makes one API call instead (cli-call.ts).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SlbClient } from "../provider/api/client";
import { validateTimings } from "./admin";
import { integerFlag, parseFlags, UsageError, validatedFlag } from "./cli-args";
import { callCommand } from "./cli-call";
import { validateFaultSettings } from "./faults";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, DEFAULT_TIMINGS, type Emulator, type EmulatorAccount, type FaultSettings, startEmulator } from "./index";
import { isKnownRegion, REGIONS } from "./model/regions";
import { ensureAcl, ensureLoadBalancer, ensureVServerGroup } from "./setup";

const HELP = `Usage: slb-emulator [options]
       slb-emulator call ACTION [Key=Value ...] [--endpoint URL]   (one API call; see slb-emulator call --help)

Local Alibaba Cloud SLB (2014-05-15) API emulator for @alicloud/openapi-client (V3 and V1 signatures).
Once it serves, prints its endpoint URL (http://HOST:PORT) as the first line on stdout, then the id of each
--load-balancer, --vserver-group and --acl (one per line, in that order).

Options:
  --port N                 TCP port 0..65535, 0 = any free port (default 0)
  --host ADDR              interface to listen on (default 127.0.0.1)
  --state FILE             keep state in FILE (loaded at start, saved after changes and on exit); one emulator
                           per FILE at a time
  --access-key-id ID       accepted AccessKeyId (repeatable; pairs with --access-key-secret by position)
  --access-key-secret S    its secret (default account: ${DEFAULT_ACCESS_KEY_ID} / ${DEFAULT_ACCESS_KEY_SECRET})
  --security-token T       require this STS token for the account at the same position (repeatable)
  --transition-ms N        listener starting/stopping/configuring time (default ${DEFAULT_TIMINGS.transitionMs})
  --change-ms N            time one configuration change takes (default ${DEFAULT_TIMINGS.changeMs})
  --latency-ms N           delay added to every call
  --jitter-ms N            extra random delay in [0, N)
  --error-rate P           probability 0..1 of a random transient error per call
  --qps-limit N            calls per account per second, N >= 1; above it: Throttling.User (default: no limit)
  --seed N                 seed for the fault PRNG (reproducible runs)
  --load-balancer NAME     create a load balancer NAME at start, through the API, and print its id on stdout
                           after the endpoint (repeatable; an existing one of that name in --state is reused)
  --vserver-group NAME     create a vServer group NAME on the first --load-balancer and print its id (repeatable;
                           reused like load balancers)
  --acl NAME               create an (empty) access control list NAME and print its id (repeatable; reused)
  --region R               region of those resources (default cn-hangzhou)
  --version                print the version and exit
  -h, --help               show this help and exit

Exit status: 0 after SIGINT/SIGTERM, 1 when it cannot start (port or state file in use, unreadable state),
2 for a bad flag or value.

Admin API (loopback only): GET /_emulator/health | requests | faults | state,
  DELETE /_emulator/requests, PUT /_emulator/faults | timings, POST /_emulator/reset
`;

const FLAGS = {
    port: { type: "string" },
    host: { type: "string" },
    state: { type: "string" },
    "access-key-id": { type: "string", multiple: true },
    "access-key-secret": { type: "string", multiple: true },
    "security-token": { type: "string", multiple: true },
    "transition-ms": { type: "string" },
    "change-ms": { type: "string" },
    "latency-ms": { type: "string" },
    "jitter-ms": { type: "string" },
    "error-rate": { type: "string" },
    "qps-limit": { type: "string" },
    seed: { type: "string" },
    "load-balancer": { type: "string", multiple: true },
    "vserver-group": { type: "string", multiple: true },
    acl: { type: "string", multiple: true },
    region: { type: "string" },
    version: { type: "boolean" },
    help: { type: "boolean", short: "h" },
} as const;

function accountsFrom(ids: string[], secrets: string[], tokens: string[]): EmulatorAccount[] | undefined {
    if (ids.length === 0 && secrets.length === 0) {
        if (tokens.length > 1) throw new UsageError("--security-token given more often than accounts");
        return tokens.length ? [{ accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET, securityToken: tokens[0] }] : undefined;
    }
    // A single id or a single secret overrides just that half of the default account.
    if (ids.length <= 1 && secrets.length <= 1) {
        ids = [ids[0] ?? DEFAULT_ACCESS_KEY_ID];
        secrets = [secrets[0] ?? DEFAULT_ACCESS_KEY_SECRET];
    }
    if (ids.length !== secrets.length) throw new UsageError("--access-key-id and --access-key-secret must come in pairs");
    if (tokens.length > ids.length) throw new UsageError("--security-token given more often than accounts");
    return ids.map((accessKeyId, i) => ({
        accessKeyId,
        accessKeySecret: secrets[i],
        ...(tokens[i] ? { securityToken: tokens[i] } : {}),
    }));
}

function parse(argv: string[]) {
    const values = parseFlags(argv, FLAGS);
    // Each value is checked by the validator the library and the admin API use, so the limits are the same.
    const faults: FaultSettings = {};
    const fault = (flag: "latency-ms" | "jitter-ms" | "error-rate" | "seed", field: "latencyMs" | "jitterMs" | "errorRate" | "seed") => {
        const value = values[flag];
        if (value !== undefined) faults[field] = validatedFlag(flag, value, field, (n) => validateFaultSettings({ [field]: n }));
    };
    fault("latency-ms", "latencyMs");
    fault("jitter-ms", "jitterMs");
    fault("error-rate", "errorRate");
    fault("seed", "seed");
    // The library reads qpsLimit 0 as "no limit"; on the command line that is leaving the flag out.
    if (values["qps-limit"] !== undefined) faults.qpsLimit = integerFlag("qps-limit", values["qps-limit"], 1);
    const timings: { transitionMs?: number; changeMs?: number } = {};
    for (const [flag, field] of [["transition-ms", "transitionMs"], ["change-ms", "changeMs"]] as const) {
        const value = values[flag];
        if (value !== undefined) timings[field] = validatedFlag(flag, value, field, (n) => validateTimings({ [field]: n }));
    }
    const region = values.region ?? "cn-hangzhou";
    if (values["vserver-group"].length > 0 && values["load-balancer"].length === 0) throw new UsageError("--vserver-group needs a --load-balancer to belong to");
    if (!isKnownRegion(region)) throw new UsageError(`invalid value for --region: ${JSON.stringify(region)} (one of ${REGIONS.join(", ")})`);
    return {
        help: values.help,
        version: values.version,
        port: values.port === undefined ? 0 : integerFlag("port", values.port, 0, 65535),
        host: values.host ?? "127.0.0.1",
        statePath: values.state,
        accounts: accountsFrom(values["access-key-id"], values["access-key-secret"], values["security-token"]),
        timings,
        faults,
        loadBalancers: values["load-balancer"],
        vServerGroups: values["vserver-group"],
        acls: values.acl,
        region,
    };
}

/** The version of the package this command belongs to (dist/emulator/cli.js -> package.json). */
function version(): string {
    return (JSON.parse(readFileSync(join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string }).version;
}

/** What --load-balancer, --vserver-group and --acl ask for, created (or found in --state) through the API. */
async function ensureResources(endpoint: string, account: EmulatorAccount, opts: ReturnType<typeof parse>): Promise<Array<{ what: string; id: string }>> {
    const client = new SlbClient({
        endpoint: { protocol: "http", host: endpoint.replace(/^http:\/\//, "") },
        credentials: { accessKeyId: account.accessKeyId, accessKeySecret: account.accessKeySecret, securityToken: account.securityToken },
        retryTimeoutMs: 5000,
    });
    const made: Array<{ what: string; id: string }> = [];
    for (const name of opts.loadBalancers) made.push({ what: `load balancer ${name}`, id: await ensureLoadBalancer(client, opts.region, name) });
    for (const name of opts.vServerGroups) made.push({ what: `vServer group ${name} (on ${made[0].id})`, id: await ensureVServerGroup(client, opts.region, made[0].id, name) });
    for (const name of opts.acls) made.push({ what: `ACL ${name}`, id: await ensureAcl(client, opts.region, name) });
    return made;
}

async function main(argv: string[]): Promise<number> {
    if (argv[0] === "call") return callCommand(argv.slice(1));
    let opts: ReturnType<typeof parse>;
    try {
        opts = parse(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`slb-emulator: ${e.message}\n\n${HELP}`);
        return 2;
    }
    if (opts.help) {
        process.stdout.write(HELP);
        return 0;
    }
    if (opts.version) {
        process.stdout.write(`slb-emulator ${version()}\n`);
        return 0;
    }
    let emulator: Emulator;
    try {
        emulator = await startEmulator(opts);
    } catch (e) {
        process.stderr.write(`slb-emulator: cannot start: ${(e as Error).message}\n`);
        return 1;
    }
    // Signal handlers first: a caller may stop us as soon as it has read what it needs.
    const stopped = new Promise<number>((resolve) => {
        let stopping = false;
        const stop = (signal: string) => {
            if (stopping) return;
            stopping = true;
            process.stderr.write(`slb-emulator: ${signal}, shutting down\n`);
            emulator.close().then(
                () => resolve(0),
                (e) => {
                    process.stderr.write(`slb-emulator: error while closing: ${(e as Error).message}\n`);
                    resolve(1);
                },
            );
        };
        process.on("SIGINT", () => stop("SIGINT"));
        process.on("SIGTERM", () => stop("SIGTERM"));
    });
    // The endpoint is printed only once everything asked for is there: a caller that reads it can use it at once.
    let made: Array<{ what: string; id: string }> = [];
    const account = opts.accounts?.[0] ?? { accessKeyId: DEFAULT_ACCESS_KEY_ID, accessKeySecret: DEFAULT_ACCESS_KEY_SECRET };
    try {
        made = await ensureResources(emulator.endpoint, account, opts);
    } catch (e) {
        process.stderr.write(`slb-emulator: cannot create the load balancers, vServer groups or ACLs asked for: ${(e as Error).message}\n`);
        await emulator.close();
        return 1;
    }
    process.stdout.write([emulator.endpoint, ...made.map((m) => m.id)].join("\n") + "\n");
    for (const m of made) process.stderr.write(`slb-emulator: ${m.what} = ${m.id} (${opts.region})\n`);
    const accounts = opts.accounts?.map((a) => a.accessKeyId).join(", ") ?? DEFAULT_ACCESS_KEY_ID;
    process.stderr.write(`slb-emulator: listening on ${emulator.endpoint} (accounts: ${accounts}${opts.statePath ? `, state: ${opts.statePath}` : ""})\n`);
    return stopped;
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
        process.stderr.write(`slb-emulator: ${(e as Error)?.stack ?? String(e)}\n`);
        process.exit(1);
    },
);
