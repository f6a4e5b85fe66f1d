// The package as users get it: `npm pack`, installed into a fresh Pulumi project outside the repository,
// type-checked with tsc (typos and values outside literal unions must not compile), deployed through the
// engine harness from that project's directory next to @pulumi/alicloud, and its slb-emulator command run.
import { expect } from "chai";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { startEmulator, Emulator } from "../../emulator";
import { ensureAcl, ensureVServerGroup } from "../../emulator/setup";
import { Engine, MockArgs, secret } from "../harness";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, slbClient, SlbClient } from "../support/slb-client";
import { BASE_COMPILER_OPTIONS, Packed, packedProject, repo, typeCheck } from "./packed";

const REGION = "cn-hangzhou";

describe("the packed package in a fresh Pulumi project", function () {
    this.timeout(180000);
    let packed: Packed;
    let project: string;

    before(() => {
        packed = packedProject();
        project = packed.project;
        fs.copyFileSync(path.join(repo, "examples", "with-alicloud", "index.ts"), path.join(project, "index.ts"));
        fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify({
            compilerOptions: { ...BASE_COMPILER_OPTIONS, module: "commonjs", moduleResolution: "node", outDir: "bin" },
            files: ["index.ts"],
        }, null, 2));
    });

    it("ships only the runtime and its documentation: provider and emulator code, types, README, docs, CHANGELOG, LICENSE", () => {
        const files = packed.files;
        expect(files).to.include.members(["README.md", "CHANGELOG.md", "LICENSE", "package.json", "dist/provider/index.js", "dist/provider/index.d.ts",
            "dist/emulator/cli.js", "docs/performance.md", "docs/reliability.md", "emulator/README.md", "emulator/MODEL.md"]);
        expect(files.filter((f) => /^dist\/(tests|bench|scripts|examples)\/|\.map$|\.ts$/.test(f) && !f.endsWith(".d.ts"))).to.deep.equal([]);
    });

    it("type-checks a program using TcpListener with @pulumi/alicloud outputs as inputs", () => {
        expect(typeCheck(project)).to.equal("");
    });

    it("rejects a misspelt input and a value outside a literal union at compile time", () => {
        const program = fs.readFileSync(path.join(project, "index.ts"), "utf8");
        const variants: Record<string, string> = {
            "typo.ts": program.replace("listenerPort: 443", "listenerPrt: 443"),
            "union.ts": program.replace('scheduler: "tch"', 'scheduler: "fastest"'),
            "status.ts": program.replace('tags: { team: "web" }', 'tags: { team: "web" }, status: "paused"'),
        };
        const dir = fs.mkdtempSync(path.join(project, "bad-"));
        for (const [name, text] of Object.entries(variants)) fs.writeFileSync(path.join(dir, name), text);
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify({ extends: "../tsconfig.json", compilerOptions: { noEmit: true }, files: Object.keys(variants) }));
        const output = typeCheck(dir);
        for (const name of Object.keys(variants)) expect(output, output).to.match(new RegExp(`${name.replace(".", "\\.")}\\(\\d+,\\d+\\): error TS`));
        expect(output).to.contain("listenerPrt").and.contain('"fastest"').and.contain('"paused"');
    });

    describe("deployed through the engine harness from the project's directory", () => {
        let emulator: Emulator;
        let slb: SlbClient;

        before(async () => {
            expect(typeCheck(project)).to.equal(""); // also compiles the program to bin/
            emulator = await startEmulator({ timings: { transitionMs: 30, changeMs: 5 } });
            slb = slbClient(emulator.endpoint);
        });
        after(() => emulator.close());

        /** Ids of the @pulumi/alicloud resources created so far: the engine knows them in later previews. */
        const created = new Map<string, string>();

        /** @pulumi/alicloud's resources, answered by the emulator (the alicloud plugin is not available here). */
        async function alicloudMocks(args: MockArgs) {
            const known = created.get(args.name);
            if (known || args.preview) return { id: known, state: args.inputs };
            const { id, state } = await createInEmulator(args);
            created.set(args.name, id);
            return { id, state };
        }

        async function createInEmulator(args: MockArgs): Promise<{ id: string; state: Record<string, unknown> }> {
            const inputs = args.inputs as Record<string, unknown>;
            if (args.type === "alicloud:slb/applicationLoadBalancer:ApplicationLoadBalancer") {
                const lb = await slb.call("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: inputs.loadBalancerName, LoadBalancerSpec: inputs.loadBalancerSpec });
                return { id: lb.LoadBalancerId as string, state: inputs };
            }
            if (args.type === "alicloud:slb/serverGroup:ServerGroup") {
                return { id: await ensureVServerGroup(slb, REGION, String(inputs.loadBalancerId), String(inputs.name)), state: inputs };
            }
            if (args.type === "alicloud:slb/acl:Acl") {
                return { id: await ensureAcl(slb, REGION, String(inputs.name)), state: inputs };
            }
            throw new Error(`unexpected resource type ${args.type}`);
        }

        it("previews with unknown ids, deploys a running listener, and previews clean afterwards", async () => {
            const engine = new Engine({
                projectDir: project,
                stack: "dev",
                config: {
                    "alicloud:region": REGION,
                    "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID,
                    "alicloud:secretKey": secret(DEFAULT_ACCESS_KEY_SECRET),
                    "alicloud:endpoints": JSON.stringify([{ slb: emulator.endpoint }]),
                },
                mocks: alicloudMocks,
            });
            const program = path.join(project, "bin", "index.js");
            const preview = await engine.preview(program);
            expect(preview.errors).to.deep.equal([]);
            expect(preview.failures).to.deep.equal([]);

            const up = await engine.up(program);
            expect(up.errors).to.deep.equal([]);
            const lbId = up.outputs.loadBalancerId as string;
            const live = await slb.call("DescribeLoadBalancerTCPListenerAttribute", { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: 443 });
            expect(live).to.include({ Status: "running", Scheduler: "tch", AclStatus: "on", AclType: "white", HealthCheckType: "http" });
            expect(up.outputs).to.include({ listenerId: `${lbId}:tcp:443`, listenerStatus: "running" });

            const state = fs.readFileSync(engine.statePath, "utf8");
            expect(state).not.to.contain(repo);
            expect(state).not.to.contain(DEFAULT_ACCESS_KEY_SECRET);

            const again = await engine.preview(program);
            expect(again.steps.filter((s) => s.op !== "same")).to.deep.equal([]);
            await engine.destroy();
        });

        it("runs the slb-emulator command of the installed package", async () => {
            const bin = path.join(project, "node_modules", ".bin", "slb-emulator");
            const child = spawn(bin, ["--port", "0"], { stdio: ["ignore", "pipe", "pipe"] });
            const endpoint = await new Promise<string>((resolve, reject) => {
                child.stdout.once("data", (chunk: Buffer) => resolve(chunk.toString().split("\n")[0].trim()));
                child.once("exit", (code) => reject(new Error(`slb-emulator exited with ${code}`)));
            });
            expect(endpoint).to.match(/^http:\/\/127\.0\.0\.1:\d+$/);
            const health = await (await fetch(`${endpoint}/_emulator/health`)).json() as { status: string };
            expect(health.status).to.equal("ok");
            const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
            child.kill("SIGTERM");
            expect(await exited).to.equal(0);
        });
    });
});
