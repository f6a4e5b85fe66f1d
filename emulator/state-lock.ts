// One emulator per state file: two writing the same file would silently overwrite each other's changes.
// `<state>.lock` holds the owner's pid; a lock whose process is gone (killed, crashed) is taken over.
import { readFileSync, rmSync, writeFileSync } from "node:fs";

export class StateFileInUseError extends Error {}

function alive(pid: number): boolean {
    try {
        process.kill(pid, 0);
        return true;
    } catch (e) {
        return (e as NodeJS.ErrnoException).code === "EPERM"; // exists, owned by another user
    }
}

function holder(lockPath: string): number | undefined {
    try {
        const pid = Number(readFileSync(lockPath, "utf8").trim());
        return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
        return undefined; // removed in the meantime, or unreadable: treat as stale
    }
}

/** Takes the lock of `statePath` for this process; returns the function that gives it back (safe to call twice). */
export function lockStateFile(statePath: string): () => void {
    const lockPath = `${statePath}.lock`;
    const token = `${process.pid}\n`;
    for (let attempt = 0; attempt < 3; attempt++) {
        try {
            writeFileSync(lockPath, token, { flag: "wx" });
            let held = true;
            return () => {
                if (!held) return;
                held = false;
                if (holder(lockPath) === process.pid) rmSync(lockPath, { force: true });
            };
        } catch (e) {
            if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
        }
        const pid = holder(lockPath);
        if (pid !== undefined && alive(pid)) {
            const who = pid === process.pid ? "another emulator in this process" : `another emulator (process ${pid})`;
            throw new StateFileInUseError(`state file ${statePath} is in use by ${who}; stop it or use another state file ` +
                `(if no emulator uses it, delete ${lockPath})`);
        }
        rmSync(lockPath, { force: true }); // stale: its process is gone
    }
    throw new StateFileInUseError(`cannot take the lock ${lockPath}: other processes keep taking it`);
}
