import type { UiError } from "./bindings";

export type Outcome<T> = { ok: true; data: T } | { ok: false; error: unknown };
export type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: UiError };

/** Runs a command; a thrown error (e.g. no IPC bridge) becomes an error outcome too. */
export async function run<T>(call: () => Promise<CommandResult<T>>): Promise<Outcome<T>> {
  try {
    const r = await call();
    return r.status === "ok" ? { ok: true, data: r.data } : { ok: false, error: r.error };
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
