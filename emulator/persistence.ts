// --state FILE: load the model's snapshot at start, save it (debounced, atomically) after changes and on close.
import { mkdirSync, readFileSync, existsSync } from "node:fs";
import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { lockStateFile } from "./state-lock";
import type { SlbModel } from "./types";

const FORMAT = "slb-emulator-state";

interface StateFile {
    format: typeof FORMAT;
    version: 1;
    savedAt: string;
    state: unknown;
}

export class StatePersistence {
    private timer: NodeJS.Timeout | null = null;
    private writing: Promise<void> | null = null;
    private dirty = false;
    private lastError: Error | null = null;
    private unlock: (() => void) | null = null;

    constructor(
        readonly path: string,
        private readonly model: Pick<SlbModel, "snapshot" | "restore">,
        private readonly debounceMs = 200,
    ) {}

    /** Restores the model from the file if it exists. A corrupt file is an error: we never overwrite user data blindly. */
    load(): boolean {
        if (!existsSync(this.path)) return false;
        const text = readFileSync(this.path, "utf8");
        let parsed: unknown;
        try {
            parsed = JSON.parse(text);
        } catch (e) {
            throw new Error(`state file ${this.path} is not valid JSON: ${(e as Error).message}`);
        }
        const file = parsed as Partial<StateFile> | null;
        try {
            this.model.restore(file && file.format === FORMAT ? file.state : parsed);
        } catch (e) {
            throw new Error(`state file ${this.path} cannot be restored: ${(e as Error).message}`);
        }
        return true;
    }

    /**
     * Checks early that the file's directory can be created (so a bad path fails at start, not later) and takes
     * the file's lock: a second emulator on the same file is refused (StateFileInUseError) until release().
     */
    prepare(): void {
        mkdirSync(dirname(this.path), { recursive: true });
        this.unlock ??= lockStateFile(this.path);
    }

    /** Gives the lock back; call after the last flush. */
    release(): void {
        this.unlock?.();
        this.unlock = null;
    }

    /** Marks state as changed; the write happens after a quiet period. */
    schedule(): void {
        this.dirty = true;
        if (this.timer) return;
        this.timer = setTimeout(() => {
            this.timer = null;
            void this.flush().catch(() => undefined);
        }, this.debounceMs);
        this.timer.unref();
    }

    /** Writes now if anything changed; resolves when the file is on disk. */
    async flush(): Promise<void> {
        if (this.timer) {
            clearTimeout(this.timer);
            this.timer = null;
        }
        // One write at a time; changes made during a write trigger another.
        while (this.writing) await this.writing.catch(() => undefined);
        if (!this.dirty) return;
        this.dirty = false;
        this.writing = this.write().finally(() => {
            this.writing = null;
        });
        await this.writing;
    }

    get error(): Error | null {
        return this.lastError;
    }

    private async write(): Promise<void> {
        const body: StateFile = { format: FORMAT, version: 1, savedAt: new Date().toISOString(), state: this.model.snapshot() };
        const tmp = `${this.path}.${process.pid}.tmp`;
        try {
            await mkdir(dirname(this.path), { recursive: true });
            await writeFile(tmp, JSON.stringify(body, null, 2) + "\n");
            await rename(tmp, this.path); // atomic: a crash never leaves a half-written state file
            this.lastError = null;
        } catch (e) {
            this.lastError = e as Error;
            this.dirty = true;
            process.stderr.write(`slb-emulator: could not save state to ${this.path}: ${(e as Error).message}\n`);
            throw e;
        }
    }
}
