// The provider of any listener protocol wired to a fresh emulator with one load balancer (providerFixture's set-up),
// with the protocol's own reads: its attribute call, its key for Start/Stop/Delete, its tag resource id.
import { ListenerProvider } from "../../provider";
import { Protocol } from "../../provider/core/protocol";
import { ProviderFixture, REGION, providerFixture } from "./provider-fixture";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET } from "./slb-client";

/* eslint-disable @typescript-eslint/no-explicit-any */

export interface ListenerFixture extends Omit<ProviderFixture, "provider"> {
    readonly protocol: Protocol;
    readonly provider: ListenerProvider;
    /** The protocol's Describe...ListenerAttribute of a port of the fixture's load balancer. */
    live(port: number): Promise<any>;
    /** LoadBalancerId, ListenerPort and ListenerProtocol: what Start, Stop and Delete need. */
    key(port: number): Record<string, unknown>;
    /** TagResources / UntagResources' target for the listener on a port. */
    tagTarget(port: number): Record<string, unknown>;
    /** Another provider of `protocol` for the same emulator (a TCP listener beside the UDP one). */
    providerOf(protocol: Protocol): ListenerProvider;
}

/** A provider of `protocol`, configured the way the engine configures it (through configure()). */
export function configuredFor(protocol: Protocol, values: Record<string, string>): ListenerProvider {
    const provider = new ListenerProvider(protocol);
    void provider.configure({ config: { get: (k: string) => values[k], require: (k: string) => values[k] } } as never);
    return provider;
}

export async function listenerFixture(protocol: Protocol, options: { spec?: string; retryTimeoutSeconds?: number } = {}): Promise<ListenerFixture> {
    const { provider: _tcp, ...fx } = await providerFixture(options);
    const config = {
        "alicloud:region": REGION,
        "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID,
        "alicloud:secretKey": DEFAULT_ACCESS_KEY_SECRET,
        "alicloud:endpoints": JSON.stringify([{ slb: fx.emulator.endpoint }]),
        "slbListener:retryTimeoutSeconds": String(options.retryTimeoutSeconds ?? 20),
    };
    const providerOf = (p: Protocol) => configuredFor(p, config);
    const at = (port: number) => ({ RegionId: REGION, LoadBalancerId: fx.lbId, ListenerPort: port });
    return {
        ...fx,
        protocol,
        provider: providerOf(protocol),
        providerOf,
        live: (port) => fx.slb.call(protocol.spec.actions.describe, at(port)),
        key: (port) => ({ ...at(port), ListenerProtocol: protocol.name }),
        tagTarget: (port) => ({ RegionId: REGION, ResourceType: "listener", ResourceId: [protocol.tagResourceId({ loadBalancerId: fx.lbId, listenerPort: port })] }),
    };
}
