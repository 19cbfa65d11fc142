/**
 * The reader's digital-signature panel: each signature in the document,
 * as the engine checked it on this device (the signed bytes, the
 * signature, the signer's certificate against the IT office's trust
 * anchors, and whether the file changed after signing). An invalid or
 * untrusted signature is shown as such, never hidden.
 */
import type { ExchangeRecord, SignatureView } from "../bindings";
import { h, replaceRegion } from "../dom";
import { formatCalendarDay, formatMoment } from "../format";
import { errorMessage, type Locale, type MessageKey, type Translate } from "../i18n";
import { statePanel } from "./common";
import type { Loadable } from "./main";

export interface SignatureActions {
  showSignatures(): void;
  hideSignatures(): void;
}

export interface SignaturesView {
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
  update(signatures: Loadable<SignatureView[]> | null | undefined, exchange?: ExchangeRecord | null): void;
}

/** `2026-12-07` as the app writes days. */
export function exchangeDay(day: string, t: Translate): string {
  const [year, month, dayOfMonth] = day.split("-").map(Number);
  if (!year || !month || !dayOfMonth) return day;
  return formatCalendarDay({ year, month, day: dayOfMonth }, t);
}

const INTEGRITY: Record<SignatureView["integrity"], { key: MessageKey; tone: string }> = {
  valid: { key: "signatures.valid", tone: "ok" },
  modified: { key: "signatures.modified", tone: "danger" },
  bad_signature: { key: "signatures.badSignature", tone: "danger" },
  unchecked: { key: "signatures.unchecked", tone: "warn" },
};

const TRUST: Record<SignatureView["trust"], { key: MessageKey; tone: string }> = {
  trusted: { key: "signatures.trusted", tone: "ok" },
  untrusted: { key: "signatures.untrusted", tone: "danger" },
  outside_validity: { key: "signatures.outsideValidity", tone: "danger" },
  not_checked: { key: "signatures.notChecked", tone: "warn" },
};

export function mountSignatures(locale: Locale, t: Translate, actions: SignatureActions): SignaturesView {
  let shown: Loadable<SignatureView[]> | null | undefined;
  let shownExchange: ExchangeRecord | null | undefined;
  const title = h("h3", { class: "reader-results-title", id: "reader-signatures-title", tabindex: "-1" }, t("signatures.title"));
  const region = h("div", { class: "reader-results-region" });
  const button = h(
    "button",
    {
      type: "button",
      class: "btn btn-tool btn-tool-text",
      "data-testid": "reader-signatures",
      "aria-controls": "reader-signatures-panel",
      "aria-expanded": "false",
      onclick: () => {
        if (shown === null || shown === undefined) {
          actions.showSignatures();
          title.focus();
        } else {
          actions.hideSignatures();
        }
      },
    },
    t("signatures.button"),
  );
  const panel = h(
    "aside",
    {
      id: "reader-signatures-panel",
      class: "reader-results reader-signatures",
      "aria-labelledby": "reader-signatures-title",
      "data-testid": "reader-signatures-panel",
      hidden: true,
    },
    h(
      "div",
      { class: "reader-results-head" },
      title,
      h(
        "button",
        {
          type: "button",
          class: "btn btn-tool",
          "aria-label": t("signatures.close"),
          title: t("signatures.close"),
          "data-testid": "reader-signatures-close",
          onclick: () => {
            actions.hideSignatures();
            button.focus();
          },
        },
        "×",
      ),
    ),
    region,
  );

  function line(tone: string, text: string, testid: string): HTMLElement {
    return h("p", { class: `signature-line signature-${tone}`, "data-testid": testid, "data-tone": tone }, text);
  }

  function card(s: SignatureView, n: number): HTMLElement {
    const integrity = INTEGRITY[s.integrity];
    const trust = TRUST[s.trust];
    return h(
      "li",
      { class: "signature-card", "data-testid": "reader-signature", "data-integrity": s.integrity, "data-trust": s.trust },
      h("p", { class: "signature-signer", "data-testid": "reader-signature-signer" }, t("signatures.signer", { n, name: s.signer ?? t("signatures.unknownSigner") })),
      s.signed_at ? h("p", { class: "hint" }, t("signatures.signedAt", { when: formatMoment(s.signed_at, t) })) : null,
      s.issuer ? h("p", { class: "hint" }, t("signatures.issuer", { issuer: s.issuer })) : null,
      line(integrity.tone, t(integrity.key, { detail: s.detail ?? "" }), "reader-signature-integrity"),
      s.changed_after_signing ? line("warn", t("signatures.changedAfter"), "reader-signature-changed") : null,
      s.integrity === "valid" ? line(trust.tone, t(trust.key, { detail: s.detail ?? "" }), "reader-signature-trust") : null,
    );
  }

  /** What the exchange package said about the document, as the issuer wrote it. */
  function exchangeDetails(e: ExchangeRecord): HTMLElement {
    const row = (key: MessageKey, value: string, testid: string) => [h("dt", null, t(key)), h("dd", { "data-testid": testid }, value)];
    return h(
      "section",
      { class: "exchange-details", "data-testid": "reader-exchange-details" },
      h("h4", { class: "exchange-title" }, t(e.annex ? "exchange.titleAnnex" : "exchange.title")),
      h(
        "dl",
        { class: "exchange-list" },
        row("exchange.organisation", `${e.organisation_name} (${e.organisation_code})`, "reader-exchange-organisation"),
        row("exchange.code", `${e.number}/${e.symbol}`, "reader-exchange-code"),
        row("exchange.type", e.document_type, "reader-exchange-type"),
        row("exchange.issued", e.place ? `${e.place}, ${exchangeDay(e.issued_on, t)}` : exchangeDay(e.issued_on, t), "reader-exchange-issued"),
        row("exchange.subject", e.subject, "reader-exchange-subject"),
        row("exchange.signer", `${e.signer_position}: ${e.signer_name}`, "reader-exchange-signer"),
      ),
    );
  }

  function update(next: Loadable<SignatureView[]> | null | undefined, exchange: ExchangeRecord | null = null): void {
    button.setAttribute("aria-expanded", String(next !== null && next !== undefined));
    panel.hidden = next === null || next === undefined;
    if (next === shown && exchange === shownExchange) return;
    shown = next;
    shownExchange = exchange;
    const details = exchange === null ? null : exchangeDetails(exchange);
    if (next === null || next === undefined) {
      replaceRegion(region);
    } else if (next.kind === "loading") {
      replaceRegion(region, statePanel({ testid: "reader-signatures-loading", title: t("signatures.loading"), loading: true }));
    } else if (next.kind === "error") {
      replaceRegion(
        region,
        statePanel({
          testid: "reader-signatures-error",
          tone: "error",
          title: t("signatures.failed"),
          hint: errorMessage(next.error, locale),
          action: { label: t("common.retry"), onClick: actions.showSignatures, focusKey: "reader-signatures-retry" },
        }),
      );
    } else if (next.data.length === 0) {
      replaceRegion(region, details, h("p", { class: "reader-search-empty", "data-testid": "reader-signatures-none" }, t("signatures.none")));
    } else {
      replaceRegion(region, details, h("ol", { class: "signature-list" }, next.data.map((s, i) => card(s, i + 1))));
    }
  }

  return { button, panel, update };
}
