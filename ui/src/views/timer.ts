import type { SpeakerNow } from "../bindings";
import { h } from "../dom";
import type { Translate } from "../i18n";
import { clockText, speakerClock } from "../session";

export interface TimerView {
  readonly root: HTMLElement;
  /** The speech to time (null: nobody speaks), with the server's clock offset from this one. */
  set(speaker: SpeakerNow | null, offsetMs: number): void;
}

/**
 * The speaker's clock: elapsed and remaining, red once over time. It ticks
 * each second on this device's clock moved onto the server's, so every
 * screen in the room shows the same time whatever its own clock says.
 */
export function mountTimer(t: Translate, prefix: string, now: () => number = Date.now): TimerView {
  const elapsed = h("span", { class: "timer-elapsed", "data-testid": `${prefix}-elapsed` });
  const remaining = h("span", { class: "timer-remaining", "data-testid": `${prefix}-remaining` });
  const root = h("div", { class: "timer", role: "timer", "aria-label": t("session.timerLabel"), "data-testid": `${prefix}-timer` }, elapsed, remaining);
  let speaker: SpeakerNow | null = null;
  let offset = 0;
  let ticking: ReturnType<typeof setInterval> | null = null;

  function paint(): void {
    if (speaker === null) return;
    const c = speakerClock(speaker, offset, now());
    elapsed.textContent = t("session.elapsed", { time: clockText(c.elapsed) });
    remaining.textContent =
      c.remaining === null ? "" : t(c.over ? "session.over" : "session.remaining", { time: clockText(c.remaining) });
    remaining.hidden = c.remaining === null;
    root.dataset["over"] = String(c.over);
    root.dataset["elapsed"] = String(c.elapsed);
  }

  function stop(): void {
    if (ticking !== null) clearInterval(ticking);
    ticking = null;
  }

  return {
    root,
    set(next, offsetMs) {
      speaker = next;
      offset = offsetMs;
      root.hidden = next === null;
      if (next === null) {
        stop();
        return;
      }
      paint();
      ticking ??= setInterval(() => {
        // A timer taken off the screen stops; the next render sets it going again.
        if (!root.isConnected) stop();
        else paint();
      }, 1000);
    },
  };
}
