// Markdown tables for the benchmark's printed report (so the output can be pasted into docs as is).

export type Cell = string | number | boolean | undefined;

function text(c: Cell): string {
    if (c === undefined) return "";
    if (typeof c === "boolean") return c ? "yes" : "NO";
    return String(c);
}

/** A Markdown table: numbers right-aligned, text left-aligned. */
export function table(head: readonly string[], rows: readonly Cell[][]): string {
    const cells = rows.map((r) => r.map(text));
    const widths = head.map((h, i) => Math.max(h.length, 3, ...cells.map((r) => (r[i] ?? "").length)));
    const numeric = head.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number" || /^[-\d.,×x%~ ]+$/.test(text(r[i]))));
    const line = (r: readonly string[]) => "| " + r.map((c, i) => (numeric[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ") + " |";
    const rule = "|" + widths.map((w, i) => (numeric[i] ? "-".repeat(w + 1) + ":" : "-".repeat(w + 2))).join("|") + "|";
    return [line(head), rule, ...cells.map(line)].join("\n");
}

/** Seconds with two decimals. */
export const sec = (ms: number): string => (ms / 1000).toFixed(2);
/** A ratio with two decimals. */
export const ratio = (x: number): string => (Number.isFinite(x) ? x.toFixed(2) : "-");
/** A share as a percentage with one decimal. */
export const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;

export function median(xs: readonly number[]): number {
    const s = [...xs].sort((a, b) => a - b);
    if (s.length === 0) return NaN;
    const mid = Math.floor(s.length / 2);
    return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}
