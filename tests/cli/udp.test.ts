// A TcpListener and a UdpListener on the same port of one load balancer, through the real Pulumi engine: preview, up,
// a no-op preview, drift of the UDP listener made outside Pulumi shown under that listener and repaired, refresh,
// TcpListener.get and UdpListener.get in another stack, and destroy. Each step is checked against the live listeners
// through the SDK, and each listener's calls carry its own protocol.
// (An Automation API inline program; a directory program run by the language host, as users run one, should replace it
// once tests/cli has the directory-program runner.)
import { expect } from "chai";
import { TcpListener, UdpListener } from "../../provider";
import { REGION, describeWithCli, expectOk, tagsOf, useCliLab } from "./lab";
import { RunResult, stepList } from "./stack";

const PORT = 53;
const UDP_SET = "SetLoadBalancerUDPListenerAttribute";

describeWithCli("a TcpListener and a UdpListener on one port, through the real Pulumi engine", (cli) => {
    const lab = useCliLab(cli);

    /** The live listener of a protocol on the port, or undefined. */
    async function live(lbId: string, protocol: "TCP" | "UDP"): Promise<Record<string, unknown> | undefined> {
        try {
            return await lab().slb.call(`DescribeLoadBalancer${protocol}ListenerAttribute`, { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: PORT });
        } catch (e) {
            if ((e as { code?: string }).code === "InvalidParameter") return undefined;
            throw e;
        }
    }
    /** Drift lines of either protocol (`<lb>:<protocol>:<port>: <input> is <live>, want <desired>`), with the URN they were said under. */
    const driftOf = (r: RunResult) => r.diagnostics.filter((d) => /^\S+:(tcp|udp):\d+: \S+ is .*, want .*/.test(d.message.trim()))
        .map((d) => ({ urn: d.urn, line: d.message.trim() }));

    it("preview, up, no-op preview, UDP drift shown and repaired, refresh, get, destroy", async () => {
        const l = lab();
        const lbId = await l.loadBalancer("same-port");
        const program = () => ({
            web: new TcpListener("web", { loadBalancerId: lbId, listenerPort: PORT, backendServerPort: 8053, bandwidth: -1, tags: { app: "dns" } }).id,
            dns: new UdpListener("dns", {
                loadBalancerId: lbId, listenerPort: PORT, backendServerPort: 5353, bandwidth: -1, healthCheckReq: "ping", healthCheckExp: "pong",
                persistenceTimeout: 60, tags: { app: "dns" },
            }).id,
        });
        const stack = await l.stack(program, { label: "same-port" });
        const dnsUrn = stack.urn(UdpListener.typeToken, "dns");

        const plan = await stack.preview();
        expectOk(plan);
        expect(stepList(plan).sort()).to.deep.equal(["create dns", "create web"]);

        const up = await stack.up();
        expectOk(up);
        expect(up.outputs).to.deep.equal({ web: `${lbId}:tcp:${PORT}`, dns: `${lbId}:udp:${PORT}` });
        expect(await live(lbId, "UDP")).to.include({ Status: "running", BackendServerPort: 5353, HealthCheckReq: "ping", HealthCheckExp: "pong", PersistenceTimeout: 60 });
        expect(await live(lbId, "TCP")).to.include({ Status: "running", BackendServerPort: 8053 });
        expect(tagsOf(await live(lbId, "UDP") as never)["pulumi-owner"]).to.equal(`${stack.project}/dev/dns`);
        expect(tagsOf(await live(lbId, "TCP") as never)["pulumi-owner"]).to.equal(`${stack.project}/dev/web`);
        expect((await stack.preview({ expectNoChanges: true })).exitCode, "nothing to do after up").to.equal(0);

        // Drift of the UDP listener: one line, under the UdpListener, and only it is updated.
        await l.slb.call(UDP_SET, { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: PORT, healthCheckReq: "other" });
        const drifted = await stack.preview();
        expectOk(drifted);
        expect(driftOf(drifted)).to.deep.equal([{ urn: dnsUrn, line: `${lbId}:udp:${PORT}: healthCheckReq is "other", want "ping"` }]);
        expect(stepList(drifted).sort()).to.deep.equal(["same web", "update dns"]);
        let mark = l.mark();
        const repaired = await stack.up();
        expectOk(repaired);
        expect(stepList(repaired).sort()).to.deep.equal(["same web", "update dns"]);
        const changes = l.calls(lbId, undefined, mark).filter((c) => !c.action.startsWith("Describe"));
        expect(changes.map((c) => `${c.action} ${Object.keys(c.params).sort().join(",")}`)).to.deep.equal([`${UDP_SET} ListenerPort,LoadBalancerId,RegionId,healthCheckReq`]);
        expect(await live(lbId, "UDP")).to.include({ HealthCheckReq: "ping" });

        // Refresh records what the service shows, for the UDP listener only.
        await l.slb.call(UDP_SET, { RegionId: REGION, LoadBalancerId: lbId, ListenerPort: PORT, PersistenceTimeout: 300 });
        const webBefore = (await stack.resources()).find((r) => r.urn.endsWith("::web"));
        const refresh = await stack.refresh();
        expectOk(refresh);
        const recorded = await stack.resources();
        expect(recorded.find((r) => r.urn === dnsUrn)?.outputs).to.include({ persistenceTimeout: 300, healthCheckReq: "ping" });
        expect(recorded.find((r) => r.urn.endsWith("::web"))?.outputs).to.deep.equal(webBefore?.outputs);

        // get: another stack reads both listeners by id, and its destroy leaves them alone.
        const reader = await l.stack(() => {
            const web = TcpListener.get("web", `${lbId}:tcp:${PORT}`);
            const dns = UdpListener.get("dns", `${lbId}:udp:${PORT}`);
            return { webBackend: web.backendServerPort, dnsBackend: dns.backendServerPort, dnsProbe: dns.healthCheckReq, dnsStatus: dns.status };
        }, { label: "same-port-get", stack: "reader" });
        const read = await reader.up();
        expectOk(read);
        expect(read.outputs).to.deep.equal({ webBackend: 8053, dnsBackend: 5353, dnsProbe: "ping", dnsStatus: "running" });
        mark = l.mark();
        expectOk(await reader.destroy());
        expect(l.calls(lbId, undefined, mark).filter((c) => !c.action.startsWith("Describe"))).to.deep.equal([]);

        mark = l.mark();
        const destroyed = await stack.destroy();
        expectOk(destroyed);
        expect(l.calls(lbId, "DeleteLoadBalancerListener", mark).map((c) => `${c.params.ListenerProtocol}/${c.params.ListenerPort}`).sort())
            .to.deep.equal([`tcp/${PORT}`, `udp/${PORT}`]);
        expect([await live(lbId, "TCP"), await live(lbId, "UDP")]).to.deep.equal([undefined, undefined]);
    });
});
