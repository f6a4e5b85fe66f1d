// Keeps the provider process under the account's API rate limit without knowing it in advance.
// The engine runs every resource of a stack through one provider process, all at once; without pacing,
// a preview of 100 listeners fires 100 calls in the same instant and most of them are throttled.
//
// Two rules: at most MAX_IN_FLIGHT calls at a time (so a burst is discovered after a few calls, not a
// hundred), and once the service has throttled a busy stream of calls, a learned sliding-window limit: the
// calls it admitted in the last second before the throttle are taken as the limit, and new calls wait until
// the last second holds fewer than that. A throttle with little traffic behind it teaches nothing (another
// client may be using the account's quota; the caller's backoff handles it). The limit creeps up while calls
// go through and is forgotten LIMIT_TTL_MS after the last throttle.

const MAX_IN_FLIGHT = 8;
const WINDOW_MS = 1000;
/** Safety margin on the window: clocks and network delay differ between us and the service. */
const WINDOW_SLACK_MS = 60;
/** A throttle is evidence of our own rate only with at least this many calls admitted in the window. */
const MIN_EVIDENCE = 10;
const LIMIT_TTL_MS = 10_000;

export class Pacer {
    /** Start times of the calls in flight. */
    private inFlight: number[] = [];
    private readonly waiting: Array<(startedAt: number) => void> = [];
    /** Start times of calls that were not throttled, within the last window. */
    private recent: number[] = [];
    private limit = Number.POSITIVE_INFINITY;
    private lastThrottle = 0;
    private timer: NodeJS.Timeout | undefined;

    constructor(private readonly now: () => number = Date.now) {}

    /** Resolves when a call may start; the caller must call `done()` with the outcome when it ends. */
    acquire(): Promise<number> {
        return new Promise<number>((resolve) => {
            this.waiting.push(resolve);
            this.pump();
        });
    }

    /** Records the end of a call that started at `startedAt`. */
    done(startedAt: number, throttled: boolean): void {
        const slot = this.inFlight.indexOf(startedAt);
        if (slot >= 0) this.inFlight.splice(slot, 1);
        const now = this.now();
        this.trim(now);
        if (throttled) {
            // What got through in the last second is what the service allows: the calls that succeeded, and
            // the ones still in flight that the service saw before this one.
            const admitted = this.recent.length + this.inFlight.filter((t) => t <= startedAt).length;
            if (admitted >= MIN_EVIDENCE) {
                this.limit = admitted;
                this.lastThrottle = now;
            }
        } else {
            // Keep start times sorted (answers arrive out of order) so trim() can drop from the front.
            let at = this.recent.length;
            while (at > 0 && this.recent[at - 1] > startedAt) at--;
            this.recent.splice(at, 0, startedAt);
            if (Number.isFinite(this.limit) && this.recent.length >= this.limit) this.limit += 0.5;
        }
        this.pump();
    }

    private trim(now: number): void {
        if (Number.isFinite(this.limit) && now - this.lastThrottle > LIMIT_TTL_MS) this.limit = Number.POSITIVE_INFINITY;
        const horizon = now - WINDOW_MS - WINDOW_SLACK_MS;
        let drop = 0;
        while (drop < this.recent.length && this.recent[drop] < horizon) drop++;
        if (drop > 0) this.recent = this.recent.slice(drop);
    }

    private pump(): void {
        while (this.waiting.length > 0 && this.inFlight.length < MAX_IN_FLIGHT) {
            const now = this.now();
            this.trim(now);
            if (this.recent.length + this.inFlight.length >= this.limit) {
                // Nothing in the window yet: a call in flight will pump when it ends.
                if (this.recent.length === 0) return;
                // Wait until the oldest call leaves the window.
                const wait = Math.max(5, this.recent[0] + WINDOW_MS + WINDOW_SLACK_MS - now);
                if (!this.timer) {
                    this.timer = setTimeout(() => {
                        this.timer = undefined;
                        this.pump();
                    }, wait);
                }
                return;
            }
            this.inFlight.push(now);
            this.waiting.shift()!(now);
        }
    }
}

const pacers = new Map<string, Pacer>();

/** One pacer per account (rate limits are per account), shared by every client in the process. */
export function pacerFor(accessKeyId: string): Pacer {
    let pacer = pacers.get(accessKeyId);
    if (!pacer) {
        pacer = new Pacer();
        pacers.set(accessKeyId, pacer);
    }
    return pacer;
}
