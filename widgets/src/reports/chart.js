/**
 * The weekly chart: Chart.js (only the bar chart's parts, registered here), stacked by product.
 * The canvas is an image for assistive technology; the tables carry the same figures.
 * @module reports/chart
 */

import { BarController, BarElement, CategoryScale, Chart, Legend, LinearScale, Tooltip } from "chart.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Legend, Tooltip);

// Distinguishable colours (Okabe–Ito), readable for the common colour-vision deficiencies.
const COLOURS = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#999999"];

/**
 * Create the chart on a canvas; `update` replaces its series.
 * @param {HTMLCanvasElement} canvas
 */
export function createChart(canvas) {
  const chart = new Chart(canvas, {
    type: "bar",
    data: { labels: [], datasets: [] },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: "bottom" } },
    },
  });
  return {
    /** @param {ReturnType<typeof import("./model.js").chartSeries>} series */
    update(series) {
      chart.data.labels = series.labels;
      chart.data.datasets = series.datasets.map((d, i) => ({
        label: d.label, data: d.data, backgroundColor: COLOURS[i % COLOURS.length],
      }));
      chart.update();
    },
    /** The series as drawn (for tests and debugging). */
    get shown() {
      return chart.data.datasets.map((d) => ({ label: d.label, data: [...d.data] }));
    },
  };
}
