// A TcpListenerProvider wired to a fresh emulator with one load balancer, for tests that call the
// provider's methods directly. Configuration arrives the way the engine sends it: through configure().
import { startEmulator, Emulator } from "../../emulator";
import { TcpListenerProvider } from "../../provider";
import { DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET, slbClient, SlbClient } from "./slb-client";

export const REGION = "cn-hangzhou";

export interface ProviderFixture {
    emulator: Emulator;
    provider: TcpListenerProvider;
    slb: SlbClient;
    lbId: string;
    /** API calls the emulator received since the last reset, optionally only those of one action. */
    calls(action?: string): number;
    resetCalls(): void;
    /** Lines the provider wrote to stderr while `work` ran. */
    stderrOf<T>(work: () => Promise<T>): Promise<{ result: T; lines: string[] }>;
    close(): Promise<void>;
}

/** Lines written to stderr while `work` runs (and kept from the terminal). */
export async function stderrOf<T>(work: () => Promise<T>): Promise<{ result: T; lines: string[] }> {
    const lines: string[] = [];
    const original = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array) => {
        lines.push(...String(chunk).split("\n").filter(Boolean));
        return true;
    }) as typeof process.stderr.write;
    try {
        return { result: await work(), lines };
    } finally {
        process.stderr.write = original;
    }
}

export function configured(values: Record<string, string>): TcpListenerProvider {
    const provider = new TcpListenerProvider();
    void provider.configure({ config: { get: (k: string) => values[k], require: (k: string) => values[k] } } as never);
    return provider;
}

export async function providerFixture(options: { spec?: string; retryTimeoutSeconds?: number } = {}): Promise<ProviderFixture> {
    const emulator = await startEmulator({ timings: { transitionMs: 30, changeMs: 5 } });
    const slb = slbClient(emulator.endpoint);
    const lb = await slb.call("CreateLoadBalancer", { RegionId: REGION, LoadBalancerName: "test", ...(options.spec ? { LoadBalancerSpec: options.spec } : {}) });
    const provider = configured({
        "alicloud:region": REGION,
        "alicloud:accessKey": DEFAULT_ACCESS_KEY_ID,
        "alicloud:secretKey": DEFAULT_ACCESS_KEY_SECRET,
        "alicloud:endpoints": JSON.stringify([{ slb: emulator.endpoint }]),
        "slbListener:retryTimeoutSeconds": String(options.retryTimeoutSeconds ?? 20),
    });
    emulator.clearRequests();
    return {
        emulator, provider, slb, lbId: lb.LoadBalancerId as string,
        calls: (action) => emulator.requests().filter((r) => !action || r.action === action).length,
        resetCalls: () => emulator.clearRequests(),
        stderrOf,
        close: () => emulator.close(),
    };
}
