import { h } from "../dom";
import { LOCALES, type Locale, type Translate } from "../i18n";

export function languageSwitch(
  locale: Locale,
  t: Translate,
  onChange: (locale: Locale) => void,
): HTMLElement {
  return h(
    "div",
    { class: "lang-switch", role: "group", "aria-label": t("lang.label"), "data-testid": "lang-switch" },
    LOCALES.map((l) =>
      h(
        "button",
        {
          type: "button",
          class: "lang-option",
          lang: l,
          "aria-pressed": String(l === locale),
          "aria-label": t(`lang.${l}`),
          title: t(`lang.${l}`),
          "data-testid": `lang-${l}`,
          "data-focus-key": `lang:${l}`,
          onclick: () => {
            if (l !== locale) onChange(l);
          },
        },
        t(`lang.${l}.short`),
      ),
    ),
  );
}

export function spinner(): HTMLElement {
  return h("span", { class: "spinner", "aria-hidden": "true" });
}

/** A calm placeholder panel for empty, loading and error states. */
export function statePanel(
  opts: {
    testid: string;
    title: string;
    hint?: string;
    loading?: boolean;
    tone?: "neutral" | "error";
    action?: PanelAction;
    /** A second, less prominent action shown after the first. */
    secondaryAction?: PanelAction;
  },
): HTMLElement {
  return h(
    "div",
    {
      class: `state-panel state-${opts.tone ?? "neutral"}`,
      "data-testid": opts.testid,
      role: opts.tone === "error" ? "alert" : "status",
    },
    opts.loading ? spinner() : null,
    h("p", { class: "state-title" }, opts.title),
    opts.hint ? h("p", { class: "state-hint" }, opts.hint) : null,
    opts.action || opts.secondaryAction
      ? h("div", { class: "state-actions" }, panelButton(opts.action, "btn-secondary"), panelButton(opts.secondaryAction, "btn-quiet"))
      : null,
  );
}

export interface PanelAction {
  label: string;
  onClick: () => void;
  focusKey: string;
  testid?: string;
}

function panelButton(action: PanelAction | undefined, tone: string): HTMLElement | null {
  if (!action) return null;
  return h(
    "button",
    {
      type: "button",
      class: `btn ${tone}`,
      "data-focus-key": action.focusKey,
      "data-testid": action.testid,
      onclick: action.onClick,
    },
    action.label,
  );
}
