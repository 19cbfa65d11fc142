import { en } from "./messages/en";
import { vi, type Catalogue, type MessageKey } from "./messages/vi";

export type { Catalogue, MessageKey };

export type Locale = "vi" | "en";
export const LOCALES: readonly Locale[] = ["vi", "en"];
export const DEFAULT_LOCALE: Locale = "vi";
export const LOCALE_STORAGE_KEY = "ecabinet.locale";

export const catalogues: Readonly<Record<Locale, Catalogue>> = { vi, en };

export type Params = Readonly<Record<string, string | number>>;
export type Translate = (key: MessageKey, params?: Params) => string;

export function isLocale(value: unknown): value is Locale {
  return value === "vi" || value === "en";
}

/** Replaces `{name}` placeholders; unknown placeholders are left as they are. */
export function interpolate(template: string, params?: Params): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    Object.prototype.hasOwnProperty.call(params, name) ? String(params[name]) : whole,
  );
}

export function translator(locale: Locale): Translate {
  const catalogue = catalogues[locale];
  return (key, params) => interpolate(catalogue[key], params);
}

/** Placeholder names used in a template, sorted (for catalogue consistency checks). */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? "").sort();
}

type StorageLike = Pick<Storage, "getItem" | "setItem">;

function defaultStorage(): StorageLike | null {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

export function loadLocale(storage: StorageLike | null = defaultStorage()): Locale {
  try {
    const saved = storage?.getItem(LOCALE_STORAGE_KEY);
    return isLocale(saved) ? saved : DEFAULT_LOCALE;
  } catch {
    return DEFAULT_LOCALE;
  }
}

export function saveLocale(locale: Locale, storage: StorageLike | null = defaultStorage()): void {
  try {
    storage?.setItem(LOCALE_STORAGE_KEY, locale);
  } catch {
    // Storage can be unavailable; the choice then lasts for this session only.
  }
}

/** The shape of an error from the engine (`UiError` in bindings.ts). */
export interface EngineError {
  code: string;
  message: string;
}

export function isEngineError(value: unknown): value is EngineError {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof (value as { code?: unknown }).code === "string" &&
    typeof (value as { message?: unknown }).message === "string"
  );
}

/** The catalogue key for an engine error code, or null when the catalogue has none. */
export function errorKey(code: string): MessageKey | null {
  const key = `error.${code}`;
  return Object.prototype.hasOwnProperty.call(vi, key) ? (key as MessageKey) : null;
}

/**
 * The text to show for an error: the catalogue's message for a known engine
 * code (a catalogue message may quote the engine's own as `{detail}`);
 * otherwise the engine's own message; otherwise a generic message. Thrown JS
 * errors (e.g. the IPC bridge missing) also get the generic message.
 */
export function errorMessage(error: unknown, locale: Locale): string {
  const t = translator(locale);
  if (isEngineError(error)) {
    const key = errorKey(error.code);
    if (key) return t(key, { detail: error.message.trim() });
    if (error.message.trim() !== "") return error.message;
  } else if (typeof error === "string" && error.trim() !== "") {
    return error;
  }
  return t("common.unexpectedError");
}
