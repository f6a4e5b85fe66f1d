// The processes a test started and what they started in turn, found through /proc, and how to stop all of them.
// The Pulumi engine starts each plugin in a process group of its own, so when `pulumi` is SIGKILLed its plugins
// (language host, provider hosts) live on, adopted by init: a test that kills the CLI kills every process group
// below it.
import * as fs from "fs";

/** The processes of a pid's subtree (children first found through /proc). */
export function descendants(pid: number): number[] {
    const children = new Map<number, number[]>();
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry)) continue;
        try {
            const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
            const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
            children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
        } catch {
            // gone
        }
    }
    const out: number[] = [];
    const walk = (p: number) => {
        for (const c of children.get(p) ?? []) {
            out.push(c);
            walk(c);
        }
    };
    walk(pid);
    return out;
}

export function cwdOf(pid: number): string | undefined {
    try {
        return fs.readlinkSync(`/proc/${pid}/cwd`);
    } catch {
        return undefined;
    }
}

export function argv0(pid: number): string | undefined {
    try {
        return fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0")[0];
    } catch {
        return undefined;
    }
}

/** SIGKILL for each process and the process group it leads (plugins lead their own groups). */
export function killGroups(pids: readonly number[]): void {
    for (const p of pids) {
        for (const target of [-p, p]) {
            try {
                process.kill(target, "SIGKILL");
            } catch {
                // not a group leader, or already gone
            }
        }
    }
}

/** Kills `pid`, everything below it and their process groups; returns what was found. */
export function killTree(pid: number): number[] {
    const all = [pid, ...descendants(pid)];
    killGroups(all);
    return all;
}
