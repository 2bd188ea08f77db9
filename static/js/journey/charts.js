/* The journey charts: drawn from the JSON the page carries (json_script), with bands shaded and sessions marked.
   Every chart has a table with the same figures beside it, so nothing here is the only way to read the data. */
(function () {
  "use strict";
  var source = document.getElementById("journey-charts");
  if (!source || typeof window.Chart === "undefined") { return; }
  var charts = JSON.parse(source.textContent);
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  // Calm, distinguishable line colours (no red), each at least 3:1 against white.
  var LINES = ["#2f6b5a", "#1a55b8", "#6a4c93", "#8a6d1a"];
  // Band tints: soft and neutral, light to deeper; they say "a range", not "good" or "bad".
  var BANDS = ["rgba(91,111,158,0.06)", "rgba(91,111,158,0.13)", "rgba(91,111,158,0.20)", "rgba(91,111,158,0.27)", "rgba(91,111,158,0.34)"];

  var bandPlugin = {
    id: "tendingBands",
    beforeDatasetsDraw: function (chart, _args, options) {
      var bands = options.bands || [];
      if (!bands.length) { return; }
      var area = chart.chartArea, y = chart.scales.y, ctx = chart.ctx;
      ctx.save();
      bands.forEach(function (band, i) {
        var top = y.getPixelForValue(Math.min(band.to, y.max));
        var bottom = y.getPixelForValue(Math.max(band.from, y.min));
        ctx.fillStyle = BANDS[i % BANDS.length];
        ctx.fillRect(area.left, top, area.right - area.left, bottom - top);
      });
      ctx.restore();
    }
  };

  var sessionPlugin = {
    id: "tendingSessions",
    afterDatasetsDraw: function (chart, _args, options) {
      var marks = options.sessions || [];
      if (!marks.length) { return; }
      var area = chart.chartArea, x = chart.scales.x, ctx = chart.ctx;
      ctx.save();
      ctx.strokeStyle = "#4a5a60";
      ctx.setLineDash([4, 4]);
      ctx.lineWidth = 1;
      marks.forEach(function (day) {
        var px = x.getPixelForValue(day);
        ctx.beginPath();
        ctx.moveTo(px, area.top);
        ctx.lineTo(px, area.bottom);
        ctx.stroke();
      });
      ctx.restore();
    }
  };

  charts.forEach(function (spec) {
    var canvas = document.getElementById("chart-" + spec.id);
    if (!canvas) { return; }
    // x is a day number (days since 1 January 1970): points sit by date, so two forms on one day
    // share a place and the gaps between them are the gaps in time. The ticks are the server's.
    var tickLabels = {};
    spec.axis.ticks.forEach(function (tick) { tickLabels[tick.x] = tick.label; });
    var most = Math.max.apply(null, spec.datasets.map(function (ds) { return ds.data.length; }));
    canvas.setAttribute("data-drawn", "true");
    new window.Chart(canvas, {
      type: "line",
      data: {
        datasets: spec.datasets.map(function (ds, i) {
          return {
            label: ds.label,
            data: ds.data,
            borderColor: LINES[i % LINES.length],
            backgroundColor: LINES[i % LINES.length],
            pointRadius: most < 40 ? 3 : 0,
            pointStyle: ["circle", "rect", "triangle", "rectRot"][i % 4],
            borderWidth: 2,
            borderDash: i === 2 ? [6, 3] : [],
            spanGaps: true,
            tension: 0.25
          };
        })
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        scales: {
          y: { min: spec.min, max: spec.max, ticks: { color: "#4a5a60" } },
          x: {
            type: "linear",
            min: spec.axis.min,
            max: spec.axis.max,
            afterBuildTicks: function (scale) {
              scale.ticks = spec.axis.ticks.map(function (tick) { return { value: tick.x }; });
            },
            ticks: {
              color: "#4a5a60", maxRotation: 0, autoSkip: true, maxTicksLimit: 6,
              callback: function (value) { return tickLabels[value] || ""; }
            }
          }
        },
        plugins: {
          tooltip: {
            callbacks: {
              title: function (items) { return items.length ? items[0].raw.when : ""; },
              label: function (item) { return item.dataset.label + ": " + item.raw.shown; }
            }
          },
          legend: { display: spec.datasets.length > 1, labels: { color: "#1f2a2e", usePointStyle: true } },
          tendingBands: { bands: spec.bands },
          tendingSessions: { sessions: spec.sessions }
        }
      },
      plugins: [bandPlugin, sessionPlugin]
    });
  });
})();
