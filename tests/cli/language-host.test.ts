// Our stand-in for the Node.js language host (tools/language-host/host.ts) against what the official
// pulumi-language-nodejs does (engine v3.274.1): the node command line and environment it gives @pulumi/pulumi's
// cmd/run, how it reads its own arguments, and how it maps the program's exit code. The last part runs the host
// as the engine does (a process that prints its port) and sends it Run requests over gRPC; the "program" is a fake
// cmd/run that records what it was given and exits with the code it is told to.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import { expect } from "chai";
import { BAIL_EXIT_CODE, NO_SDK, RunSpec, configJson, hostArgs, launch, nodeOptions, outcome, programDependencies } from "../../tools/language-host/host";
import { ROOT, STAND_IN_SOURCE } from "../../scripts/pulumi-cli";

const RUN = "/sdk/cmd/run/index.js";
const spec = (over: Partial<RunSpec> = {}): RunSpec => ({
    monitor: "127.0.0.1:1001", engine: "127.0.0.1:1002", organization: "org", project: "proj", stack: "dev",
    rootDirectory: "/p", programDirectory: "/p/src", entryPoint: "index.ts", dryRun: false, parallel: 8, tracing: "",
    args: [], config: {}, configSecretKeys: [], options: {}, ...over,
});

describe("the stand-in Node.js language host (tools/language-host)", () => {
    it("starts cmd/run with the official host's flags, in its order, then the entry point and the program's arguments", () => {
        expect(launch(spec({ dryRun: true, tracing: "http://127.0.0.1:9411", args: ["a", "b"] }), RUN).argv).to.deep.equal([
            RUN, "--monitor", "127.0.0.1:1001", "--engine", "127.0.0.1:1002", "--organization", "org", "--project", "proj",
            "--root-directory", "/p", "--stack", "dev", "--pwd", "/p/src", "--dry-run", "--parallel", "8",
            "--tracing", "http://127.0.0.1:9411", "index.ts", "a", "b",
        ]);
    });

    it("leaves out empty values and --dry-run for an update, keeps --parallel 0, and runs '.' without an entry point", () => {
        const argv = launch(spec({ organization: "", engine: "", parallel: 0, entryPoint: "" }), RUN).argv;
        expect(argv).to.deep.equal([RUN, "--monitor", "127.0.0.1:1001", "--project", "proj", "--root-directory", "/p",
            "--stack", "dev", "--pwd", "/p/src", "--parallel", "0", "."]);
    });

    it("puts runtime.options.nodeargs before the script, split like a shell", () => {
        expect(launch(spec({ options: { nodeargs: `--max-old-space-size=4096 --require "./a b.js"` } }), RUN).argv.slice(0, 4))
            .to.deep.equal(["--max-old-space-size=4096", "--require", "./a b.js", RUN]);
    });

    it("passes config as PULUMI_CONFIG with ns:config:name keys and the secret keys as PULUMI_CONFIG_SECRET_KEYS", () => {
        const { env } = launch(spec({ config: { "alicloud:region": "cn-hangzhou", "slb-listener:loadBalancerId": "lb-1", "a:config:b": "c" },
            configSecretKeys: ["alicloud:secretKey"] }), RUN);
        expect(JSON.parse(env.PULUMI_CONFIG)).to.deep.equal({ "alicloud:config:region": "cn-hangzhou", "slb-listener:config:loadBalancerId": "lb-1", "a:config:b": "c" });
        expect(JSON.parse(env.PULUMI_CONFIG_SECRET_KEYS)).to.deep.equal(["alicloud:secretKey"]);
        expect(() => configJson({ nonamespace: "x" })).to.throw("invalid config key");
    });

    it("TypeScript by default (PULUMI_NODEJS_TYPESCRIPT=true), off with typescript: false, tsconfig as PULUMI_NODEJS_TSCONFIG_PATH", () => {
        expect(launch(spec(), RUN).env).to.include({ PULUMI_NODEJS_TYPESCRIPT: "true" }).and.not.have.property("PULUMI_NODEJS_TSCONFIG_PATH");
        expect(launch(spec({ options: { typescript: false } }), RUN).env).to.not.have.property("PULUMI_NODEJS_TYPESCRIPT");
        expect(launch(spec({ options: { tsconfig: "tsconfig.pulumi.json" } }), RUN).env).to.include({ PULUMI_NODEJS_TSCONFIG_PATH: "tsconfig.pulumi.json" });
        expect(() => nodeOptions({ typescript: "yes" })).to.throw("typescript option must be a boolean");
        expect(() => nodeOptions({ nodeargs: 1 })).to.throw("nodeargs option must be a string");
    });

    it("exit code 0 is success, 32 is `bail` (the program already reported its error), any other code an error naming it", () => {
        expect(outcome(0)).to.deep.equal({ error: "", bail: false });
        expect(outcome(BAIL_EXIT_CODE)).to.deep.equal({ error: "", bail: true });
        expect(outcome(1)).to.deep.equal({ error: "Program exited with non-zero exit code: 1", bail: false });
        expect(outcome(null).error, "killed by a signal").to.equal("Program exited with non-zero exit code: -1");
        expect(outcome(null, new Error("spawn node ENOENT")).error).to.equal("Problem executing program (could not run language executor): spawn node ENOENT");
    });

    it("reads the engine's address after the logging and tracing flags the engine may pass", () => {
        expect(hostArgs(["--logtostderr", "-v=9", "--tracing", "http://t", "127.0.0.1:4000"])).to.deep.equal({ engine: "127.0.0.1:4000", tracing: "http://t" });
        expect(hostArgs(["127.0.0.1:4000"])).to.deep.equal({ engine: "127.0.0.1:4000", tracing: "" });
    });

    it("lists the program's direct dependencies with their installed versions (pulumi about)", () => {
        const deps = programDependencies(ROOT);
        expect(deps.find((d) => d.name === "@pulumi/pulumi")).to.deep.equal({ name: "@pulumi/pulumi", version: "3.248.0" });
        expect(deps.map((d) => d.name)).to.include("@alicloud/openapi-client");
    });

    describe("as the engine starts it", function () {
        this.timeout(20_000);
        let tmp: string;
        let host: ChildProcess;
        let client: { [method: string]: (req: unknown, cb: (e: Error | null, r: any) => void) => void }; // eslint-disable-line @typescript-eslint/no-explicit-any
        const language = require("@pulumi/pulumi/proto/language_pb.js");

        before(async () => {
            // A program directory whose @pulumi/pulumi/cmd/run records its argv and environment.
            tmp = fs.mkdtempSync(path.join(os.tmpdir(), "language-host-"));
            const run = path.join(tmp, "node_modules", "@pulumi", "pulumi", "cmd", "run");
            fs.mkdirSync(run, { recursive: true });
            fs.writeFileSync(path.join(run, "index.js"), `require("fs").writeFileSync(${JSON.stringify(path.join(tmp, "seen.json"))}, JSON.stringify({
                argv: process.argv.slice(2), cwd: process.cwd(), config: process.env.PULUMI_CONFIG, secretKeys: process.env.PULUMI_CONFIG_SECRET_KEYS,
                typescript: process.env.PULUMI_NODEJS_TYPESCRIPT }));
                process.exit(Number(JSON.parse(process.env.PULUMI_CONFIG)["test:config:exit"]));`);
            // Started in a directory with the real @pulumi/pulumi (for the gRPC stubs), as the engine would.
            host = spawn(process.execPath, [STAND_IN_SOURCE, "--logtostderr", "-v=3", "127.0.0.1:9"], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
            const port = await new Promise<string>((resolve, reject) => {
                readline.createInterface({ input: host.stdout! }).once("line", resolve);
                host.once("exit", (code) => reject(new Error(`host exited with ${code}`)));
            });
            expect(port).to.match(/^\d+$/);
            const grpc = require("@grpc/grpc-js");
            const { LanguageRuntimeClient } = require("@pulumi/pulumi/proto/language_grpc_pb.js");
            client = new LanguageRuntimeClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
        });
        after(() => {
            host?.kill("SIGKILL");
            fs.rmSync(tmp, { recursive: true, force: true });
        });

        const call = <T>(method: string, req: unknown) => new Promise<T>((resolve, reject) => client[method](req, (e, r) => (e ? reject(e) : resolve(r))));
        const runRequest = (exit: number, programDirectory = tmp) => {
            const req = new language.RunRequest().setProject("proj").setStack("dev").setMonitorAddress("127.0.0.1:7").setParallel(4).setDryrun(true)
                .setConfigsecretkeysList(["test:secret"]).setInfo(new language.ProgramInfo().setRootDirectory(programDirectory)
                    .setProgramDirectory(programDirectory).setEntryPoint("."));
            req.getConfigMap().set("test:exit", String(exit)).set("test:secret", "s3cret");
            return req;
        };
        const seen = () => JSON.parse(fs.readFileSync(path.join(tmp, "seen.json"), "utf8"));

        it("runs cmd/run resolved from the program directory, there, with the engine's address from its own command line", async () => {
            const r = await call<{ getError(): string; getBail(): boolean }>("run", runRequest(0));
            expect([r.getError(), r.getBail()]).to.deep.equal(["", false]);
            const s = seen();
            expect(s.argv).to.deep.equal(["--monitor", "127.0.0.1:7", "--engine", "127.0.0.1:9", "--project", "proj", "--root-directory", tmp,
                "--stack", "dev", "--pwd", tmp, "--dry-run", "--parallel", "4", "."]);
            expect(fs.realpathSync(s.cwd)).to.equal(fs.realpathSync(tmp));
            expect(JSON.parse(s.config)).to.deep.equal({ "test:config:exit": "0", "test:config:secret": "s3cret" });
            expect([JSON.parse(s.secretKeys), s.typescript]).to.deep.equal([["test:secret"], "true"]);
        });

        it("answers bail for exit code 32 and an error for another code", async () => {
            const bail = await call<{ getError(): string; getBail(): boolean }>("run", runRequest(32));
            expect([bail.getError(), bail.getBail()]).to.deep.equal(["", true]);
            const failed = await call<{ getError(): string; getBail(): boolean }>("run", runRequest(3));
            expect([failed.getError(), failed.getBail()]).to.deep.equal(["Program exited with non-zero exit code: 3", false]);
        });

        it("says the SDK is missing when the program directory has no @pulumi/pulumi", async () => {
            const r = await call<{ getError(): string }>("run", runRequest(0, os.tmpdir()));
            expect(r.getError()).to.equal(NO_SDK);
        });

        it("reports a version (the SDK's) and answers About; other calls are UNIMPLEMENTED", async () => {
            const info = await call<{ getVersion(): string }>("getPluginInfo", new (require("google-protobuf/google/protobuf/empty_pb.js").Empty)());
            expect(info.getVersion()).to.equal("3.248.0");
            const about = await call<{ getExecutable(): string }>("about", new language.AboutRequest());
            expect(about.getExecutable()).to.equal(process.execPath);
            const err = await call("getRequiredPackages", new language.GetRequiredPackagesRequest()).catch((e: { code: number }) => e);
            expect((err as { code: number }).code, "grpc status UNIMPLEMENTED").to.equal(12);
        });
    });
});
