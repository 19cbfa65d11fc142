import { h } from "../dom";
import { errorMessage, type Locale, type Translate } from "../i18n";
import { languageSwitch, spinner } from "./common";

export type EnrollField = "serverUrl" | "code" | "deviceName";

export interface EnrollState {
  kind: "enroll";
  serverUrl: string;
  code: string;
  deviceName: string;
  submitting: boolean;
  /** An engine error, a thrown error, or a local validation message key. */
  error: { engine: unknown } | { local: "enroll.serverUrlRequired" | "enroll.codeRequired" } | null;
  /** The field the error is about, to focus and mark invalid. */
  errorField: EnrollField | null;
}

export interface EnrollActions {
  setField(field: EnrollField, value: string): void;
  submit(): void;
  setLocale(locale: Locale): void;
}

export interface EnrollView {
  update(state: EnrollState): void;
  focusField(field: EnrollField): void;
}

// The code comes first: it is the one thing a person has to type. The server
// address is normally pre-filled and is rarely changed.
const FIELDS: readonly {
  field: EnrollField;
  label: "enroll.serverUrl" | "enroll.code" | "enroll.deviceName";
  hint: "enroll.serverUrlHint" | "enroll.codeHint" | "enroll.deviceNameHint";
  testid: string;
}[] = [
  { field: "code", label: "enroll.code", hint: "enroll.codeHint", testid: "enroll-code" },
  { field: "deviceName", label: "enroll.deviceName", hint: "enroll.deviceNameHint", testid: "enroll-device-name" },
  { field: "serverUrl", label: "enroll.serverUrl", hint: "enroll.serverUrlHint", testid: "enroll-server-url" },
];

export function mountEnroll(
  root: HTMLElement,
  state: EnrollState,
  locale: Locale,
  t: Translate,
  actions: EnrollActions,
): EnrollView {
  const inputs = {} as Record<EnrollField, HTMLInputElement>;
  for (const f of FIELDS) {
    const input = h("input", {
      id: `enroll-${f.field}`,
      name: f.field,
      type: f.field === "serverUrl" ? "url" : "text",
      class: "input",
      autocomplete: "off",
      spellcheck: "false",
      "aria-describedby": `enroll-${f.field}-hint`,
      "data-testid": f.testid,
      "data-focus-key": `enroll:${f.field}`,
      placeholder: f.field === "code" ? t("enroll.codePlaceholder") : null,
      autocapitalize: f.field === "code" ? "characters" : null,
      oninput: (e: Event) => actions.setField(f.field, (e.target as HTMLInputElement).value),
    });
    input.value = state[f.field];
    inputs[f.field] = input;
  }

  const errorText = h("p", { class: "alert-text" });
  const errorBox = h(
    "div",
    { id: "enroll-error", class: "alert alert-error", role: "alert", "data-testid": "enroll-error" },
    h("p", { class: "alert-title" }, t("enroll.failed")),
    errorText,
  );
  const submitLabel = h("span");
  const submitSpinner = spinner();
  const submit = h(
    "button",
    { type: "submit", class: "btn btn-primary btn-block", "data-testid": "enroll-submit", "data-focus-key": "enroll:submit" },
    submitSpinner,
    submitLabel,
  );
  const form = h(
    "form",
    {
      class: "enroll-form",
      novalidate: true,
      "data-testid": "enroll-form",
      onsubmit: (e: Event) => {
        e.preventDefault();
        actions.submit();
      },
    },
    FIELDS.map((f) =>
      h(
        "div",
        { class: "field" },
        h("label", { for: `enroll-${f.field}`, class: "label" }, t(f.label)),
        inputs[f.field],
        h("p", { id: `enroll-${f.field}-hint`, class: "hint" }, t(f.hint)),
      ),
    ),
    submit,
  );

  root.replaceChildren(
    h(
      "div",
      { class: "enroll-page", "data-testid": "enroll-screen" },
      h(
        "div",
        { class: "enroll-topbar" },
        h("span", { class: "brand-mark" }, t("app.name")),
        languageSwitch(locale, t, actions.setLocale),
      ),
      h(
        "main",
        { class: "card enroll-card", "aria-labelledby": "enroll-title" },
        h("h1", { id: "enroll-title", class: "enroll-title" }, t("enroll.title")),
        h("p", { class: "lead" }, t("enroll.intro")),
        errorBox,
        form,
      ),
    ),
  );

  const view: EnrollView = {
    update(s) {
      for (const f of FIELDS) {
        const input = inputs[f.field];
        if (input.value !== s[f.field]) input.value = s[f.field];
        input.readOnly = s.submitting;
        const invalid = s.error !== null && s.errorField === f.field;
        input.setAttribute("aria-invalid", String(invalid));
        input.setAttribute(
          "aria-describedby",
          invalid ? `enroll-error enroll-${f.field}-hint` : `enroll-${f.field}-hint`,
        );
      }
      form.setAttribute("aria-busy", String(s.submitting));
      submit.setAttribute("aria-disabled", String(s.submitting));
      submitSpinner.hidden = !s.submitting;
      submitLabel.textContent = t(s.submitting ? "enroll.submitting" : "enroll.submit");
      if (s.error) {
        errorText.textContent =
          "local" in s.error ? t(s.error.local) : errorMessage(s.error.engine, locale);
        errorBox.hidden = false;
      } else {
        errorBox.hidden = true;
        errorText.textContent = "";
      }
    },
    focusField(field) {
      inputs[field].focus();
      inputs[field].select();
    },
  };
  view.update(state);
  return view;
}
