// Property paths the program hands to the provider through internal inputs (ignoreChanges, secretInputs): input
// names, and single tags as tags.<key>; a path "tags" covers every tag.

/** The paths in a list input; tags["key"] (as the ignoreChanges option also accepts it) becomes tags.key. */
export function pathSet(value: unknown): ReadonlySet<string> {
    const paths = Array.isArray(value) ? value.filter((p): p is string => typeof p === "string") : [];
    return new Set(paths.map((p) => p.replace(/^tags\[["'](.*)["']\]$/, "tags.$1")));
}

/** Whether `path` (an input name, or tags.<key>) is one of the paths, or a tag when all tags are. */
export function coversPath(paths: ReadonlySet<string>, path: string): boolean {
    return paths.has(path) || (path.startsWith("tags.") && paths.has("tags"));
}
