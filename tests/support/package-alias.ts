// Lets this process `require("pulumi-alicloud-slb-listener")` the way the examples do once the package is
// installed: the name (and its "./emulator" subpath) resolve to this checkout's build output (dist/), found
// through the repository's package.json. Installed by tests that run the example programs in-process.
import * as fs from "fs";
import * as path from "path";
import Module = require("module");

export const PACKAGE_NAME = "pulumi-alicloud-slb-listener";

type ResolveFilename = (request: string, parent: unknown, isMain: boolean, options?: unknown) => string;
const internals = Module as unknown as { _resolveFilename: ResolveFilename };

/** The checkout's root: the nearest directory above this file whose package.json is named PACKAGE_NAME. */
export function packageRoot(from = __dirname): string {
    for (let dir = from; ; dir = path.dirname(dir)) {
        const manifest = path.join(dir, "package.json");
        if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name === PACKAGE_NAME) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no package.json named ${PACKAGE_NAME} above ${from}`);
    }
}

/** Request -> file, from package.json: "main" for the name, dist/emulator for the subpath. */
export function aliasTargets(root = packageRoot()): Record<string, string> {
    const { main } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { main: string };
    return {
        [PACKAGE_NAME]: path.join(root, main),
        [`${PACKAGE_NAME}/emulator`]: path.join(root, "dist", "emulator", "index.js"),
    };
}

let uninstall: (() => void) | undefined;

/**
 * Installs the alias (idempotent) and returns a function that removes it. The targets must exist
 * (`npm run build`); a missing build is reported here rather than as a confusing resolution error later.
 */
export function installPackageAlias(): () => void {
    if (uninstall) return uninstall;
    const targets = aliasTargets();
    for (const [request, file] of Object.entries(targets)) {
        if (!fs.existsSync(file)) throw new Error(`${request} maps to ${file}, which does not exist: run \`npm run build\` first`);
    }
    const original = internals._resolveFilename;
    internals._resolveFilename = function (request, parent, isMain, options) {
        const target = Object.prototype.hasOwnProperty.call(targets, request) ? targets[request] : undefined;
        return original.call(this, target ?? request, parent, isMain, options);
    };
    uninstall = () => {
        internals._resolveFilename = original;
        uninstall = undefined;
    };
    return uninstall;
}
