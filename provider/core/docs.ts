// Renders each protocol's field table as TypeScript argument/output types with TSDoc (provider/pulumi/<name>-args.ts)
// and as its reference table in the README. `npm run docs` writes them; a test fails when any is stale.

import { writableDefault } from "./defaults";
import { FieldSpec, rangeWords } from "./fields";
import { Protocol } from "./protocol";

function typeOf(field: FieldSpec): string {
    if (field.values) return field.values.map((v) => JSON.stringify(v)).join(" | ");
    switch (field.kind) {
        case "integer": return "number";
        case "boolean": return "boolean";
        case "tags": return "Record<string, string>";
        default: return "string";
    }
}

function rangeText(field: FieldSpec): string | undefined {
    if (field.range) return rangeWords(field.range);
    if (field.values) return field.values.join(", ");
    if (field.text) {
        const rule = field.text.rule ? `; ${field.text.rule}` : "";
        return `${field.text.min} to ${field.text.max} characters${rule}`;
    }
    return undefined;
}

function defaultText(field: FieldSpec): string | undefined {
    if (field.defaultText) return field.defaultText;
    if (field.serviceDefault === undefined) return undefined;
    return JSON.stringify(field.serviceDefault);
}

const CHANGE_TEXT: Record<FieldSpec["change"], string> = {
    "in-place": "updated in place",
    "replace": "replaces the listener",
    "replace-delete-first": "replaces the listener (old one deleted first)",
    "tags": "updated in place (tags)",
    "status": "start / stop",
    "local": "provider-side only",
};

function facts(field: FieldSpec): string[] {
    const lines: string[] = [];
    const range = rangeText(field);
    if (range) lines.push(`Allowed: ${range}.`);
    const def = defaultText(field);
    if (field.required) lines.push("Required.");
    else if (def) lines.push(`Default: ${def}.`);
    if (field.appliesWhen) lines.push(`Only when ${field.appliesWhen.field} is "${field.appliesWhen.equals}"${field.requiredWhenApplies ? ", and then required" : ""}.`);
    lines.push(`Change: ${changeText(field)}.`);
    return lines;
}

/** The change mode in words, precise for fields that replace only for some changes. */
function changeText(field: FieldSpec): string {
    return field.replacesWhenText ? `${CHANGE_TEXT[field.change]}, except that ${field.replacesWhenText}` : CHANGE_TEXT[field.change];
}


/** Where a protocol's generated argument types live, relative to the package root. */
export function argsModulePath(protocol: Protocol): string {
    return `provider/pulumi/${protocol.name}-args.ts`;
}

/** Whether a field is always an output (else the outputs leave it out while it does not take effect or has no value). */
function alwaysOutput(field: FieldSpec): boolean {
    if (field.required || field.input === "regionId") return true;
    if (field.appliesWhen || field.serviceDefault === undefined) return false;
    return field.api?.describe === undefined || writableDefault(field);
}

export function renderArgsModule(protocol: Protocol): string {
    const name = protocol.resourceName;
    const out: string[] = [
        `// GENERATED from provider/protocols/${protocol.name}.ts by \`npm run docs\`; do not edit by hand.`,
        "",
        'import type * as pulumi from "@pulumi/pulumi";',
        "",
        `/** Inputs of a ${name}: an SLB (Classic Load Balancer) ${protocol.spec.title} listener. */`,
        `export interface ${name}Args {`,
    ];
    for (const field of protocol.fields) {
        const type = field.kind === "tags" ? "pulumi.Input<Record<string, pulumi.Input<string>>>" : `pulumi.Input<${typeOf(field)}>`;
        out.push("    /**", `     * ${field.doc}`, ...facts(field).map((l) => `     * ${l}`), "     */");
        out.push(`    ${field.input}${field.required ? "" : "?"}: ${type};`);
    }
    out.push("}", "", `/** Outputs of a ${name}: every input that takes effect, with the service's value for inputs left unset, and the live status. */`);
    out.push(`export interface ${name}Outputs {`);
    for (const field of protocol.fields) {
        const always = alwaysOutput(field);
        out.push(`    /** ${field.doc} */`);
        out.push(`    readonly ${field.input}: pulumi.Output<${typeOf(field)}${always ? "" : " | undefined"}>;`);
    }
    out.push("}", "");
    return out.join("\n");
}

function cell(text: string): string {
    return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

export function renderReferenceTable(protocol: Protocol): string {
    const rows = [
        "| Input | Type | Allowed | Default | Change | Description |",
        "|---|---|---|---|---|---|",
    ];
    for (const field of protocol.fields) {
        const when = field.appliesWhen ? ` Only when \`${field.appliesWhen.field}\` is \`${field.appliesWhen.equals}\`.` : "";
        rows.push(`| \`${field.input}\`${field.required ? " (required)" : ""} | \`${cell(typeOf(field))}\` | ${cell(rangeText(field) ?? "")} | ` +
            `${cell(defaultText(field) ?? (field.required ? "" : "unset"))} | ${cell(changeText(field))} | ${cell(field.doc + when)} |`);
    }
    return rows.join("\n");
}

/** The markers around a protocol's reference table in the README. */
export function readmeMarkers(protocol: Protocol): { begin: string; end: string } {
    return { begin: `<!-- reference:${protocol.name}:begin (generated by npm run docs) -->`, end: `<!-- reference:${protocol.name}:end -->` };
}

/** The README with each protocol's reference section replaced by the current rendering. */
export function withReferenceTables(readme: string, protocols: readonly Protocol[]): string {
    let text = readme;
    for (const protocol of protocols) {
        const { begin: BEGIN, end: END } = readmeMarkers(protocol);
        const begin = text.indexOf(BEGIN);
        const end = text.indexOf(END);
        if (begin < 0 || end < begin) throw new Error(`README.md lacks the ${BEGIN} ... ${END} markers`);
        text = `${text.slice(0, begin + BEGIN.length)}\n${renderReferenceTable(protocol)}\n${text.slice(end)}`;
    }
    return text;
}
