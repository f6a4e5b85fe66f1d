// The checkpoint: a JSON file shaped like a (much reduced) engine snapshot. Resources are kept in a valid
// dependency order (the order they were registered), so destroy and removals delete in reverse.
import * as fs from "fs";
import * as path from "path";
import { PropertyMap, obscure, reveal } from "./encoding";

export interface ResourceState {
    urn: string;
    type: string;
    name: string;
    id: string;
    /** Checked inputs, including `__provider` (the program's current code). */
    inputs: PropertyMap;
    /** Provider outputs, including `__provider` (the code delete/refresh will run). */
    outputs: PropertyMap;
    /** Set when create/update failed after the resource came to exist (ErrorResourceInitFailed). */
    initErrors?: string[];
    /** Old half of a create-before-delete replacement whose delete has not happened yet. */
    pendingDelete?: boolean;
    /** Top-level input/output keys that are secret (stored obscured in the file). */
    secretKeys?: string[];
}

export interface StateFile {
    version: 1;
    project: string;
    stack: string;
    resources: ResourceState[];
}

export function readStateFile(file: string, project: string, stack: string): StateFile {
    if (!fs.existsSync(file)) return { version: 1, project, stack, resources: [] };
    const raw = JSON.parse(fs.readFileSync(file, "utf8")) as StateFile;
    return {
        ...raw,
        resources: raw.resources.map((r) => ({ ...r, inputs: reveal(r.inputs), outputs: reveal(r.outputs) })),
    };
}

/** Writes atomically (temp file + rename), secret keys obscured. */
export function writeStateFile(file: string, state: StateFile): void {
    const onDisk: StateFile = {
        ...state,
        resources: state.resources.map((r) => ({
            ...r,
            inputs: obscure(r.inputs, r.secretKeys),
            outputs: obscure(r.outputs, r.secretKeys),
        })),
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(onDisk, null, 2) + "\n");
    fs.renameSync(tmp, file);
}
