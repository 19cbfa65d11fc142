/**
 * The idle lock's screen and settings. The engine decides (it refuses
 * document commands while locked, see `IdleLock` in the client crate); this
 * module tells it about the person's activity, locks when the idle time has
 * passed, covers the whole window while locked, and takes the PIN.
 *
 * Activity is what the person does (keys, clicks, scrolling, touch), told
 * to the engine at most every few seconds; the app's own polling is not
 * activity.
 */
import type { LockStatus } from "../bindings";
import { run, type CommandResult } from "../command";
import { h } from "../dom";
import { errorMessage, isEngineError, type Locale, type Translate } from "../i18n";

export interface LockApi {
  lockStatus(): Promise<CommandResult<LockStatus>>;
  noteActivity(): Promise<CommandResult<LockStatus>>;
  lockNow(): Promise<CommandResult<LockStatus>>;
  unlock(pin: string): Promise<CommandResult<LockStatus>>;
  setPin(current: string | null, newPin: string, idleMinutes: number): Promise<CommandResult<LockStatus>>;
  setIdleMinutes(current: string, idleMinutes: number): Promise<CommandResult<LockStatus>>;
  removePin(current: string): Promise<CommandResult<LockStatus>>;
}

export interface LockOptions {
  /** Milliseconds since the epoch (tests drive it). */
  now?: () => number;
  /** How often the idle time is checked, in ms. */
  checkEvery?: number;
  /** The engine hears of activity at most this often, in ms. */
  noteEvery?: number;
  /** Called when the lock opens (the app reloads what it shows). */
  onUnlocked?: () => void;
}

export interface LockView {
  /** The lock's state as the engine last said it. */
  update(status: LockStatus): void;
  /** A command was refused with `pin_required`: ask the engine and lock. */
  required(): void;
  /** For the header: the PIN settings and, with a PIN set, "Lock now". */
  readonly controls: HTMLElement;
  destroy(): void;
}

export const IDLE_CHOICES: readonly number[] = [1, 2, 5, 10, 15, 30, 60, 120];
const ACTIVITY_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart", "pointermove"] as const;

/** A padlock drawn as SVG (an emoji needs a font the machine may not have). */
function padlock(doc: Document): SVGSVGElement {
  const NS = "http://www.w3.org/2000/svg";
  const svg = doc.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("width", "48");
  svg.setAttribute("height", "48");
  const shackle = doc.createElementNS(NS, "path");
  shackle.setAttribute("d", "M7 10V7a5 5 0 0 1 10 0v3");
  shackle.setAttribute("fill", "none");
  shackle.setAttribute("stroke", "currentColor");
  shackle.setAttribute("stroke-width", "2");
  const body = doc.createElementNS(NS, "rect");
  for (const [name, value] of Object.entries({ x: "4", y: "10", width: "16", height: "11", rx: "2", fill: "currentColor" })) body.setAttribute(name, value);
  svg.append(shackle, body);
  return svg;
}

export function validPin(pin: string): boolean {
  return /^[0-9]{4,12}$/.test(pin);
}

export function mountLock(appRoot: HTMLElement, api: LockApi, locale: Locale, t: Translate, options: LockOptions = {}): LockView {
  const doc = appRoot.ownerDocument;
  const now = options.now ?? (() => Date.now());
  let status: LockStatus | null = null;
  let lastActivity = now();
  let lastNoted = 0;
  let destroyed = false;

  // ── the lock screen ──────────────────────────────────────────────────────
  const pinInput = h("input", {
    id: "lock-pin",
    type: "password",
    inputmode: "numeric",
    autocomplete: "off",
    maxlength: 12,
    class: "input lock-pin",
    "data-testid": "lock-pin",
  });
  const lockError = h("p", { class: "lock-error", role: "alert", "data-testid": "lock-error" });
  const unlockButton = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "lock-unlock" }, t("lock.unlock"));
  const form = h(
    "form",
    { class: "lock-form" },
    h("label", { for: "lock-pin", class: "label" }, t("lock.pinLabel")),
    pinInput,
    unlockButton,
    lockError,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void unlock();
  });
  const screen = h(
    "div",
    { class: "lock-screen", role: "dialog", "aria-modal": "true", "aria-labelledby": "lock-title", "data-testid": "lock-screen", hidden: true },
    h(
      "div",
      { class: "card lock-card" },
      h("div", { class: "lock-icon", "aria-hidden": "true" }, padlock(doc)),
      h("h1", { id: "lock-title", class: "lock-title" }, t("lock.title")),
      h("p", null, t("lock.text")),
      form,
    ),
  );
  doc.body.append(screen);

  async function unlock(): Promise<void> {
    const pin = pinInput.value;
    if (!validPin(pin)) {
      lockError.textContent = t("lock.pinShape");
      return;
    }
    unlockButton.disabled = true;
    unlockButton.textContent = t("lock.unlocking");
    const r = await run(() => api.unlock(pin));
    unlockButton.disabled = false;
    unlockButton.textContent = t("lock.unlock");
    pinInput.value = "";
    if (r.ok) {
      lockError.textContent = "";
      lastActivity = now();
      update(r.data);
      options.onUnlocked?.();
      return;
    }
    lockError.textContent = await refusal(r.error);
    pinInput.focus();
  }

  /** What a refused PIN means, with the wait or the tries left. */
  async function refusal(error: unknown): Promise<string> {
    if (isEngineError(error) && error.code === "pin_retry_later") {
      const s = await run(() => api.lockStatus());
      const seconds = s.ok ? s.data.retry_in_seconds : null;
      if (seconds !== null) return t("lock.retryIn", { seconds });
    }
    if (isEngineError(error) && error.code === "wrong_pin") {
      const left = /\((\d+) tries/.exec(error.message)?.[1];
      if (left !== undefined) return t("lock.triesLeft", { n: Number(left) });
    }
    return errorMessage(error, locale);
  }

  function showLocked(locked: boolean): void {
    const wasHidden = screen.hidden;
    screen.hidden = !locked;
    // What is behind the lock is neither seen nor reachable.
    appRoot.classList.toggle("app-locked", locked);
    appRoot.inert = locked;
    if (locked) {
      appRoot.setAttribute("aria-hidden", "true");
      if (wasHidden) {
        lockError.textContent = "";
        pinInput.value = "";
        pinInput.focus();
      }
    } else {
      appRoot.removeAttribute("aria-hidden");
    }
  }

  // ── the header's controls and the settings ───────────────────────────────
  const lockNowButton = h(
    "button",
    { type: "button", class: "btn btn-sync", "data-testid": "lock-now", hidden: true, onclick: () => void lockNow() },
    t("lock.lockNow"),
  );
  const settingsButton = h(
    "button",
    { type: "button", class: "btn btn-sync", title: t("lock.settingsHint"), "data-testid": "pin-settings", onclick: () => openSettings() },
    t("lock.settings"),
  );
  const controls = h("span", { class: "lock-controls" }, settingsButton, lockNowButton);
  let settings: HTMLElement | null = null;

  async function lockNow(): Promise<void> {
    const r = await run(() => api.lockNow());
    if (r.ok) update(r.data);
  }

  function field(id: string, label: string, testid: string): [HTMLElement, HTMLInputElement] {
    const input = h("input", { id, type: "password", inputmode: "numeric", autocomplete: "off", maxlength: 12, class: "input", "data-testid": testid });
    return [h("div", { class: "field" }, h("label", { for: id, class: "label" }, label), input), input];
  }

  function openSettings(): void {
    if (settings || !status) return;
    const pinSet = status.pin_set;
    const [currentRow, current] = field("lock-current", t("lock.currentPin"), "pin-current");
    const [newRow, next] = field("lock-new", t(pinSet ? "lock.newPinOptional" : "lock.newPin"), "pin-new");
    const [confirmRow, confirm] = field("lock-confirm", t("lock.confirmPin"), "pin-confirm");
    const idle = h(
      "select",
      { id: "lock-idle", class: "input", "data-testid": "pin-idle" },
      ...IDLE_CHOICES.map((n) => h("option", { value: n, selected: n === status?.idle_minutes }, t("lock.minutes", { n }))),
    );
    const message = h("p", { class: "lock-error", role: "alert", "data-testid": "pin-message" });
    const close = () => {
      settings?.remove();
      settings = null;
      settingsButton.focus();
    };
    const save = async () => {
      const minutes = Number(idle.value);
      if (pinSet && current.value === "") {
        message.textContent = t("lock.currentRequired");
        return;
      }
      if ((!pinSet || next.value !== "") && !validPin(next.value)) {
        message.textContent = t("lock.pinShape");
        return;
      }
      if (next.value !== confirm.value) {
        message.textContent = t("lock.pinMismatch");
        return;
      }
      const r =
        pinSet && next.value === ""
          ? await run(() => api.setIdleMinutes(current.value, minutes))
          : await run(() => api.setPin(pinSet ? current.value : null, next.value, minutes));
      if (!r.ok) {
        message.textContent = await refusal(r.error);
        return;
      }
      update(r.data);
      close();
      announce(t("lock.saved", { n: r.data.idle_minutes }));
    };
    const remove = async () => {
      if (current.value === "") {
        message.textContent = t("lock.currentRequired");
        return;
      }
      const r = await run(() => api.removePin(current.value));
      if (!r.ok) {
        message.textContent = await refusal(r.error);
        return;
      }
      update(r.data);
      close();
      announce(t("lock.removed"));
    };
    const dialog = h(
      "form",
      { class: "card lock-settings-card" },
      h("h2", { id: "lock-settings-title" }, t("lock.settingsTitle")),
      h("p", null, t("lock.settingsText")),
      pinSet ? currentRow : null,
      newRow,
      confirmRow,
      h("div", { class: "field" }, h("label", { for: "lock-idle", class: "label" }, t("lock.idleMinutes")), idle),
      message,
      h(
        "div",
        { class: "lock-actions" },
        h("button", { type: "submit", class: "btn btn-primary", "data-testid": "pin-save" }, t("lock.save")),
        pinSet ? h("button", { type: "button", class: "btn btn-secondary", "data-testid": "pin-remove", onclick: () => void remove() }, t("lock.remove")) : null,
        h("button", { type: "button", class: "btn btn-secondary", "data-testid": "pin-cancel", onclick: close }, t("common.cancel")),
      ),
    );
    dialog.addEventListener("submit", (event) => {
      event.preventDefault();
      void save();
    });
    dialog.addEventListener("keydown", (event) => {
      if (event.key === "Escape") close();
    });
    settings = h(
      "div",
      { class: "lock-settings", role: "dialog", "aria-modal": "true", "aria-labelledby": "lock-settings-title", "data-testid": "pin-settings-dialog" },
      dialog,
    );
    doc.body.append(settings);
    (pinSet ? current : next).focus();
  }

  const notice = h("div", { class: "visually-hidden", role: "status", "data-testid": "lock-notice" });
  doc.body.append(notice);
  function announce(text: string): void {
    notice.textContent = text;
  }

  // ── activity and the idle time ───────────────────────────────────────────
  function onActivity(): void {
    if (destroyed || !status?.pin_set || status.locked) return;
    const at = now();
    lastActivity = at;
    if (at - lastNoted >= (options.noteEvery ?? 15_000)) {
      lastNoted = at;
      void run(() => api.noteActivity()).then((r) => {
        if (r.ok) update(r.data);
      });
    }
  }
  for (const name of ACTIVITY_EVENTS) doc.addEventListener(name, onActivity, { capture: true, passive: true });

  function checkIdle(): void {
    if (destroyed || !status?.pin_set || status.locked) return;
    if (now() - lastActivity >= status.idle_minutes * 60_000) void lockNow();
  }
  const timer = setInterval(checkIdle, options.checkEvery ?? 5_000);

  function update(next: LockStatus): void {
    if (destroyed) return;
    const wasLocked = status?.locked ?? false;
    status = next;
    lockNowButton.hidden = !next.pin_set;
    if (next.locked && settings) {
      settings.remove();
      settings = null;
    }
    if (!next.locked && wasLocked) lastActivity = now();
    showLocked(next.locked);
  }

  return {
    update,
    required() {
      void run(() => api.lockStatus()).then((r) => {
        if (r.ok) update(r.data);
      });
    },
    controls,
    destroy() {
      destroyed = true;
      clearInterval(timer);
      for (const name of ACTIVITY_EVENTS) doc.removeEventListener(name, onActivity, { capture: true });
      screen.remove();
      settings?.remove();
      notice.remove();
      appRoot.classList.remove("app-locked");
      appRoot.inert = false;
      appRoot.removeAttribute("aria-hidden");
    },
  };
}
