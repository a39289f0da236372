// Utilisation explorer and municipality comparison: draw every figure of the page with the
// locally served plotly.js. Each <div data-figure="ID"> names the <script
// type="application/json" id="ID"> block holding its {data, layout} (built server-side by
// dashboards/figures.py). Everything else on these pages is server-rendered, and the forms
// are plain GET forms, so they work without this script.
(function () {
  "use strict";

  var CONFIG = { displayModeBar: false, responsive: true };

  function draw() {
    var holders = Array.prototype.slice.call(document.querySelectorAll("[data-figure]"));
    if (!window.Plotly) { return; }
    var drawn = holders.map(function (holder) {
      var block = document.getElementById(holder.dataset.figure);
      if (!block) { return Promise.resolve(false); }
      var fig = JSON.parse(block.textContent);
      return window.Plotly.newPlot(holder, fig.data, fig.layout, CONFIG).then(function () {
        holder.dataset.drawn = "true";
        return true;
      });
    });
    Promise.all(drawn).then(function (results) {
      document.body.dataset.figures = String(results.filter(Boolean).length);
    }, function (err) {
      console.error("usage page: a figure could not be drawn", err);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
