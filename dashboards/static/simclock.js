// Simulated clock (the demo): the header's time runs at the clock's speed between the
// server's readings. A live page's script sets the <time>'s datetime from each poll's
// as_of (and data-synced-at), so a jump of the clock (closed hours skipped) shows at once.
(function () {
  "use strict";
  var el = document.getElementById("sim-clock-time");
  if (!el) { return; }
  var speed = Number(el.dataset.speed) || 1;
  el.dataset.syncedAt = String(Date.now());

  function tick() {
    var base = Date.parse(el.dateTime);
    if (!isNaN(base)) {
      var t = new Date(base + (Date.now() - Number(el.dataset.syncedAt)) * speed);
      el.textContent = t.toLocaleString("sv-SE", {
        timeZone: el.dataset.tz, year: "numeric", month: "2-digit", day: "2-digit",
        hour: "2-digit", minute: "2-digit"
      });
    }
    window.setTimeout(tick, 1000);
  }
  tick();
})();
