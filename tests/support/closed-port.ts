// A loopback port where nothing listens, for tests of an unreachable endpoint.
import * as fs from "fs";
import * as net from "net";

/**
 * A port on 127.0.0.1 that refuses connections, chosen below the kernel's ephemeral range: a port the kernel hands
 * out for "any free port" (as every server of this suite asks for) could be taken by another test meanwhile.
 */
export async function closedPort(): Promise<number> {
    // Where the ephemeral range starts low (some containers), any unprivileged port is as good as another.
    const below = ephemeralLow();
    const top = below > 11_000 ? below : 65_536;
    for (let tries = 0; tries < 20; tries++) {
        const port = 10_000 + Math.floor(Math.random() * (top - 10_000));
        if (await refuses(port)) return port;
    }
    throw new Error("no closed port found on 127.0.0.1 in 20 tries");
}

/** The first port of the ephemeral range (Linux); 32768 where it cannot be read. */
function ephemeralLow(): number {
    try {
        return Number(fs.readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/)[0]) || 32768;
    } catch {
        return 32768;
    }
}

function refuses(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect(port, "127.0.0.1");
        socket.once("connect", () => {
            socket.destroy();
            resolve(false);
        });
        socket.once("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
    });
}
