// Property paths as Pulumi writes them in resource options (ignoreChanges, replaceOnChanges) and as the provider
// names secret inputs: `description`, `tags.team`, `tags["a.b"]`, `["tags"]`, and the wildcard `*` for any one key
// (`*`, `tags.*`, `tags["*"]`, `tags[*]`). Parsing follows the engine's ParsePropertyPath; `covers` is its
// PropertyPath.Contains, so a path means here exactly what it means to the engine.

export type PathSegment = string | number;

/** Parses a property path the way the engine does; undefined when the engine would refuse it too. */
export function parsePropertyPath(text: string): PathSegment[] | undefined {
    const segments: PathSegment[] = [];
    let rest = text;
    if (rest.startsWith(".")) return undefined;
    while (rest.length > 0) {
        if (rest[0] === ".") {
            rest = rest.slice(1);
            if (rest.length === 0) return undefined;
        } else if (rest[0] === "[") {
            if (rest[1] === '"') {
                let key = "";
                let i = 2;
                for (;;) {
                    if (i >= rest.length) return undefined;
                    if (rest[i] === '"') {
                        i++;
                        break;
                    }
                    if (rest[i] === "\\" && rest[i + 1] === '"') {
                        key += '"';
                        i += 2;
                    } else {
                        key += rest[i];
                        i++;
                    }
                }
                if (rest[i] !== "]") return undefined;
                segments.push(key);
                rest = rest.slice(i + 1);
            } else {
                const close = rest.indexOf("]");
                if (close < 0) return undefined;
                const inner = rest.slice(1, close);
                if (inner === "*") segments.push("*");
                else if (/^-?\d+$/.test(inner)) segments.push(Number(inner));
                else return undefined;
                rest = rest.slice(close + 1);
            }
        } else {
            const end = rest.search(/[.[]/);
            const name = end < 0 ? rest : rest.slice(0, end);
            segments.push(name);
            rest = end < 0 ? "" : rest.slice(end);
        }
    }
    return segments;
}

/** Whether `pattern` covers `path`: it is a prefix of it, `*` standing for any one key (the engine's Contains). */
export function pathContains(pattern: readonly PathSegment[], path: readonly PathSegment[]): boolean {
    if (path.length < pattern.length) return false;
    return pattern.every((segment, i) => segment === "*" || segment === path[i]);
}

/** How a path is shown in messages: `description`, `tags.team`, `tags["a.b"]`. */
export function showPath(path: readonly PathSegment[]): string {
    return path.map((s, i) => {
        if (typeof s === "number") return `[${s}]`;
        if (/^[A-Za-z_$][\w$]*$/.test(s)) return i === 0 ? s : `.${s}`;
        return `[${JSON.stringify(s)}]`;
    }).join("");
}

/** A set of path patterns (a resource option's list, or the inputs given as secrets). */
export class PathPatterns {
    static readonly NONE = new PathPatterns([]);

    private constructor(private readonly patterns: ReadonlyArray<readonly PathSegment[]>) {}

    /** The patterns of a list of path texts; anything else (and paths the engine could not parse) is left out. */
    static of(...lists: unknown[]): PathPatterns {
        const patterns: PathSegment[][] = [];
        for (const list of lists) {
            if (!Array.isArray(list)) continue;
            for (const text of list) {
                const parsed = typeof text === "string" ? parsePropertyPath(text) : undefined;
                if (parsed && parsed.length > 0) patterns.push(parsed);
            }
        }
        return new PathPatterns(patterns);
    }

    get empty(): boolean {
        return this.patterns.length === 0;
    }

    covers(path: readonly PathSegment[]): boolean {
        return this.patterns.some((p) => pathContains(p, path));
    }

    /** Whether a whole input is covered. */
    coversInput(name: string): boolean {
        return this.covers([name]);
    }

    /** Whether one tag is covered (by `tags`, `tags.<key>`, `tags["*"]`, `*`, ...). */
    coversTag(key: string): boolean {
        return this.covers(["tags", key]);
    }
}
