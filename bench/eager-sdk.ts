// Preloaded into a provider host (NODE_OPTIONS=--require) by figure 7 only: loads the Alibaba Cloud SDK when the
// provider's client module is loaded, as the client's top-level imports did before it loaded the SDK on the first
// network call. So "before" and "now" of the host's start to its first Check are measured in one run.
import Module = require("module");

const CLIENT = /[\\/]provider[\\/]client\.js$/;
const SDK = ["@alicloud/openapi-client", "@alicloud/openapi-util", "@alicloud/tea-util"];

type Load = (request: string, parent: NodeJS.Module | undefined, isMain: boolean) => unknown;
const internals = Module as unknown as { _load: Load; _resolveFilename(request: string, parent: NodeJS.Module | undefined): string };
const load = internals._load;
let done = false;
internals._load = function (request, parent, isMain) {
    const loaded = load.call(this, request, parent, isMain);
    if (!done && parent && CLIENT.test(internals._resolveFilename(request, parent))) {
        done = true;
        const from = Module.createRequire(internals._resolveFilename(request, parent));
        for (const name of SDK) from(name);
    }
    return loaded;
};
