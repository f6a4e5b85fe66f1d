// Which way the Pulumi engine diffs: one resource at a time (its default), or every Diff in its own goroutine when
// PULUMI_PARALLEL_DIFF is set. Read by the engine itself (v3.274.1: sdk/go/common/env/env.go, ParallelDiff; true for
// "1" or "true" in any case) for preview, up, refresh and destroy; the demo, the benchmark and tests/cli say or set it.

export const PARALLEL_DIFF_ENV = "PULUMI_PARALLEL_DIFF";

export type EngineMode = "serial" | "parallel";
export const ENGINE_MODES: readonly EngineMode[] = ["serial", "parallel"];

/** The mode a `pulumi` started with this environment runs in (the engine's own parsing of the variable). */
export function engineModeOf(env: NodeJS.ProcessEnv = process.env): EngineMode {
    const v = env[PARALLEL_DIFF_ENV];
    return v !== undefined && (v === "1" || v.toLowerCase() === "true") ? "parallel" : "serial";
}

/**
 * The variable for a `pulumi` process in `mode`, set either way: the Automation API starts `pulumi` with this
 * process's environment underneath, so leaving it out would inherit the caller's choice.
 */
export function engineModeEnv(mode: EngineMode): Record<string, string> {
    return { [PARALLEL_DIFF_ENV]: mode === "parallel" ? "true" : "false" };
}

/** A short name for tables: "default" or "PULUMI_PARALLEL_DIFF=true". */
export function engineModeName(mode: EngineMode): string {
    return mode === "parallel" ? `${PARALLEL_DIFF_ENV}=true` : "default";
}

/** One line for headers: what the engine does in that mode. */
export function describeEngineMode(mode: EngineMode): string {
    return mode === "parallel"
        ? `${PARALLEL_DIFF_ENV}=true: the engine runs every Diff in parallel`
        : `default mode: the engine diffs one resource at a time (${PARALLEL_DIFF_ENV} not set to true)`;
}
