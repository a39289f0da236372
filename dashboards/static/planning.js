// Planning page: draws the ranking figure (projected desks needed with low–high error
// bars, measured desks needed, desks now) from <script id="planning-figure-data">, with
// the locally served plotly.js. Everything else on the page is server-rendered; the
// assumptions form is a plain GET form, so it re-queries the page without any script.
(function () {
  "use strict";

  function draw() {
    var block = document.getElementById("planning-figure-data");
    var target = document.getElementById("planning-figure");
    if (!block || !target || typeof Plotly === "undefined") { return; }
    var data = JSON.parse(block.textContent);
    var fig = data.figure;
    Plotly.newPlot(target, fig.data, fig.layout, {
      displayModeBar: false, responsive: true, staticPlot: false
    }).then(function () {
      document.body.dataset.figure = "drawn";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
