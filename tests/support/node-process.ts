// Runs a compiled script of this project as its own Node process, for tests of command lines (exit code, output).
import { spawn } from "child_process";

export interface ProcessResult {
    code: number | null;
    stdout: string;
    stderr: string;
}

/** Runs `node <script> <args>` to its end, collecting what it prints. */
export function runNode(script: string, args: readonly string[]): Promise<ProcessResult> {
    const child = spawn(process.execPath, [script, ...args], { stdio: "pipe" });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    return new Promise((res) => child.on("close", (code) => res({ code, stdout, stderr })));
}
