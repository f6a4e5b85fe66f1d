// Scenario 6, secrets. Every reliability test ends with the secret watch (rig.ts `useRigs`): the access-key
// secret, random per run, must appear in no state file, no operation output (steps, outputs, stdout, provider
// stderr, errors, check failures), no emulator request log and no emulator output. This file checks the watch
// itself and the paths most likely to leak a credential: an STS token next to the secret, error messages from an
// unreachable endpoint (they quote the request), and an authentication failure with a wrong secret.
import { randomBytes } from "crypto";
import { expect } from "chai";
import { closedPort } from "../support/closed-port";
import { Rig, SECRET, SecretWatch, expectOk, listenerProgram, secrets, useRigs } from "./rig";

describe("reliability: credentials never leak", function () {
    this.timeout(60_000);
    const rigs = useRigs();

    it("the watch finds a planted secret (so its silence means something)", () => {
        const watch = new SecretWatch();
        watch.add("planted text", `token=${SECRET};`);
        watch.add("clean text", "nothing here");
        expect(() => watch.assertClean()).to.throw(/planted text: \.\.\.token=<CREDENTIAL 0>;/);
        watch.alsoFor("other-credential");
        watch.add("another", "x other-credential y");
        expect(() => watch.assertClean()).to.throw(/another/);
        expect(watch.assertClean()).to.deep.equal({ texts: 0, bytes: 0 });
    });

    it("secret key and STS token stay out of state and output, also in errors of an unreachable endpoint", async () => {
        const token = `sts-token-${randomBytes(16).toString("hex")}`;
        secrets.alsoFor(token);
        const rig = rigs.add(await Rig.start({ securityToken: token }));
        const lb = rig.lbIds[0];
        const engine = rig.engine();
        const specs = [{ name: "s1", loadBalancerId: lb, listenerPort: 80 }, { name: "s2", loadBalancerId: lb, listenerPort: 81 }];
        expectOk(await rig.run("up with token", engine, "up", listenerProgram(specs)), "up");
        expectOk(await rig.run("refresh with token", engine, "refresh"), "refresh");
        // Every call authenticated with secret and token: the only answers other than 200 are the "not found" of
        // check()'s look at a new listener's port.
        const refused = (await rig.log()).filter((e) => e.status !== 200 && !(e.action === "DescribeLoadBalancerTCPListenerAttribute" && e.code === "InvalidParameter"));
        expect(refused, "every call authenticated with secret and token").to.deep.equal([]);

        // Same stack, endpoint gone: diff (describe), update, create and delete all fail, quoting their requests.
        const dead = rig.engine({ statePath: engine.statePath, endpoint: `http://127.0.0.1:${await closedPort()}`, retryTimeoutSeconds: 1 });
        const changed = [{ ...specs[0], description: "changed" }, { name: "s3", loadBalancerId: lb, listenerPort: 82 }];
        const failedUp = await rig.run("up, endpoint unreachable", dead, "up", listenerProgram(changed));
        const failedDestroy = await rig.run("destroy, endpoint unreachable", dead, "destroy");
        const errors = [...failedUp.errors, ...failedDestroy.errors];
        expect(failedUp.ok || failedDestroy.ok).to.equal(false);
        for (const e of errors) expect(e.message).to.match(/no answer from the SLB endpoint/);
        expectOk(await rig.run("destroy", engine, "destroy"), "destroy");
        console.log(`      [secrets] STS token + secret: up, refresh, ${errors.length} unreachable-endpoint errors ` +
            `(${errors.reduce((n, e) => n + e.message.length, 0)} characters quoting requests), destroy: neither credential in any of it`);
    });

    it("a wrong secret fails with an authentication error that names the problem and quotes neither secret", async () => {
        const wrong = `wrong-secret-${randomBytes(16).toString("hex")}`;
        secrets.alsoFor(wrong);
        const rig = rigs.add(await Rig.start());
        const engine = rig.engine({ secretKey: wrong, retryTimeoutSeconds: 2 });
        const up = await rig.run("up with a wrong secret", engine, "up", listenerProgram([{ name: "w", loadBalancerId: rig.lbIds[0], listenerPort: 80 }]));
        expect(up.ok).to.equal(false);
        expect(up.errors).to.have.length(1);
        expect(up.errors[0].message).to.match(/SignatureDoesNotMatch/).and.to.include(`${rig.lbIds[0]}:tcp:80`);
        expect(engine.readState().resources).to.deep.equal([]);
        const calls = await rig.log();
        // check()'s look at the port (a warning: the preview goes on) and the Create, each sent once.
        expect(calls.map((e) => `${e.action} ${e.code}`), "an authentication error is not retried").to.deep.equal([
            "DescribeLoadBalancerTCPListenerAttribute SignatureDoesNotMatch", "CreateLoadBalancerTCPListener SignatureDoesNotMatch",
        ]);
        console.log(`      [secrets] wrong secret: 2 calls (check's look, the Create), neither retried; error: ${up.errors[0].message}`);
    });
});
