// The command lines of a Markdown document's fenced `sh` blocks, so that tests run what the documentation says.

/** Each fenced ```sh block of `text`, or only of the section whose heading is `section` (up to the next heading of
 * the same or a higher level), as its command lines: comment-only and blank lines dropped. */
export function shBlocks(text: string, section?: string): string[][] {
    let body = text;
    if (section !== undefined) {
        const lines = text.split("\n");
        // Heading levels, with lines inside fenced blocks (where "# " starts a comment) left out.
        let fenced = false;
        const levels = lines.map((l) => {
            if (/^\s*```/.test(l)) fenced = !fenced;
            return !fenced && /^#+ /.test(l) ? /^#+/.exec(l)![0].length : 0;
        });
        const start = lines.findIndex((l, i) => levels[i] > 0 && l.replace(/^#+ /, "").trim() === section);
        if (start < 0) throw new Error(`no section "${section}"`);
        const end = levels.findIndex((level, i) => i > start && level > 0 && level <= levels[start]);
        body = lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
    }
    const blocks: string[][] = [];
    for (const m of body.matchAll(/^[ \t]*```sh\n([\s\S]*?)^[ \t]*```/gm)) {
        blocks.push(m[1].split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")));
    }
    return blocks;
}
