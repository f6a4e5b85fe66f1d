// Helpers of the option matrix (options.test.ts, config-changes.test.ts): Automation API options the CliStack
// methods do not name (--target), what a run showed for one resource, and a lab whose emulator knows several
// accounts (a second key of the same account, and a key of another account) for the credential rows.
import { randomBytes } from "crypto";
import { startEmulator } from "../../emulator";
import { PulumiCli } from "../../scripts/pulumi-cli";
import { slbClient } from "../support/slb-client";
import { EmulatorLab, FAST_TIMINGS, PROJECT, REGION, WatchedSecret, useLab } from "./lab";
import { CliStack, Program, RunResult } from "./stack";

export const TCP_LISTENER = "pulumi-nodejs:dynamic/slb:TcpListener";

/** What CliStack.up/preview/refresh pass on besides their own options (they spread them into the Automation API call). */
export interface ExtraRunOptions {
    target?: string[];
    refresh?: boolean;
    expectNoChanges?: boolean;
    diff?: boolean;
    /** refresh/destroy --run-program: the providers get the current stack config, not the one recorded by the last up. */
    runProgram?: boolean;
}

export const upWith = (s: CliStack, o: ExtraRunOptions) => s.up(o as Parameters<CliStack["up"]>[0]);
export const previewWith = (s: CliStack, o: ExtraRunOptions) => s.preview(o as Parameters<CliStack["preview"]>[0]);
export const refreshWith = (s: CliStack, o: ExtraRunOptions) => s.refresh(o as Parameters<CliStack["refresh"]>[0]);

/** The operations the engine reported for one resource (any phase), e.g. ["replace", "create-replacement", ...]. */
export function opsOf(r: RunResult, name: string): string[] {
    return [...new Set(r.steps.filter((s) => s.name === name).map((s) => s.op))];
}

/** Messages the engine showed under one resource. */
export function saidOn(r: RunResult, urn: string): string[] {
    return r.diagnostics.filter((d) => d.urn === urn).map((d) => d.message.trim());
}

/** Everything a run showed the user: CLI output and every diagnostic. */
export const shown = (r: RunResult) => [r.stdout, r.stderr, ...r.diagnostics.map((d) => d.message)].join("\n");

interface Logged { seq: number; action: string; params: Record<string, unknown> }

/**
 * Calls since `mark` that change something on a load balancer (not Describe*), as "<action> <port>"; tag calls name
 * their listeners by resource id (`<lb>_tcp_<port>`), not by load balancer.
 */
export function changes(requests: Logged[], lbId: string, mark = 0): string[] {
    const out: string[] = [];
    for (const c of requests) {
        if (c.seq <= mark || c.action.startsWith("Describe")) continue;
        if (c.params.LoadBalancerId === lbId) out.push(`${c.action} ${c.params.ListenerPort ?? ""}`.trim());
        for (const v of Object.values(c.params)) {
            const port = typeof v === "string" && v.startsWith(`${lbId}_tcp_`) ? v.slice(lbId.length + 5) : undefined;
            if (port) out.push(`${c.action} ${port}`);
        }
    }
    return out;
}

export interface Account {
    readonly accessKeyId: string;
    readonly accessKeySecret: string;
    /** Keys with the same accountId see the same load balancers. */
    readonly accountId: string;
}

/** A second key of the main account, and the key of another account (which cannot see the main account's load balancers). */
export const MAIN: Account = { accessKeyId: "matrix-main-key", accessKeySecret: `main-${randomBytes(16).toString("hex")}`, accountId: "acct-main" };
export const SAME_ACCOUNT: Account = { accessKeyId: "matrix-second-key", accessKeySecret: `second-${randomBytes(16).toString("hex")}`, accountId: "acct-main" };
export const OTHER_ACCOUNT: Account = { accessKeyId: "matrix-other-key", accessKeySecret: `other-${randomBytes(16).toString("hex")}`, accountId: "acct-other" };

/** One emulator with three keys (two accounts) for a file; stacks configured with the main key, as a user does. */
export class AccountsLab extends EmulatorLab {
    static async start(cli: PulumiCli): Promise<AccountsLab> {
        const emulator = await startEmulator({ timings: FAST_TIMINGS, accounts: [MAIN, SAME_ACCOUNT, OTHER_ACCOUNT] });
        return new AccountsLab(cli, emulator, slbClient(emulator.endpoint, MAIN));
    }

    protected watched(): readonly WatchedSecret[] {
        return [MAIN, SAME_ACCOUNT, OTHER_ACCOUNT].map((a) => ({ name: `${a.accessKeyId}'s secret`, value: a.accessKeySecret }));
    }

    async loadBalancer(region = REGION): Promise<string> {
        return String((await this.slb.call("CreateLoadBalancer", { RegionId: region, LoadBalancerName: "matrix" })).LoadBalancerId);
    }

    /** Stack config for an account (the secret key with --secret), this emulator and short bounds. */
    config(account: Account = MAIN, extra: Record<string, string> = {}): Record<string, { value: string; secret?: boolean }> {
        return {
            "alicloud:region": { value: REGION },
            "alicloud:accessKey": { value: account.accessKeyId },
            "alicloud:secretKey": { value: account.accessKeySecret, secret: true },
            "alicloud:endpoints": { value: JSON.stringify([{ slb: this.emulator.endpoint }]) },
            "slbListener:retryTimeoutSeconds": { value: "20" },
            ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, { value: v }])),
        };
    }

    async stack(program: Program, label: string, extra: Record<string, string> = {}): Promise<CliStack> {
        const s = await CliStack.create({ cli: this.cli, project: PROJECT, program, config: this.config(MAIN, extra), label });
        this.stacks.push(s);
        return s;
    }

    /** Switches a stack to another account's key (what `pulumi config set alicloud:accessKey ...` does). */
    async useAccount(s: CliStack, account: Account): Promise<void> {
        const { "alicloud:accessKey": id, "alicloud:secretKey": secret } = this.config(account);
        await s.stack.setAllConfig({ "alicloud:accessKey": id, "alicloud:secretKey": secret });
    }
}

/** The file's AccountsLab (see useLab). */
export function useAccountsLab(cli: () => PulumiCli): () => AccountsLab {
    return useLab(() => AccountsLab.start(cli()));
}
