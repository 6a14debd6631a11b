// Draws the Chart.js charts of the statistics pages. Each <canvas data-chart="ID"> reads its
// figures from the JSON <script id="ID"> next to it; the same figures are in the table below
// the chart, which stays the accessible version.
(function () {
  "use strict";
  const palette = ["#2e7d32", "#f9a825", "#c62828", "#1565c0", "#6a1b9a", "#00838f", "#8d6e63"];

  function draw(canvas) {
    const source = document.getElementById(canvas.dataset.chart);
    if (!source || typeof Chart === "undefined") {
      return;
    }
    const spec = JSON.parse(source.textContent);
    const doughnut = spec.type === "doughnut";
    const datasets = spec.datasets.map(function (dataset, index) {
      return {
        label: dataset.label,
        data: dataset.data.map(Number),
        backgroundColor: doughnut ? palette : palette[index % palette.length],
        borderColor: doughnut ? "#fff" : palette[index % palette.length],
      };
    });
    const scales = doughnut ? {} : {
      x: {stacked: Boolean(spec.stacked)},
      y: {stacked: Boolean(spec.stacked), beginAtZero: true},
    };
    // Counts (products, certificates) have whole ticks: no "0.5 products".
    const counts = datasets.every(function (dataset) {
      return dataset.data.every(Number.isInteger);
    });
    if (!doughnut) {
      const values = scales[spec.horizontal ? "x" : "y"];
      values.beginAtZero = true;
      if (counts) {
        values.ticks = {precision: 0};
      }
    }
    new Chart(canvas, {
      type: spec.type,
      data: {labels: spec.labels, datasets: datasets},
      options: {
        locale: document.documentElement.lang || "vi",  // 1.234,5 in Vietnamese
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: {legend: {display: datasets.length > 1 || doughnut}},
      },
    });
  }

  function start() {
    document.querySelectorAll("canvas[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
