// In-memory log of every API call, for tests and the admin API: an array push per call, bounded.

export interface RequestLogEntry {
    /** 1-based, increases for the emulator's lifetime (not reset by clear()). */
    seq: number;
    /** When the call arrived (ISO 8601). */
    time: string;
    action: string;
    /** HTTP status answered; 0 when the connection was dropped by a fault. */
    status: number;
    /** Error code, or null on success. */
    code: string | null;
    regionId: string;
    /** The access key id the call claimed (never the secret). */
    accessKeyId: string;
    /** Business parameters as received (V1 common parameters removed). */
    params: Record<string, string>;
    durationMs: number;
    /** Injected fault kind, or null. */
    fault: string | null;
}

export const DEFAULT_LOG_LIMIT = 100_000;

export class RequestLog {
    private entries: RequestLogEntry[] = [];
    private seq = 0;

    constructor(private readonly limit = DEFAULT_LOG_LIMIT) {}

    add(entry: Omit<RequestLogEntry, "seq">): void {
        const e = entry as RequestLogEntry;
        e.seq = ++this.seq;
        this.entries.push(e);
        // Trim in batches so the amortised cost stays one push per call.
        if (this.entries.length > this.limit + Math.ceil(this.limit / 10)) {
            this.entries.splice(0, this.entries.length - this.limit);
        }
    }

    /** The most recent entries (at most `limit`), oldest first. */
    list(): RequestLogEntry[] {
        const n = this.entries.length;
        return n > this.limit ? this.entries.slice(n - this.limit) : this.entries.slice();
    }

    clear(): void {
        this.entries = [];
    }

    get size(): number {
        return Math.min(this.entries.length, this.limit);
    }
}
