// Region overview: every cfg.pollMs, refresh each hub card from its live endpoint
// (data-live-url) and recompute the municipality and region totals. The page is complete
// without this script; it only keeps the numbers current on a wall display.
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("overview-config").textContent);

  function fmtInt(n) {
    return Number(n).toLocaleString(cfg.locale, { maximumFractionDigits: 0 });
  }

  function setField(root, field, value) {
    var el = root.querySelector('[data-field="' + field + '"]');
    if (el) {
      el.textContent = value === null ? "–" : fmtInt(value);
      el.dataset.value = value === null ? "" : String(value);
    }
  }

  function valueOf(el) {
    var text = el ? el.dataset.value : undefined;
    if (text === undefined) { // server-rendered number: digits only
      text = el ? el.textContent.replace(/\D/g, "") : "";
    }
    return text === "" ? null : Number(text);
  }

  function sumFields(root, field) {
    var total = 0;
    var missing = false;
    root.querySelectorAll('.card [data-field="' + field + '"]').forEach(function (el) {
      var v = valueOf(el);
      if (v === null) { missing = true; } else { total += v; }
    });
    return missing ? null : total;
  }

  function refreshTotals() {
    document.querySelectorAll(".municipality").forEach(function (section) {
      setField(section, "muni-occupied", sumFields(section, "occupied"));
    });
    setField(document, "region-occupied", sumFields(document, "occupied"));
  }

  // The simulated clock in the header (the demo) follows the server's as_of.
  function syncSimClock(asOf) {
    var el = document.getElementById("sim-clock-time");
    if (!el || !asOf) { return; }
    el.dateTime = asOf;
    el.dataset.syncedAt = String(Date.now());
  }

  function refreshCard(card) {
    return fetch(card.dataset.liveUrl, { cache: "no-store", headers: { Accept: "application/json" } })
      .then(function (response) {
        // An expired login session: reload, so the server sends the login page.
        if (response.status === 401) { window.location.reload(); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        var c = data.counts || {};
        setField(card, "occupied", c.occupied);
        setField(card, "offline", c.offline);
        setField(card, "low_battery", c.low_battery);
        card.classList.remove("card-nodata");
        var stale = card.querySelector('[data-field="stale"]');
        if (stale) { stale.hidden = !data.stale; }
        var closed = card.querySelector('[data-field="closed"]');
        if (closed) { closed.hidden = data.open !== false; }
        // every desk taken: the "full" badge (text) and the card's mark
        var total = valueOf(card.querySelector('[data-field="total"]'));
        var full = total !== null && total > 0 && c.occupied >= total;
        var badge = card.querySelector('[data-field="full"]');
        if (badge) { badge.hidden = !full; }
        card.classList.toggle("card-full", full);
        syncSimClock(data.as_of);
        return data.as_of || true;
      }, function () {
        setField(card, "occupied", null);
        setField(card, "offline", null);
        setField(card, "low_battery", null);
        card.classList.add("card-nodata");
        return false;
      });
  }

  // "Updated HH:MM": the newest state any hub answered with, in the hubs' time zone.
  function showUpdated(results) {
    var el = document.getElementById("overview-updated");
    var times = results.filter(function (r) { return typeof r === "string"; });
    if (!el || times.length === 0) { return; }
    var newest = times.reduce(function (a, b) { return new Date(a) > new Date(b) ? a : b; });
    el.dateTime = newest;
    el.textContent = new Date(newest).toLocaleTimeString(cfg.locale, {
      timeZone: el.dataset.tz || undefined, hour: "2-digit", minute: "2-digit"
    });
  }

  function refresh() {
    var cards = Array.prototype.slice.call(document.querySelectorAll(".card[data-live-url]"));
    Promise.all(cards.map(refreshCard)).then(function (results) {
      refreshTotals();
      showUpdated(results);
      var banner = document.getElementById("stale-banner");
      banner.hidden = results.every(Boolean);
      document.body.dataset.lastPoll = banner.hidden ? "ok" : "error";
      window.setTimeout(refresh, cfg.pollMs);
    });
  }

  window.setTimeout(refresh, cfg.pollMs);
})();
