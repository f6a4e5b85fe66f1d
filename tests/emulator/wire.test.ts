// Wire protocol and authentication, through the real @alicloud/openapi-client with both signature
// versions, against a fake model (the wire layer's contract only).
import { expect } from "chai";
import { type Emulator } from "../../emulator";
import { parseQuery } from "../../emulator/server";
import { NonceCache, percentEncode } from "../../emulator/signature";
import { slbClient } from "../support/slb-client";
import { startFakeEmulator, type FakeModel } from "./wire-fake-model";
import { customClient, isoMinutesFromNow, raw, rawSocket, rejection, v1Request, v3Request } from "./wire-raw";

const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
const SIGS = ["v3", "v1"] as const;

describe("emulator wire protocol", () => {
    let emu: Emulator;
    let model: FakeModel;

    beforeEach(async () => {
        ({ emu, model } = await startFakeEmulator([{ accessKeyId: "sts-key", accessKeySecret: "sts-secret", securityToken: "sts-token", accountId: "owner-1" }]));
    });
    afterEach(() => emu.close());

    it("starts on a free loopback port and reports its endpoint", () => {
        expect(emu.endpoint).to.equal(`http://127.0.0.1:${emu.port}`);
        expect(emu.port).to.be.greaterThan(0);
        expect(model.timings).to.deep.equal({ transitionMs: 20, changeMs: 5 });
    });

    for (const sig of SIGS) {
        describe(`${sig} signatures`, () => {
            it("accepts a call and hands the model decoded business params", async () => {
                const body = await slbClient(emu.endpoint, { signature: sig }).call("Echo", {
                    RegionId: "cn-hangzhou",
                    LoadBalancerId: "lb-1",
                    ListenerPort: 80,
                    healthCheckInterval: 2,
                    ProxyProtocolV2Enabled: false,
                    Description: "a b!*'()~ +&=/?%ü😀",
                    Tag: [{ Key: "env", Value: "dev" }, { Key: "team", Value: "" }],
                });
                expect(body.RequestId).to.match(UUID);
                expect(body.Action).to.equal("Echo");
                expect(body.RegionId).to.equal("cn-hangzhou");
                expect(body.AccountId).to.equal("emulator-access-key-id");
                expect(body.Params).to.deep.equal({
                    RegionId: "cn-hangzhou",
                    LoadBalancerId: "lb-1",
                    ListenerPort: "80",
                    healthCheckInterval: "2",
                    ProxyProtocolV2Enabled: "false",
                    Description: "a b!*'()~ +&=/?%ü😀",
                    "Tag.1.Key": "env",
                    "Tag.1.Value": "dev",
                    "Tag.2.Key": "team",
                    "Tag.2.Value": "",
                });
                expect(model.calls[0].requestId).to.equal(body.RequestId);
            });

            it("answers unknown access keys with 404 InvalidAccessKeyId.NotFound", async () => {
                const e = await rejection(slbClient(emu.endpoint, { signature: sig, accessKeyId: "nobody" }).call("Echo", {}));
                expect(e.code).to.equal("InvalidAccessKeyId.NotFound");
                expect(e.statusCode).to.equal(404);
            });

            it("answers a wrong secret with 400 SignatureDoesNotMatch", async () => {
                const e = await rejection(slbClient(emu.endpoint, { signature: sig, accessKeySecret: "wrong" }).call("Echo", {}));
                expect(e.code).to.equal("SignatureDoesNotMatch");
                expect(e.statusCode).to.equal(400);
                expect(model.calls).to.have.length(0);
            });

            it("rejects a reused nonce with 400 SignatureNonceUsed", async () => {
                const c = sig === "v3"
                    ? customClient(emu.endpoint, { headers: { "x-acs-signature-nonce": "fixed-nonce-" + sig } })
                    : customClient(emu.endpoint, { v1: true, queries: { SignatureNonce: "fixed-nonce-" + sig } });
                await c.call("Echo", { RegionId: "cn-beijing" });
                const e = await rejection(c.call("Echo", { RegionId: "cn-beijing" }));
                expect(e.code).to.equal("SignatureNonceUsed");
                expect(e.statusCode).to.equal(400);
                expect(model.calls).to.have.length(1);
            });

            it("rejects a timestamp more than 15 minutes off with 400 InvalidTimeStamp.Expired", async () => {
                for (const minutes of [-16, 16]) {
                    const date = isoMinutesFromNow(minutes);
                    const c = sig === "v3"
                        ? customClient(emu.endpoint, { headers: { "x-acs-date": date } })
                        : customClient(emu.endpoint, { v1: true, queries: { Timestamp: date } });
                    const e = await rejection(c.call("Echo", {}));
                    expect(e.code).to.equal("InvalidTimeStamp.Expired");
                    expect(e.statusCode).to.equal(400);
                }
                const ok = sig === "v3"
                    ? customClient(emu.endpoint, { headers: { "x-acs-date": isoMinutesFromNow(-14) } })
                    : customClient(emu.endpoint, { v1: true, queries: { Timestamp: isoMinutesFromNow(14) } });
                expect((await ok.call("Echo", {})).Action).to.equal("Echo");
            });

            it("rejects a garbled timestamp with 400 InvalidTimeStamp.Format", async () => {
                const c = sig === "v3"
                    ? customClient(emu.endpoint, { headers: { "x-acs-date": "yesterday" } })
                    : customClient(emu.endpoint, { v1: true, queries: { Timestamp: "2024-13-45 25:61" } });
                const e = await rejection(c.call("Echo", {}));
                expect(e.code).to.equal("InvalidTimeStamp.Format");
            });

            it("answers an unknown action with 404 InvalidAction.NotFound", async () => {
                const e = await rejection(slbClient(emu.endpoint, { signature: sig }).call("DescribeNothing", {}));
                expect(e.code).to.equal("InvalidAction.NotFound");
                expect(e.statusCode).to.equal(404);
            });

            it("answers a wrong version with 400 InvalidVersion", async () => {
                const e = await rejection(customClient(emu.endpoint, { v1: sig === "v1" }).call("Echo", {}, "2099-01-01"));
                expect(e.code).to.equal("InvalidVersion");
                expect(e.statusCode).to.equal(400);
            });

            it("checks STS tokens for accounts that require one", async () => {
                const good = await slbClient(emu.endpoint, { signature: sig, accessKeyId: "sts-key", accessKeySecret: "sts-secret", securityToken: "sts-token" })
                    .call("Echo", { RegionId: "eu-central-1" });
                expect(good.AccountId).to.equal("owner-1");
                expect(good.Params).to.deep.equal({ RegionId: "eu-central-1" });

                const wrong = await rejection(slbClient(emu.endpoint, { signature: sig, accessKeyId: "sts-key", accessKeySecret: "sts-secret", securityToken: "other" })
                    .call("Echo", {}));
                expect(wrong.code).to.equal("InvalidSecurityToken.MismatchWithAccessKey");
                expect(wrong.statusCode).to.equal(400);

                const missing = await rejection(slbClient(emu.endpoint, { signature: sig, accessKeyId: "sts-key", accessKeySecret: "sts-secret" }).call("Echo", {}));
                expect(missing.code).to.equal("MissingSecurityToken");
                expect(missing.statusCode).to.equal(400);

                const unexpected = await rejection(slbClient(emu.endpoint, { signature: sig, securityToken: "sts-token" }).call("Echo", {}));
                expect(unexpected.code).to.equal("InvalidSecurityToken.MismatchWithAccessKey");
            });

            it("passes model errors through with their status and the documented body shape", async () => {
                const e = await rejection(slbClient(emu.endpoint, { signature: sig }).call("Fail", { Status: 409, Code: "ServiceIsStopping" }));
                expect(e.code).to.equal("ServiceIsStopping");
                expect(e.statusCode).to.equal(409);
                expect(e.data).to.include.keys("RequestId", "HostId", "Code", "Message", "Recommend");
                expect(e.data.RequestId).to.match(UUID);
                expect(e.data.HostId).to.equal(`127.0.0.1:${emu.port}`);
                expect(e.data.Message).to.equal("fake failure");
                expect(e.data.Recommend).to.equal(`https://api.aliyun.com/troubleshoot?q=ServiceIsStopping&product=Slb&requestId=${e.data.RequestId}`);
            });
        });
    }

    it("accepts V1 over GET as well as POST (the method is part of the string to sign)", async () => {
        const r = v1Request(emu.endpoint, { method: "GET", query: { RegionId: "cn-qingdao", X: "1" } });
        const res = await raw(emu.endpoint, r);
        expect(res.status).to.equal(200);
        expect(res.json.Params).to.deep.equal({ RegionId: "cn-qingdao", X: "1" });
        // The same signature replayed as POST must not verify.
        const post = await raw(emu.endpoint, { ...r, method: "POST" });
        expect(post.json.Code).to.equal("SignatureDoesNotMatch");
    });

    it("accepts V3 over GET", async () => {
        const res = await raw(emu.endpoint, v3Request(emu.endpoint, { method: "GET" }));
        expect(res.status).to.equal(200);
        expect(res.headers["content-type"]).to.equal("application/json;charset=utf-8");
    });

    it("verifies V3 against the SignedHeaders list sent, and requires every x-acs-* header to be signed", async () => {
        // Extra headers outside x-acs-* (user-agent, accept) are not signed by the client: changing them is fine.
        const r = v3Request(emu.endpoint);
        const ok = await raw(emu.endpoint, { ...r, headers: { ...r.headers, accept: "*/*", "user-agent": "other" } });
        expect(ok.status).to.equal(200);
        const sneaky = v3Request(emu.endpoint);
        const res = await raw(emu.endpoint, { ...sneaky, headers: { ...sneaky.headers, "x-acs-extra": "1" } });
        expect(res.json.Code).to.equal("IncompleteSignature");
        const tampered = v3Request(emu.endpoint, { query: { RegionId: "cn-hangzhou" } });
        const res2 = await raw(emu.endpoint, { ...tampered, path: "/?RegionId=cn-beijing" });
        expect(res2.json.Code).to.equal("SignatureDoesNotMatch");
    });

    it("rejects a replayed raw V3 request (same nonce) even from a second connection", async () => {
        const r = v3Request(emu.endpoint, { nonce: "replay-me" });
        expect((await raw(emu.endpoint, r)).status).to.equal(200);
        const again = await raw(emu.endpoint, r);
        expect(again.status).to.equal(400);
        expect(again.json.Code).to.equal("SignatureNonceUsed");
    });

    it("answers missing or garbled authentication with 400 IncompleteSignature", async () => {
        const cases: Array<Record<string, string>> = [
            { "x-acs-action": "Echo", "x-acs-version": "2014-05-15" },
            { "x-acs-action": "Echo", "x-acs-version": "2014-05-15", authorization: "garbage" },
            { "x-acs-action": "Echo", "x-acs-version": "2014-05-15", authorization: "ACS3-HMAC-SHA256 Credential=emulator-access-key-id" },
            { "x-acs-action": "Echo", "x-acs-version": "2014-05-15", authorization: "ACS3-HMAC-SHA256 Credential=a,SignedHeaders=host,Signature=zz" },
        ];
        for (const headers of cases) {
            const res = await raw(emu.endpoint, { headers });
            expect(res.status, JSON.stringify(headers)).to.equal(400);
            expect(res.json.Code).to.equal("IncompleteSignature");
            expect(res.json.RequestId).to.match(UUID);
        }
        const v1 = await raw(emu.endpoint, { path: "/?Action=Echo&Version=2014-05-15&AccessKeyId=emulator-access-key-id" });
        expect(v1.json.Code).to.equal("IncompleteSignature");
        const unsupported = v3Request(emu.endpoint);
        unsupported.headers.Authorization = unsupported.headers.Authorization.replace("ACS3-HMAC-SHA256", "ACS3-RSA-SHA256");
        expect((await raw(emu.endpoint, unsupported)).json.Code).to.equal("InvalidSignatureMethod");
    });

    it("requires an action and a version", async () => {
        expect((await raw(emu.endpoint, { headers: { authorization: "x" } })).json.Code).to.equal("MissingAction");
        expect((await raw(emu.endpoint, { path: "/?Action=Echo" })).json.Code).to.equal("MissingVersion");
    });

    it("maps an unexpected model exception or a non-object result to 500 InternalError JSON", async () => {
        const origWrite = process.stderr.write;
        const logged: string[] = [];
        process.stderr.write = ((s: string) => {
            logged.push(String(s));
            return true;
        }) as typeof process.stderr.write;
        try {
            for (const action of ["Boom", "Boom", "NotAnObject"]) {
                const e = await rejection(slbClient(emu.endpoint).call(action, {}));
                expect(e.code).to.equal("InternalError");
                expect(e.statusCode).to.equal(500);
            }
        } finally {
            process.stderr.write = origWrite;
        }
        expect(logged.filter((l) => l.includes("fake model bug"))).to.have.length(1);
    });

    it("never answers garbage with a non-JSON body or a 5xx", async () => {
        const checks: Array<[string, Promise<{ status: number; json: unknown; headers: Record<string, unknown> }>, number]> = [
            ["bad percent-encoding", raw(emu.endpoint, { path: "/?A=%E0%A4%A", headers: { "x-acs-action": "Echo" } }), 400],
            ["duplicate key", raw(emu.endpoint, { path: "/?A=1&A=2" }), 400],
            ["PUT", raw(emu.endpoint, { method: "PUT", path: "/" }), 403],
            ["DELETE", raw(emu.endpoint, { method: "DELETE", path: "/?Action=Echo" }), 403],
            ["other path", raw(emu.endpoint, { path: "/foo/bar" }), 404],
            ["long URL", raw(emu.endpoint, { path: "/?A=" + "x".repeat(70 * 1024) }), 414],
            ["huge URL", raw(emu.endpoint, { path: "/?A=" + "x".repeat(200 * 1024) }), 431],
            ["large body", raw(emu.endpoint, { body: "x".repeat(300 * 1024), headers: { "content-type": "application/x-www-form-urlencoded" } }), 413],
            ["json body", raw(emu.endpoint, { body: "{}", headers: { "content-type": "application/json" } }), 400],
        ];
        for (const [name, p, status] of checks) {
            const res = await p;
            expect(res.status, name).to.equal(status);
            expect(res.headers["content-type"], name).to.equal("application/json;charset=utf-8");
            expect(res.json, name).to.be.an("object").that.has.property("RequestId");
        }
        const text = await rawSocket(emu.endpoint, "HELLO / WORLD\r\n\r\n");
        expect(text).to.match(/^HTTP\/1\.1 400/);
        expect(JSON.parse(text.slice(text.indexOf("\r\n\r\n") + 4)).Code).to.equal("InvalidParameter.Format");
        // Still alive.
        expect((await slbClient(emu.endpoint).call("Echo", {})).Action).to.equal("Echo");
    });

    it("accepts form-encoded body parameters, covered by both signatures", async () => {
        const r = v1Request(emu.endpoint, { query: { RegionId: "cn-hangzhou" } });
        // Moving a signed parameter from the query into a form body keeps the V1 signature valid.
        const url = new URL("http://x" + r.path);
        url.searchParams.delete("RegionId");
        const res = await raw(emu.endpoint, {
            ...r, path: "/?" + url.searchParams.toString().replace(/\+/g, "%20"), body: "RegionId=cn-hangzhou",
            headers: { ...r.headers, "content-type": "application/x-www-form-urlencoded" },
        });
        expect(res.status, res.text).to.equal(200);
        expect(res.json.Params).to.deep.equal({ RegionId: "cn-hangzhou" });
    });

    it("serves keep-alive connections and concurrent calls", async () => {
        const c = slbClient(emu.endpoint);
        const bodies = await Promise.all(Array.from({ length: 50 }, (_, i) => c.call("Echo", { RegionId: "r" + (i % 3), N: i })));
        expect(new Set(bodies.map((b) => b.RequestId)).size).to.equal(50);
    });
});

describe("emulator wire helpers", () => {
    it("percentEncode matches the client's RFC 3986 encoding", () => {
        expect(percentEncode("a b!*'()~")).to.equal("a%20b%21%2A%27%28%29~");
        expect(percentEncode("ü/")).to.equal("%C3%BC%2F");
    });

    it("parseQuery decodes without treating + as space and keeps __proto__ as data", () => {
        const q = parseQuery("a=1+2&b=%20&__proto__=x&c");
        expect(q.a).to.equal("1+2");
        expect(q.b).to.equal(" ");
        expect(q.c).to.equal("");
        expect(Object.keys(q)).to.deep.equal(["a", "b", "__proto__", "c"]);
    });

    it("NonceCache forgets nonces after the window and stays bounded", () => {
        const c = new NonceCache(1000, 3);
        expect(c.use("a", 0)).to.equal(true);
        expect(c.use("a", 500)).to.equal(false);
        expect(c.use("a", 1500)).to.equal(true);
        for (const n of ["b", "c", "d", "e"]) c.use(n, 1600);
        expect(c.size).to.be.at.most(3);
    });
});
