import type { UiError } from "./bindings";

export type Outcome<T> = { ok: true; data: T } | { ok: false; error: unknown };
export type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: UiError };

/** Told when any command is refused because the app is locked (see views/lock.ts). */
let onLocked: (() => void) | null = null;

/** Sets (or with null clears) what happens when a command meets the idle lock. */
export function whenLocked(handler: (() => void) | null): void {
  onLocked = handler;
}

/** Runs a command; a thrown error (e.g. no IPC bridge) becomes an error outcome too. */
export async function run<T>(call: () => Promise<CommandResult<T>>): Promise<Outcome<T>> {
  try {
    const r = await call();
    if (r.status === "ok") return { ok: true, data: r.data };
    if (r.error.code === "pin_required") onLocked?.();
    return { ok: false, error: r.error };
  } catch (error) {
    return { ok: false, error };
  }
}

/** `record` with `id` set to `value`, or without it when `value` is null. */
export function withEntry<T>(record: Readonly<Record<string, T>>, id: string, value: T | null): Record<string, T> {
  const next = { ...record };
  if (value === null) delete next[id];
  else next[id] = value;
  return next;
}
