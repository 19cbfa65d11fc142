import type { Statistics } from "../bindings";
import type { DrawnChart } from "../charts";
import { h, replaceRegion, type Child } from "../dom";
import { formatMoment } from "../format";
import { errorMessage, type Locale, type Translate } from "../i18n";
import {
  dayFromInput,
  dayToInput,
  figureCells,
  figuresKey,
  formatNumber,
  formatPercent,
  hasItems,
  hasRates,
  isEmptyReport,
  meetingDay,
  meetingState,
  outcomesByMeeting,
  outcomeSlices,
  periodRange,
  periodText,
  presetOf,
  presetPeriod,
  PRESETS,
  ratesByMeeting,
  statCards,
  TABLE_GROUPS,
  type Period,
} from "../stats";
import { statePanel } from "./common";
import type { Loadable } from "./main";

/** The secretariat's statistics dashboard. */
export interface StatisticsState {
  /** The period last asked for (days in Vietnam's time, both inclusive); null until the dashboard is first shown. */
  period: Period | null;
  /** The figures of that period; null until first asked for. */
  report: Loadable<Statistics> | null;
}

export const NO_STATISTICS: StatisticsState = { period: null, report: null };

export interface StatisticsActions {
  /** Reads the figures of a period (one periodRange accepts). */
  load(period: Period): void;
  /** Reads the figures of the period shown again. */
  reload(): void;
}

export interface StatisticsView {
  readonly root: HTMLElement;
  update(state: StatisticsState): void;
  /** The dashboard is no longer shown: its charts go (they are drawn again when it comes back). */
  hide(): void;
  /** The view is thrown away: its charts go. */
  destroy(): void;
}

type Charts = typeof import("../charts");
/** Chart.js, loaded the first time a chart is drawn (members never load it). */
let chartsModule: Promise<Charts> | null = null;
let chartsLoaded: Charts | null = null;
function loadCharts(): Promise<Charts> {
  chartsModule ??= import("../charts").then((m) => (chartsLoaded = m));
  return chartsModule;
}

export function mountStatistics(locale: Locale, t: Translate, actions: StatisticsActions, now: () => Date): StatisticsView {
  const count = (value: number) => formatNumber(value, locale);
  const percent = (value: number) => `${formatNumber(value, locale, 1)}%`;
  let charts: DrawnChart[] = [];
  /** Moves on each redraw and destroy: charts still waiting for Chart.js to load are then not drawn. */
  let generation = 0;
  /** What the report region was last drawn from ("" once its charts are gone). */
  let drawn = "";
  /** The period the date fields were last set to (typing in them is left alone until another comes). */
  let shownPeriod: Period | null = null;

  // ── the period: quick choices, two days, and "show" ─────────────────────
  const presetButtons = PRESETS.map((preset) =>
    h(
      "button",
      {
        type: "button",
        class: "stats-preset",
        "aria-pressed": "false",
        "data-testid": "stats-preset",
        "data-preset": preset,
        "data-focus-key": `stats-preset:${preset}`,
        onclick: () => choose(presetPeriod(preset, now())),
      },
      t(`stats.preset.${preset}`),
    ),
  );
  // Text fields in the app's own day/month/year (a native date field follows the system's locale, often month first).
  const dateInput = (testid: string) =>
    h("input", {
      type: "text",
      class: "input",
      inputmode: "numeric",
      autocomplete: "off",
      placeholder: t("stats.datePlaceholder"),
      "aria-describedby": "stats-date-hint",
      "data-testid": testid,
      "data-focus-key": testid,
      oninput: () => fieldsChanged(),
    });
  const fromInput = dateInput("stats-from");
  const toInput = dateInput("stats-to");
  const message = h("p", { class: "vote-error stats-period-error", role: "alert", "data-testid": "stats-period-error", hidden: true });
  const apply = h("button", { type: "submit", class: "btn btn-primary", "data-testid": "stats-apply", "data-focus-key": "stats-apply" }, t("stats.apply"));
  const form = h(
    "form",
    { class: "stats-period", "aria-label": t("stats.period"), "data-testid": "stats-period-form", novalidate: true },
    h("div", { class: "stats-presets", role: "group", "aria-label": t("stats.presets") }, presetButtons),
    h(
      "div",
      { class: "stats-dates" },
      h("label", { class: "vote-field stats-date" }, h("span", { class: "vote-field-label" }, t("stats.from")), fromInput),
      h("label", { class: "vote-field stats-date" }, h("span", { class: "vote-field-label" }, t("stats.to")), toInput),
      apply,
    ),
    h("p", { id: "stats-date-hint", class: "vote-hint stats-date-hint" }, t("stats.dateHint")),
    message,
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    submit();
  });

  const region = h("div", { class: "stats-region" });
  const root = h(
    "section",
    { class: "pane stats-pane", "aria-labelledby": "stats-heading", "data-testid": "statistics-pane" },
    h(
      "div",
      { class: "stats" },
      h(
        "header",
        { class: "stats-header" },
        h("h2", { id: "stats-heading", class: "agenda-title" }, t("stats.heading")),
        h("p", { class: "stats-intro" }, t("stats.intro")),
      ),
      form,
      region,
    ),
  );

  /** The period the fields say, or the first field that names no day. */
  function fieldsPeriod(): Period | HTMLInputElement {
    const from = dayFromInput(fromInput.value);
    if (from === null) return fromInput;
    const to = dayFromInput(toInput.value);
    if (to === null) return toInput;
    return { from, to };
  }

  function paintPresets(): void {
    const period = fieldsPeriod();
    const active = period instanceof HTMLInputElement ? null : presetOf(period, now());
    for (const button of presetButtons) button.setAttribute("aria-pressed", String(button.dataset["preset"] === active));
  }

  function say(text: string, field: HTMLInputElement | null): void {
    if (message.textContent !== text) message.textContent = text;
    message.hidden = text === "";
    for (const input of [fromInput, toInput]) {
      if (input === field) input.setAttribute("aria-invalid", "true");
      else input.removeAttribute("aria-invalid");
    }
  }

  function fieldsChanged(): void {
    paintPresets();
    say("", null);
  }

  function showPeriod(period: Period): void {
    fromInput.value = dayToInput(period.from);
    toInput.value = dayToInput(period.to);
  }

  function choose(period: Period): void {
    showPeriod(period);
    fieldsChanged();
    submit();
  }

  function submit(): void {
    const period = fieldsPeriod();
    if (period instanceof HTMLInputElement) {
      say(t("stats.badDate"), period);
      period.focus();
      return;
    }
    const check = periodRange(period);
    if (!check.ok) {
      const field = check.field === "from" ? fromInput : toInput;
      say(t(check.error), field);
      field.focus();
      return;
    }
    say("", null);
    actions.load(period);
  }

  // ── the report ──────────────────────────────────────────────────────────
  function countCharts(): void {
    root.dataset["liveCharts"] = String(chartsLoaded?.liveCharts() ?? 0);
  }

  function destroyCharts(): void {
    generation++;
    for (const chart of charts) chart.destroy();
    charts = [];
    countCharts();
  }

  /** Replaces what the region shows (and destroys its charts), unless it already shows `key`. */
  function show(key: string, ...content: Child[]): void {
    if (drawn === key) return;
    destroyCharts();
    drawn = key;
    replaceRegion(region, ...content);
  }

  function cards(stats: Statistics): HTMLElement {
    return h(
      "ul",
      { class: "stats-cards", "aria-label": t("stats.cards"), "data-testid": "stats-cards" },
      statCards(stats, locale, t).map((card) =>
        h(
          "li",
          { class: `stats-card stats-card-${card.key}`, "data-testid": "stats-card", "data-card": card.key },
          h("span", { class: "stats-card-label" }, t(card.label)),
          h("span", { class: "stats-card-value", "data-testid": "stats-card-value" }, card.value),
          h("span", { class: "stats-card-detail", "data-testid": "stats-card-detail" }, card.detail),
        ),
      ),
    );
  }

  function panel(id: string, title: string, wide: "half" | "wide" | "full", ...body: Child[]): HTMLElement {
    return h(
      "section",
      { class: `stats-panel stats-panel-${wide}`, "aria-labelledby": id },
      h("h3", { id, class: "stats-panel-title" }, title),
      ...body,
    );
  }

  const canvas = (testid: string, label: string) => h("canvas", { "data-testid": testid, role: "img", "aria-label": label });

  function swatch(colour: string): HTMLElement {
    const el = h("span", { class: "stats-swatch", "aria-hidden": "true" });
    el.style.backgroundColor = colour;
    return el;
  }

  function table(stats: Statistics): HTMLElement {
    const columns = TABLE_GROUPS.flatMap((g) => g.columns.map((c, i) => ({ ...c, start: i === 0 })));
    const cells = (m: Statistics["total"]) => {
      const values = figureCells(m, locale, t);
      return columns.map((c) => h("td", { class: c.start ? "stats-group-start" : null, "data-col": c.key }, values[c.key]));
    };
    return h(
      "table",
      { class: "stats-table", "data-testid": "stats-table" },
      h("caption", { class: "visually-hidden" }, t("stats.table.heading")),
      h(
        "thead",
        null,
        h(
          "tr",
          null,
          h("th", { scope: "col", rowspan: 2, class: "stats-col-meeting" }, t("stats.table.meeting")),
          TABLE_GROUPS.map((g) => h("th", { scope: "colgroup", colspan: g.columns.length, class: "stats-group stats-group-start" }, t(g.label))),
        ),
        h(
          "tr",
          null,
          columns.map((c) => h("th", { scope: "col", class: c.start ? "stats-group-start" : null, "data-col": c.key }, t(c.label))),
        ),
      ),
      h(
        "tbody",
        null,
        stats.meetings.map((m) => {
          const state = meetingState(m);
          return h(
            "tr",
            { "data-testid": "stats-row", "data-meeting-id": m.meeting ?? "", "data-state": state },
            h(
              "th",
              { scope: "row", class: "stats-meeting" },
              h("span", { class: "stats-meeting-title", "data-testid": "stats-row-title" }, m.title),
              h(
                "span",
                { class: "stats-meeting-meta" },
                h("span", null, meetingDay(m, t)),
                h("span", { class: `badge badge-meeting-${state}`, "data-testid": "stats-row-state" }, t(`stats.status.${state}`)),
              ),
            ),
            cells(m),
          );
        }),
      ),
      h("tfoot", null, h("tr", { "data-testid": "stats-total" }, h("th", { scope: "row", class: "stats-meeting" }, t("stats.table.total")), cells(stats.total))),
    );
  }

  function drawReport(stats: Statistics, period: Period | null): void {
    const slices = outcomeSlices(stats.total.outcomes, locale, t);
    const outcomesCanvas = hasItems(stats) ? canvas("stats-chart-outcomes", t("stats.chart.outcomes")) : null;
    const byMeetingCanvas = hasItems(stats) ? canvas("stats-chart-by-meeting", t("stats.chart.byMeeting")) : null;
    const ratesCanvas = hasRates(stats) ? canvas("stats-chart-rates", t("stats.chart.rates")) : null;
    const none = (testid: string, key: Parameters<Translate>[0]) => h("p", { class: "vote-hint stats-none", "data-testid": testid }, t(key));
    show(
      `ready:${figuresKey(stats)}`,
      h(
        "div",
        { class: "stats-report", "data-testid": "stats-report" },
        h(
          "p",
          { class: "stats-summary" },
          h("span", { class: "stats-summary-period", "data-testid": "stats-period" }, periodText(period ?? { from: "", to: "" }, t)),
          h("span", { "data-testid": "stats-generated" }, t("stats.generated", { time: formatMoment(stats.generated_at, t) })),
        ),
        cards(stats),
        h(
          "div",
          { class: "stats-charts" },
          panel(
            "stats-outcomes-heading",
            t("stats.chart.outcomes"),
            "half",
            outcomesCanvas
              ? h(
                  "div",
                  { class: "stats-outcomes" },
                  h("div", { class: "stats-chart-box stats-chart-doughnut" }, outcomesCanvas),
                  h(
                    "div",
                    { class: "stats-legend-box" },
                    h(
                      "ul",
                      { class: "stats-legend", "data-testid": "stats-outcomes" },
                      slices.map((s) =>
                        h(
                          "li",
                          { "data-testid": "stats-outcome", "data-outcome": s.outcome },
                          swatch(s.colour),
                          h("span", { class: "stats-legend-label" }, s.label),
                          h("span", { class: "stats-legend-count", "data-testid": "stats-outcome-count" }, count(s.count)),
                          h("span", { class: "stats-legend-share", "data-testid": "stats-outcome-share" }, s.share),
                        ),
                      ),
                    ),
                    h("p", { class: "stats-legend-total", "data-testid": "stats-items-total" }, t("stats.chart.itemsTotal", { count: count(stats.total.items) })),
                  ),
                )
              : none("stats-no-items", "stats.chart.noItems"),
          ),
          panel(
            "stats-by-meeting-heading",
            t("stats.chart.byMeeting"),
            "wide",
            byMeetingCanvas ? h("div", { class: "stats-chart-box" }, byMeetingCanvas) : none("stats-no-items-by-meeting", "stats.chart.noItems"),
          ),
          panel(
            "stats-rates-heading",
            t("stats.chart.rates"),
            "full",
            ratesCanvas ? h("div", { class: "stats-chart-box" }, ratesCanvas) : none("stats-no-rates", "stats.chart.noRates"),
          ),
        ),
        panel("stats-table-heading", t("stats.table.heading"), "full", h("div", { class: "stats-table-wrap" }, table(stats))),
      ),
    );
    // Drawn once their canvases are in the page (Chart.js sizes them from their boxes).
    const drawing = generation;
    void loadCharts()
      .then(({ drawDoughnut, drawMeetingBars }) => {
        if (drawing !== generation) return; // redrawn or left meanwhile
        const draws: [HTMLCanvasElement | null, () => DrawnChart | null][] = [
          [outcomesCanvas, () => outcomesCanvas && drawDoughnut(outcomesCanvas, slices, count)],
          [
            byMeetingCanvas,
            () =>
              byMeetingCanvas &&
              drawMeetingBars(byMeetingCanvas, outcomesByMeeting(stats, t), { stacked: true, percent: false, axisTitle: t("stats.axis.items"), format: count }),
          ],
          [
            ratesCanvas,
            () =>
              ratesCanvas &&
              drawMeetingBars(ratesCanvas, ratesByMeeting(stats, t), { stacked: false, percent: true, axisTitle: t("stats.axis.percent"), format: percent }),
          ],
        ];
        for (const [target, draw] of draws) {
          if (!target) continue;
          const chart = draw();
          target.dataset["drawn"] = String(chart !== null);
          if (chart) charts.push(chart);
        }
        countCharts();
      })
      .catch(() => {
        // Without Chart.js the figures still stand in the cards and the table.
        for (const target of [outcomesCanvas, byMeetingCanvas, ratesCanvas]) target?.setAttribute("data-drawn", "false");
      });
  }

  function renderReport(state: StatisticsState): void {
    const r = state.report;
    if (r === null || r.kind === "loading") {
      show("loading", statePanel({ testid: "stats-loading", title: t("stats.loading"), loading: true }));
      return;
    }
    if (r.kind === "error") {
      show(
        `error:${JSON.stringify(r.error)}`,
        statePanel({
          testid: "stats-error",
          tone: "error",
          title: t("stats.loadFailed"),
          hint: errorMessage(r.error, locale),
          action: { label: t("common.retry"), onClick: actions.reload, focusKey: "stats-retry", testid: "stats-retry" },
        }),
      );
      return;
    }
    const stats = r.data;
    if (isEmptyReport(stats)) {
      show(
        `empty:${JSON.stringify(state.period)}`,
        statePanel({ testid: "stats-empty", title: t("stats.empty"), hint: `${periodText(state.period ?? { from: "", to: "" }, t)}. ${t("stats.emptyHint")}` }),
      );
      return;
    }
    const key = `ready:${figuresKey(stats)}`;
    if (drawn === key) {
      // The same figures read again: only the time they were made moves.
      const generated = region.querySelector<HTMLElement>('[data-testid="stats-generated"]');
      const text = t("stats.generated", { time: formatMoment(stats.generated_at, t) });
      if (generated && generated.textContent !== text) generated.textContent = text;
      return;
    }
    drawReport(stats, state.period);
  }

  return {
    root,
    update(state) {
      if (state.period !== null && state.period !== shownPeriod) {
        shownPeriod = state.period;
        showPeriod(state.period);
        say("", null);
      }
      paintPresets();
      apply.setAttribute("aria-disabled", String(state.report?.kind === "loading"));
      renderReport(state);
    },
    hide() {
      if (charts.length === 0 && drawn === "") return;
      destroyCharts();
      drawn = "";
    },
    destroy() {
      destroyCharts();
      drawn = "";
    },
  };
}
