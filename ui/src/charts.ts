/**
 * The dashboard's charts, drawn with Chart.js. Only what they use is
 * registered (tree-shaken: no `chart.js/auto`). Nothing is animated, so a
 * chart is complete as soon as it is made (and screenshots are the same
 * each time). Every chart made here must be destroyed by whoever made it.
 */
import {
  ArcElement,
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  DoughnutController,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from "chart.js";
import type { MeetingChart } from "./stats";

Chart.register(DoughnutController, ArcElement, BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

// The app's own type and colours (style.css), not Chart.js's Helvetica and grey.
Chart.defaults.font.family = 'system-ui, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, "Liberation Sans", sans-serif';
Chart.defaults.font.size = 13;
Chart.defaults.color = "#5a6474";
Chart.defaults.borderColor = "#e6e9ee";

export interface DrawnChart {
  destroy(): void;
}

/** How many charts exist and have not been destroyed (in the whole page). */
export function liveCharts(): number {
  return Object.keys(Chart.instances).length;
}

/** The canvas's 2D context, or null where there is none (then nothing is drawn). */
function context(canvas: HTMLCanvasElement): CanvasRenderingContext2D | null {
  try {
    return canvas.getContext("2d");
  } catch {
    return null;
  }
}

const COMMON = {
  responsive: true,
  maintainAspectRatio: false,
  animation: false,
} as const;

export interface Slice {
  label: string;
  colour: string;
  count: number;
}

/** A doughnut of counts (its legend is drawn beside it by the view). */
export function drawDoughnut(canvas: HTMLCanvasElement, slices: readonly Slice[], count: (value: number) => string): DrawnChart | null {
  const ctx = context(canvas);
  if (!ctx) return null;
  const config: ChartConfiguration<"doughnut", number[], string> = {
    type: "doughnut",
    data: {
      labels: slices.map((s) => s.label),
      datasets: [
        {
          data: slices.map((s) => s.count),
          backgroundColor: slices.map((s) => s.colour),
          borderColor: "#ffffff",
          borderWidth: 2,
          hoverOffset: 4,
        },
      ],
    },
    options: {
      ...COMMON,
      cutout: "58%",
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: { label: (item) => ` ${item.label}: ${count(item.parsed)}` } },
      },
    },
  };
  return new Chart(ctx, config);
}

export interface BarOptions {
  /** Stacks the series (one bar per meeting) rather than setting them side by side. */
  stacked: boolean;
  /** Values are percentages: the axis runs from 0 to 100. */
  percent: boolean;
  /** The value axis's title. */
  axisTitle: string;
  /** A value as the axis and the tooltips say it. */
  format: (value: number) => string;
}

/** Bars per meeting: one series per outcome (stacked), or the rates side by side. */
export function drawMeetingBars(canvas: HTMLCanvasElement, chart: MeetingChart, options: BarOptions): DrawnChart | null {
  const ctx = context(canvas);
  if (!ctx) return null;
  const config: ChartConfiguration<"bar", (number | null)[], string> = {
    type: "bar",
    data: {
      labels: chart.labels,
      datasets: chart.series.map((s) => ({
        label: s.label,
        data: s.data,
        backgroundColor: s.colour,
        borderColor: s.colour,
        borderWidth: 0,
        borderRadius: options.stacked ? 0 : 3,
        maxBarThickness: options.stacked ? 56 : 36,
        categoryPercentage: options.stacked ? 0.8 : 0.6,
      })),
    },
    options: {
      ...COMMON,
      scales: {
        x: {
          stacked: options.stacked,
          grid: { display: false },
          ticks: { color: "#1b2330", maxRotation: 0, autoSkip: true },
        },
        y: {
          stacked: options.stacked,
          beginAtZero: true,
          ...(options.percent ? { max: 100 } : {}),
          ticks: { precision: 0, ...(options.percent ? { stepSize: 20 } : {}), callback: (value) => options.format(Number(value)) },
          title: { display: true, text: options.axisTitle },
        },
      },
      plugins: {
        legend: { position: "bottom", labels: { boxWidth: 12, boxHeight: 12, padding: 14 } },
        tooltip: {
          callbacks: {
            title: (items) => chart.titles[items[0]?.dataIndex ?? 0] ?? "",
            label: (item) => ` ${item.dataset.label ?? ""}: ${options.format(item.parsed.y ?? 0)}`,
          },
        },
      },
    },
  };
  return new Chart(ctx, config);
}
