// Scenario 4, hostile input at the ENGINE level: a real program whose TcpListeners carry wrong types, NaN and
// Infinity, huge strings, nulls and unknown (misspelt) properties goes through the real dynamic-provider host.
// Preview must fail with every bad property named (short messages, however long the input), and nothing may
// reach the SLB API, in preview or in up. (Random bytes at the emulator's wire are the emulator's own fuzz tests;
// 10,000 generated inputs straight into check() are check-property.test.ts.)
import { expect } from "chai";
import { TcpListener } from "../../provider";
import { Failure } from "../harness";
import { Rig, useRigs } from "./rig";

const MB = "x".repeat(1024 * 1024);

/** Resource name -> hostile inputs (on top of nothing: required inputs are only there when given) and the
 * properties whose failures must be reported. */
function cases(lb: string): Record<string, { args: Record<string, unknown>; bad: string[] }> {
    return {
        types: {
            args: { loadBalancerId: lb, listenerPort: "80", bandwidth: "fast", backendServerPort: true, scheduler: 5,
                healthCheckSwitch: false, proxyProtocolV2Enabled: "yes", tags: ["a", "b"], status: { running: true } },
            bad: ["listenerPort", "bandwidth", "backendServerPort", "scheduler", "healthCheckSwitch", "proxyProtocolV2Enabled", "tags", "status"],
        },
        numbers: {
            args: { loadBalancerId: lb, listenerPort: Number.NaN, bandwidth: Number.POSITIVE_INFINITY, backendServerPort: 8080.5,
                establishedTimeout: 1e300, healthyThreshold: -3, persistenceTimeout: Number.NEGATIVE_INFINITY, healthCheckConnectPort: 65536 },
            bad: ["listenerPort", "bandwidth", "backendServerPort", "establishedTimeout", "healthyThreshold", "persistenceTimeout", "healthCheckConnectPort"],
        },
        huge: {
            args: { loadBalancerId: `lb-${"z".repeat(100_000)}`, listenerPort: 81, bandwidth: -1, backendServerPort: 8080, description: MB,
                healthCheckType: "http", healthCheckUri: `/${"a".repeat(200_000)}`, healthCheckDomain: MB.slice(0, 5000),
                tags: { ["k".repeat(10_000)]: "v", big: "v".repeat(100_000) } },
            bad: ["loadBalancerId", "description", "healthCheckUri", "healthCheckDomain", "tags"],
        },
        unknown: {
            args: { loadBalancerId: lb, listenerPort: 82, bandwidth: -1, backendServerPort: 8080, healthCheckURI: "/typo",
                listenerProtocol: "udp", "weird key \u0000 with \"quotes\"": 1 },
            bad: ["healthCheckURI", "listenerProtocol", "weird key \u0000 with \"quotes\""],
        },
        nulls: {
            args: { loadBalancerId: null, listenerPort: null, bandwidth: null, backendServerPort: null, tags: { a: null } },
            bad: ["loadBalancerId", "listenerPort", "bandwidth", "backendServerPort", "tags"],
        },
    };
}

describe("reliability: hostile program input at the engine level", function () {
    this.timeout(60_000);
    const rigs = useRigs();

    /** Runs preview and up of a program with the given resources; checks what every hostile scenario must hold. */
    async function expectRejectedUpFront(label: string, pick: (all: ReturnType<typeof cases>) => Partial<ReturnType<typeof cases>>) {
        const rig = rigs.add(await Rig.start());
        const all = pick(cases(rig.lbIds[0])) as ReturnType<typeof cases>;
        const program = () => {
            for (const [name, c] of Object.entries(all)) new TcpListener(name, c.args as never);
        };
        const summary: string[] = [];
        for (const op of ["preview", "up"] as const) {
            const engine = rig.engine();
            const started = Date.now();
            const result = await rig.run(`${label} ${op}`, engine, op, program);
            const byResource = new Map<string, Failure[]>();
            for (const f of result.failures) byResource.set(f.name, [...(byResource.get(f.name) ?? []), f]);
            const missing: string[] = [];
            for (const [name, c] of Object.entries(all)) {
                const got = byResource.get(name) ?? [];
                for (const property of c.bad) if (!got.some((f) => f.property === property)) missing.push(`${name}.${JSON.stringify(property)}`);
            }
            expect(missing, `${op}: bad properties without a failure naming them`).to.deep.equal([]);
            expect(result.ok, `${op} must fail`).to.equal(false);
            for (const f of result.failures) {
                const quoted = JSON.stringify(f.property.slice(0, 60));
                expect(f.reason.includes(f.property) || f.reason.includes(quoted), `${f.name}: ${JSON.stringify(f)}`).to.equal(true);
                expect(f.reason.length, `${f.name}.${f.property}: reason of ${f.reason.length} characters`).to.be.at.most(400);
            }
            expect(result.rpcs.filter((r) => !["Configure", "Check"].includes(r.method)).map((r) => r.method), `${op}: RPCs past Check`).to.deep.equal([]);
            expect(engine.readState().resources, `${op}: nothing in state`).to.deep.equal([]);
            expect((await rig.log()).map((e) => e.action), `${op}: calls that reached the SLB API`).to.deep.equal([]);
            summary.push(`${op} ${Date.now() - started} ms, ${result.failures.length} failures on ${byResource.size} resources`);
        }
        return { all, summary: summary.join("; ") };
    }

    it("wrong types, NaN/Infinity, huge strings and nulls: preview and up fail with every bad property named, nothing reaches the API", async () => {
        const { all, summary } = await expectRejectedUpFront("hostile", ({ unknown: _u, ...rest }) => rest);
        const longest = Math.max(...Object.values(all).flatMap((c) => Object.values(c.args)).map((v) => JSON.stringify(v ?? null).length));
        console.log(`      [hostile input] ${Object.keys(all).length} resources, ${Object.values(all).reduce((n, c) => n + c.bad.length, 0)} bad properties ` +
            `(largest value ${(longest / 1024).toFixed(0)} KiB): ${summary}; API calls 0`);
    });

    // A misspelt property must not be silently dropped: the listener would get the service default instead.
    it("unknown (misspelt) properties: preview and up fail naming each of them, nothing reaches the API", async () => {
        const { all, summary } = await expectRejectedUpFront("unknown properties", ({ unknown }) => ({ unknown }));
        console.log(`      [hostile input] unknown properties ${all.unknown.bad.map((b) => JSON.stringify(b)).join(", ")}: ${summary}; API calls 0`);
    });
});
