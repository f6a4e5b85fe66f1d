// The benchmark's command line: defaults, every bad flag or value refused with a message naming it, and the
// process behaviour `npm run bench -- ...` shows: usage only on --help (exit 0), message + usage + exit 2 on bad input.
import { expect } from "chai";
import * as path from "path";
import { FIGURE_NUMBERS, parseBenchArgs, USAGE } from "../../bench/args";
import { UsageError } from "../../emulator/cli-args";
import { runNode } from "../support/node-process";

const RUN = path.resolve(__dirname, "..", "..", "bench", "run.js");

const runBench = (args: string[]) => runNode(RUN, args);

describe("bench command line", function () {
    this.timeout(30000);

    it("defaults: 50 ms latency, 200 ms transitions and changes, 50 calls/s, 5 cold starts, every figure", () => {
        const args = parseBenchArgs([]);
        expect(args).to.deep.include({ help: false, json: false, full: false, childEmulator: false, latencyMs: 50, transitionMs: 200, changeMs: 200, qpsLimit: 50, coldStarts: 5 });
        expect([...args.only]).to.deep.equal([...FIGURE_NUMBERS]);
        const custom = parseBenchArgs(["--latency-ms", "0", "--change-ms=25", "--only", "1, 4", "--child-emulator", "--json"]);
        expect(custom).to.deep.include({ latencyMs: 0, changeMs: 25, childEmulator: true, json: true });
        expect([...custom.only]).to.deep.equal([1, 4]);
    });

    it("refuses every bad flag or value with a message naming it", () => {
        const cases: Array<[string[], RegExp]> = [
            [["--bogus"], /^unknown option --bogus$/],
            [["--latency-ms", "abc"], /^invalid value for --latency-ms: "abc" \(a number\)$/],
            [["--latency-ms", "-1"], /^invalid value for --latency-ms: "-1"/],
            [["--transition-ms", "1e9"], /^invalid value for --transition-ms: "1e9"/],
            [["--change-ms", "0"], /^invalid value for --change-ms: "0" \(must be at least 1\)$/],
            [["--qps-limit", "0"], /^invalid value for --qps-limit: "0" \(an integer >= 1\)$/],
            [["--cold-starts", "2.5"], /^invalid value for --cold-starts: "2.5"/],
            [["--only", "9"], /^invalid value for --only: "9" \(figure numbers from 1,2,3,4,5,6/],
            [["--only", "1,"], /^invalid value for --only: "1,"/],
            [["--only"], /^--only needs a value$/],
            [["--json=yes"], /^--json takes no value$/],
            [["figures"], /^unexpected argument "figures"$/],
        ];
        for (const [argv, message] of cases) {
            expect(() => parseBenchArgs(argv), argv.join(" ")).to.throw(UsageError, message);
        }
    });

    it("the process: usage only on --help (exit 0); on bad input a one-line message, the usage and exit 2, no stack", async () => {
        const [help, unknown, nan, only] = await Promise.all([["--help"], ["--bogus"], ["--latency-ms", "abc"], ["--only", "9"]].map(runBench));
        expect(help.code).to.equal(0);
        expect(help.stdout).to.equal(USAGE);
        expect(help.stdout).not.to.match(/^\/\//m);
        for (const [r, flag] of [[unknown, "--bogus"], [nan, "--latency-ms"], [only, "--only"]] as const) {
            expect(r.code, flag).to.equal(2);
            expect(r.stdout, flag).to.equal("");
            expect(r.stderr, flag).to.equal(`${r.stderr.split("\n")[0]}\n\n${USAGE}`);
            expect(r.stderr.split("\n")[0], flag).to.match(new RegExp(`^bench: .*${flag}`)).and.not.match(/ERR_|NaN|\bat /);
        }
    });
});
