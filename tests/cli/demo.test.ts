// `npm run demo` with a CLI at hand: the root program as a directory program (plain pulumi commands in the
// checkout's root), saying so, and leaving no stack config, backend or process behind.
import * as fs from "fs";
import * as path from "path";
import { expect } from "chai";
import { ROOT } from "../../scripts/pulumi-cli";
import { runNode } from "../support/node-process";
import { describeWithCli } from "./lab";

describeWithCli("npm run demo on the real engine", () => {
    it("runs the root program as a directory program, says so, and leaves nothing behind", async function () {
        this.timeout(180_000);
        const r = await runNode(path.join(ROOT, "dist", "scripts", "demo.js"), []);
        expect(r.code, r.stdout + r.stderr).to.equal(0);
        expect(r.stdout).to.contain("the root program runs as a directory program");
        expect(r.stdout).to.match(/\+ create web \(TcpListener\)\n/).and.match(/\+ created web\n/).and.match(/- deleted web \(lb-\w+:tcp:80\)\n/);
        expect(r.stdout).to.match(/no changes \(1 listener unchanged; the check cost 1 API call\)/);
        expect(r.stdout).to.match(/Done in [\d.]+ s \(real Pulumi engine, directory program\)/);
        expect(fs.existsSync(path.join(ROOT, "Pulumi.demo.yaml")), "the demo stack's config file is removed").to.equal(false);
    });
});
