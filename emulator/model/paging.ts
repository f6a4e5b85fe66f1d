// Opaque NextToken values for token-paged actions. The token encodes the next offset; a token the
// model did not issue is rejected with InvalidParameter.
import { Errors } from "../errors";

export function encodeNextToken(offset: number): string {
    return Buffer.from(`slb-emulator:${offset}`).toString("base64url");
}

export function decodeNextToken(name: string, token: string | undefined): number {
    if (token === undefined || token === "") return 0;
    const m = /^slb-emulator:([0-9]{1,9})$/.exec(Buffer.from(token, "base64url").toString("utf8"));
    if (!m || Buffer.from(`slb-emulator:${m[1]}`).toString("base64url") !== token) {
        throw Errors.invalidParameter(name, "The NextToken is not valid.");
    }
    return Number(m[1]);
}

/** One page of `items` starting at `offset`, with the token for the next page ("" on the last page). */
export function page<T>(items: T[], offset: number, size: number): { items: T[]; nextToken: string } {
    const slice = items.slice(offset, offset + size);
    const next = offset + size < items.length ? encodeNextToken(offset + size) : "";
    return { items: slice, nextToken: next };
}
