// The command lines of a Markdown document's fenced `sh` blocks, so that tests run what the documentation says.

/** Each fenced ```sh block of `text`, or only of the section whose heading is `section` (up to the next heading of
 * the same or a higher level), as its command lines: comment-only and blank lines dropped. */
export function shBlocks(text: string, section?: string): string[][] {
    let body = text;
    if (section !== undefined) {
        const lines = text.split("\n");
        const start = lines.findIndex((l) => /^#+ /.test(l) && l.replace(/^#+ /, "").trim() === section);
        if (start < 0) throw new Error(`no section "${section}"`);
        const level = /^#+/.exec(lines[start])![0].length;
        const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && /^#+/.exec(l)![0].length <= level);
        body = lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
    }
    const blocks: string[][] = [];
    for (const m of body.matchAll(/^[ \t]*```sh\n([\s\S]*?)^[ \t]*```/gm)) {
        blocks.push(m[1].split("\n").map((l) => l.trim()).filter((l) => l !== "" && !l.startsWith("#")));
    }
    return blocks;
}
