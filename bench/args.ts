// Command line of `npm run bench`: usage on --help (exit 0); on a bad flag or value a message naming it, the usage
// and exit 2, before anything runs.
import { validateTimings } from "../emulator/admin";
import { integerFlag, parseFlags, UsageError, validatedFlag } from "../emulator/cli-args";
import { validateFaultSettings } from "../emulator/faults";

/** The figures the benchmark prints (bench/run.ts); --only picks among them. */
export const FIGURE_NUMBERS: readonly number[] = [1, 2, 3, 4, 5, 6, 7];

export const USAGE = `Usage: npm run bench -- [options]

Benchmark (not a test): SLB API calls per operation, wall time of up / preview / destroy against the lower bound
the service sets, and the provider's footprint, all through the engine harness against the emulator.

  npm run bench                   figures 1-7 (about 12 minutes; 6: a fleet of 200 through \`pulumi\` in both engine
                                  modes; 7: coalesced vs per-listener reads)
  npm run bench -- --full         also N=100 listeners on one load balancer (about 1 more minute)
  npm run bench -- --json         the same figures as one JSON document on stdout

Options:
  --latency-ms N       API latency per call (default 50)
  --transition-ms N    listener starting/configuring/stopping time (default 200)
  --change-ms N        time one configuration change occupies its load balancer, N >= 1 (default 200)
  --qps-limit N        calls per second allowed in figure 3, N >= 1 (default 50)
  --cold-starts N      provider host cold starts measured in figure 4, N >= 1 (default 5; figure 7 makes 10 of each kind)
  --child-emulator     run the emulator in its own process
  --only LIST          figures to run, comma-separated from ${FIGURE_NUMBERS.join(",")} (default all)
  --full, --json       see above
  -h, --help           show this help
`;

export interface BenchArgs {
    help: boolean;
    json: boolean;
    full: boolean;
    childEmulator: boolean;
    latencyMs: number;
    transitionMs: number;
    changeMs: number;
    qpsLimit: number;
    coldStarts: number;
    /** The figures to run. */
    only: Set<number>;
}

const FLAGS = {
    json: { type: "boolean" },
    full: { type: "boolean" },
    "latency-ms": { type: "string" },
    "transition-ms": { type: "string" },
    "change-ms": { type: "string" },
    "qps-limit": { type: "string" },
    "cold-starts": { type: "string" },
    "child-emulator": { type: "boolean" },
    only: { type: "string" },
    help: { type: "boolean", short: "h" },
} as const;

/** Parses the benchmark's flags; throws UsageError. */
export function parseBenchArgs(argv: string[]): BenchArgs {
    const v = parseFlags(argv, FLAGS);
    // The emulator's own validators, so a value the emulator would refuse is a usage error here too.
    const latencyMs = validatedFlag("latency-ms", v["latency-ms"] ?? "50", "latencyMs", (n) => validateFaultSettings({ latencyMs: n }));
    const transitionMs = validatedFlag("transition-ms", v["transition-ms"] ?? "200", "transitionMs", (n) => validateTimings({ transitionMs: n }));
    // The bounds divide by the change time: it must not be 0.
    const changeMs = validatedFlag("change-ms", v["change-ms"] ?? "200", "changeMs", (n) => {
        validateTimings({ changeMs: n });
        if (n < 1) throw new Error("must be at least 1");
    });
    const only = new Set<number>();
    for (const part of (v.only ?? FIGURE_NUMBERS.join(",")).split(",")) {
        const n = Number(part.trim());
        if (part.trim() === "" || !FIGURE_NUMBERS.includes(n)) {
            throw new UsageError(`invalid value for --only: ${JSON.stringify(v.only)} (figure numbers from ${FIGURE_NUMBERS.join(",")}, comma-separated)`);
        }
        only.add(n);
    }
    return {
        help: v.help, json: v.json, full: v.full, childEmulator: v["child-emulator"],
        latencyMs, transitionMs, changeMs,
        qpsLimit: integerFlag("qps-limit", v["qps-limit"] ?? "50", 1),
        coldStarts: integerFlag("cold-starts", v["cold-starts"] ?? "5", 1),
        only,
    };
}

/** For the benchmark's entry: the parsed flags, or the process ends here (--help: usage, 0; bad input: message, usage, 2). */
export function benchArgsOrExit(argv: string[]): BenchArgs {
    let args: BenchArgs;
    try {
        args = parseBenchArgs(argv);
    } catch (e) {
        if (!(e instanceof UsageError)) throw e;
        process.stderr.write(`bench: ${e.message}\n\n${USAGE}`);
        process.exit(2);
    }
    if (args.help) {
        process.stdout.write(USAGE);
        process.exit(0);
    }
    return args;
}
