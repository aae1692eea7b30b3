// ECharts, imported per chart type and component (not the whole library: the budget is 400 KB gzipped
// for everything), drawn as SVG so charts print sharp. Every chart is decorative for assistive
// technology (aria-hidden): the table next to it carries the same numbers.
import { BarChart, LineChart } from "echarts/charts";
import { GridComponent, LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { SVGRenderer } from "echarts/renderers";

echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

export interface Series {
  name: string;
  kind: "bar" | "line";
  values: number[];
}

const PALETTE = ["#b03a2e", "#2e6f9e", "#d49a2a", "#3f8f5b", "#7a5c99"];
const FONT = '"Noto Sans CJK SC", "Noto Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif';

let drawn: echarts.ECharts[] = [];

/** Draws a category chart (months, streets, categories) into ``element``. */
export function draw(
  element: HTMLElement,
  categories: string[],
  series: Series[],
  options: { horizontal?: boolean; percent?: boolean } = {},
): void {
  const chart = echarts.init(element, null, { renderer: "svg" });
  const valueAxis = {
    type: "value" as const,
    axisLabel: options.percent ? { formatter: (v: number) => `${Math.round(v * 100)}%` } : {},
    max: options.percent ? 1 : undefined,
  };
  const categoryAxis = {
    type: "category" as const,
    data: categories,
    axisLabel: { interval: 0, hideOverlap: true },
  };
  chart.setOption({
    animation: false, // the first paint is the finished chart (and screenshots are stable)
    color: PALETTE,
    textStyle: { fontFamily: FONT },
    tooltip: { trigger: "axis" },
    legend: { top: 0, type: "scroll" },
    grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
    xAxis: options.horizontal ? valueAxis : categoryAxis,
    yAxis: options.horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: series.map((s) => ({ name: s.name, type: s.kind, data: s.values, smooth: false })),
  });
  drawn.push(chart);
}

/** Frees the charts of the view being left. */
export function disposeAll(): void {
  for (const chart of drawn) chart.dispose();
  drawn = [];
}

/** Charts follow their container's width (the layout changes between phone and desktop). */
export function resizeAll(): void {
  for (const chart of drawn) chart.resize();
}
