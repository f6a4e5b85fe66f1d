// A tiny SlbModel for testing the wire layer on its own: it echoes what the wire layer hands it,
// keeps a little state per account and region, and can misbehave on demand.
import { startEmulator, type Emulator } from "../../emulator";
import { ApiError } from "../../emulator/errors";
import type { ActionContext, EmulatorAccount, ModelTimings, SlbModel } from "../../emulator/types";

export interface FakeModel extends SlbModel {
    calls: ActionContext[];
    timings: Partial<ModelTimings>;
}

export function fakeModel(): FakeModel {
    let things: Record<string, string[]> = {};
    const m: FakeModel = {
        calls: [],
        timings: {},
        hasAction: (a) => ["Echo", "AddThing", "ListThings", "Fail", "Boom", "NotAnObject"].includes(a),
        async handle(ctx) {
            m.calls.push(ctx);
            const key = `${ctx.accountId}/${ctx.regionId}`;
            switch (ctx.action) {
                case "Echo":
                    return { Action: ctx.action, AccountId: ctx.accountId, RegionId: ctx.regionId, Params: ctx.params, Now: ctx.now };
                case "AddThing":
                    (things[key] ??= []).push(ctx.params.Name ?? "");
                    m.onChange?.();
                    return {};
                case "ListThings":
                    return { Things: things[key] ?? [] };
                case "Fail":
                    throw new ApiError(Number(ctx.params.Status ?? 400), ctx.params.Code ?? "InvalidParameter", "fake failure");
                case "Boom":
                    throw new TypeError("fake model bug");
                default:
                    return 42 as unknown as Record<string, unknown>;
            }
        },
        snapshot: () => ({ things }),
        restore: (s) => {
            things = { ...((s as { things?: Record<string, string[]> })?.things ?? {}) };
        },
        reset: () => {
            things = {};
        },
        setTimings: (t) => {
            Object.assign(m.timings, t);
        },
    };
    return m;
}

/** An emulator over a fresh fake model, with the default account plus `extra` accounts and short timings. */
export async function startFakeEmulator(extra: EmulatorAccount[]): Promise<{ emu: Emulator; model: FakeModel }> {
    const model = fakeModel();
    const emu = await startEmulator({
        model,
        timings: { transitionMs: 20, changeMs: 5 },
        accounts: [{ accessKeyId: "emulator-access-key-id", accessKeySecret: "emulator-access-key-secret" }, ...extra],
    });
    return { emu, model };
}
