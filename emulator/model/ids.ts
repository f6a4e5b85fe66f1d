// Resource ids shaped like the real ones: `lb-` + 20, `rsp-` + 13, `acl-` + 20 lowercase alphanumerics.
import { randomBytes } from "node:crypto";

const ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

function randomAlnum(n: number): string {
    // 252 = 7 * 36, so rejecting bytes >= 252 keeps every character equally likely.
    let out = "";
    while (out.length < n) {
        for (const b of randomBytes(n * 2)) {
            if (b < 252 && out.length < n) out += ALPHABET[b % 36];
        }
    }
    return out;
}

export const newLoadBalancerId = () => "lb-" + randomAlnum(20);
export const newServerGroupId = () => "rsp-" + randomAlnum(13);
export const newAclId = () => "acl-" + randomAlnum(20);

/** A random address for a new instance: public-looking for internet, 172.16/12 for intranet. */
export function newAddress(addressType: string, ipVersion: string): string {
    const b = randomBytes(4);
    if (ipVersion === "ipv6") return `2408:4005:${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}::1`;
    if (addressType === "intranet") return `172.${16 + (b[0] % 16)}.${b[1]}.${1 + (b[2] % 254)}`;
    return `47.${96 + (b[0] % 32)}.${b[1]}.${1 + (b[2] % 254)}`;
}
