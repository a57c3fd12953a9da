/* Chart glue: every <figure class="chart"> carries its stored series as JSON; uPlot draws them.
 * Plain browser JS, no build step. Stacked charts are drawn as running sums with bands between them;
 * the legend still shows each series' own value. An interval is two edge series (thin, dashed, in
 * the colour of the series they bound) with a light band between them. */
/* global uPlot, window, document */
(function () {
  'use strict';
  var PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

  var WHOLE = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000, 200000, 500000, 1000000];

  function percent(v) {
    return v == null ? '—' : (v * 100).toFixed(2) + ' %';
  }

  function plain(v) {
    return v == null ? '—' : String(Number(v.toPrecision(6)));
  }

  function options(spec, width) {
    var fmt = spec.percent ? percent : plain;
    var series = [{ label: spec.xLabel, value: spec.time ? '{YYYY}-{MM}-{DD}' : undefined }];
    spec.series.forEach(function (s, i) {
      var edge = s.edgeOf != null;
      var color = colorOf(spec, i);
      series.push({
        label: s.label,
        stroke: color,
        width: edge ? 1 : 2,
        dash: edge ? [4, 4] : undefined,
        fill: spec.stacked ? color + '99' : undefined,
        // An edge's isolated value (its neighbours have no interval) is a point or nothing.
        points: edge ? { show: spec.x.length <= 60, size: 4 } : { show: spec.x.length <= 60 },
        value: spec.stacked
          ? function (u, v, si, idx) { return idx == null ? '—' : fmt(spec.series[si - 1].values[idx]); }
          : function (u, v) { return fmt(v); },
      });
    });
    var opts = {
      width: width,
      height: 260,
      scales: { x: { time: !!spec.time } },
      series: series,
      // Epochs and steps are whole numbers: no 1.5 tick.
      axes: [spec.time ? { label: spec.xLabel } : { label: spec.xLabel, incrs: WHOLE }, { size: 70, values: function (u, vals) { return vals.map(fmt); } }],
    };
    if (spec.stacked) {
      // Band i lies between the running sum up to series i and the one below it.
      opts.bands = spec.series.slice(1).map(function (s, i) { return { series: [i + 2, i + 1] }; });
    } else if (spec.bands) {
      opts.bands = spec.bands.map(function (b) { return { series: [b[0] + 1, b[1] + 1], fill: colorOf(spec, b[0]) + '22' }; });
    }
    return opts;
  }

  // An edge takes the colour of the series it bounds.
  function colorOf(spec, i) {
    var s = spec.series[i];
    var own = s && s.edgeOf != null ? s.edgeOf : i;
    return PALETTE[own % PALETTE.length];
  }

  function data(spec) {
    var columns = spec.series.map(function (s) { return s.values; });
    if (spec.stacked) {
      var sums = [];
      columns.forEach(function (col, c) {
        sums.push(col.map(function (v, i) { return (v || 0) + (c > 0 ? sums[c - 1][i] : 0); }));
      });
      columns = sums;
    }
    return [spec.x].concat(columns);
  }

  function draw(figure) {
    var json = figure.querySelector('script[type="application/json"]');
    var box = figure.querySelector('.plot');
    if (!json || !box) return;
    if (typeof uPlot !== 'function') {
      box.textContent = 'The chart library did not load.';
      return;
    }
    var spec = JSON.parse(json.textContent);
    var chart = new uPlot(options(spec, box.clientWidth || 800), data(spec), box);
    // What a test (or a person with dev tools) can read back: the points uPlot was given.
    figure.dataset.points = String(chart.data[0].length);
    figure.dataset.series = String(chart.series.length - 1);
    window.addEventListener('resize', function () {
      chart.setSize({ width: box.clientWidth || 800, height: 260 });
    });
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll('figure.chart'), draw);
    document.documentElement.dataset.chartsReady = 'true';
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', drawAll);
  else drawAll();
})();
