// The object Pulumi serializes into state as `__provider`. It holds no state, no configuration and
// none of our logic: each method loads the installed implementation at run time, so state stays tiny,
// carries no credential or local path, and old resources run the newest installed code.
//
// Keep this file free of imports: everything it references is serialized by value into every resource.

import type * as pulumi from "@pulumi/pulumi";

type Provider = Required<Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete" | "configure">>;

/**
 * The implementation, loaded once per provider process. Found as the installed package; from the
 * package's own checkout (examples, tests, the demo) it is found by walking up from the working directory.
 */
function implementation(exportName: string): Provider {
    const packageName = "pulumi-alicloud-slb-listener";
    const slot = Symbol.for(`${packageName}/provider/${exportName}`);
    const store = globalThis as unknown as Record<symbol, Provider | undefined>;
    const cached = store[slot];
    if (cached) return cached;
    let loaded: Record<string, new () => Provider>;
    try {
        loaded = require(packageName);
    } catch (notInstalled) {
        const path = require("path");
        const fs = require("fs");
        let dir: string = process.cwd();
        for (;;) {
            const manifest = path.join(dir, "package.json");
            if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === packageName) {
                loaded = require(path.join(dir, JSON.parse(fs.readFileSync(manifest, "utf8")).main));
                break;
            }
            const parent = path.dirname(dir);
            if (parent === dir) throw notInstalled;
            dir = parent;
        }
    }
    const provider = new loaded[exportName]();
    store[slot] = provider;
    return provider;
}

/**
 * The serializable stand-in that a listener resource hands to Pulumi for the provider the package exports under
 * `exportName` (TcpListenerProvider, UdpListenerProvider).
 */
export function serializableProvider(exportName: string): pulumi.dynamic.ResourceProvider {
    return {
        configure: (req) => implementation(exportName).configure(req),
        check: (olds, news) => implementation(exportName).check(olds, news),
        diff: (id, olds, news) => implementation(exportName).diff(id, olds, news),
        create: (inputs) => implementation(exportName).create(inputs),
        read: (id, props) => implementation(exportName).read(id, props),
        update: (id, olds, news) => implementation(exportName).update(id, olds, news),
        delete: (id, props) => implementation(exportName).delete(id, props),
    };
}
