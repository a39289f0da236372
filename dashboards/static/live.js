// Live hub view: polls GET /api/hubs/{hub}/live every cfg.pollMs and updates the desk
// tiles, the counts, the figure and the stale banner in place (no page reload).
// Mirrors dashboards/live.py (tile model) and dashboards/i18n.py (texts, formatting);
// the page hands over the styles and strings in <script id="live-config">.
(function () {
  "use strict";

  var cfg = JSON.parse(document.getElementById("live-config").textContent);
  var S = cfg.strings;
  var COUNT_KEYS = ["occupied", "free", "offline", "unknown", "low_battery"];
  var REQUEST_TIMEOUT_MS = 5000;
  var figure = null;
  var figureValues = null;
  var polls = 0;

  function fill(template, fields) {
    return template.replace(/\{(\w+)\}/g, function (match, key) {
      return Object.prototype.hasOwnProperty.call(fields, key) ? String(fields[key]) : match;
    });
  }

  function fmtInt(n) {
    return Number(n).toLocaleString(cfg.locale, { maximumFractionDigits: 0 });
  }

  function fmtPct(pct) {
    return (pct / 100).toLocaleString(cfg.locale, { style: "percent", maximumFractionDigits: 0 });
  }

  function localDay(date) {
    return date.toLocaleDateString("sv-SE", { timeZone: cfg.timeZone });
  }

  function fmtTime(iso, asOfIso) {
    var date = new Date(iso);
    var ref = asOfIso ? new Date(asOfIso) : null;
    if (ref && localDay(ref) === localDay(date)) {
      return date.toLocaleTimeString(cfg.locale, {
        timeZone: cfg.timeZone, hour: "2-digit", minute: "2-digit"
      });
    }
    return date.toLocaleString(cfg.locale, {
      timeZone: cfg.timeZone, dateStyle: "short", timeStyle: "short"
    });
  }

  function fmtAgo(seconds) {
    if (seconds === null || seconds === undefined) { return S.never_seen; }
    if (seconds < 60) { return S.just_now; }
    if (seconds < 3600) { return fill(S.minutes_ago, { n: fmtInt(Math.floor(seconds / 60)) }); }
    if (seconds < 48 * 3600) { return fill(S.hours_ago, { n: fmtInt(Math.floor(seconds / 3600)) }); }
    return fill(S.days_ago, { n: fmtInt(Math.floor(seconds / 86400)) });
  }

  function seenText(d, asOfIso) {
    if (!d.last_seen) { return S.never_seen; }
    return fmtTime(d.last_seen, asOfIso) + " · " + fmtAgo(d.seconds_since_seen);
  }

  function batteryText(d) {
    if (d.battery === null || d.battery === undefined) { return S.low_battery; }
    return S.low_battery + " (" + fmtPct(d.battery) + ")";
  }

  var UNKNOWN = {
    state: "unknown", low_battery: false, battery: null, last_seen: null, seconds_since_seen: null
  };

  function applyDesk(tile, d, asOfIso) {
    var state = Object.prototype.hasOwnProperty.call(cfg.styles, d.state) ? d.state : "unknown";
    var style = cfg.styles[state];
    var low = d.low_battery === true;
    var classes = ["desk", style.css];
    if (low) { classes.push(cfg.lowBatteryCss); }
    tile.className = classes.join(" ");
    tile.dataset.state = state;
    tile.dataset.lowBattery = low ? "true" : "false";
    var label = S["state_" + state];
    if (state === "offline" && d.network_offline === true) {
      label += " (" + S.network_offline + ")";
    }
    var seen = seenText(d, asOfIso);
    tile.querySelector(".desk-icon").textContent = style.icon;
    tile.querySelector(".desk-state").textContent = label;
    var battery = tile.querySelector(".desk-battery");
    battery.hidden = !low;
    battery.querySelector(".desk-battery-text").textContent = batteryText(d);
    tile.querySelector(".desk-seen").textContent = seen;
    tile.title = tile.dataset.desk + ": " + label + (low ? ", " + batteryText(d) : "") +
      " · " + S.last_seen + ": " + seen;
  }

  function updateFigure(counts) {
    if (!window.Plotly) { return; }
    var holder = document.getElementById("occupancy-figure");
    if (figure === null) {
      figure = JSON.parse(document.getElementById("live-figure").textContent);
    }
    var trace = figure.data[0];
    var values = trace.customdata.map(function (state) { return counts[state] || 0; });
    if (figureValues !== null && values.join(",") === figureValues.join(",")) { return; }
    figureValues = values;
    trace.x = values;
    trace.text = values.map(fmtInt);
    window.Plotly.react(holder, figure.data, figure.layout, {
      displayModeBar: false, responsive: true
    });
  }

  function showBanner(reason, text) {
    var banner = document.getElementById("stale-banner");
    if (reason === null) {
      banner.hidden = true;
      banner.dataset.reason = "";
      return;
    }
    banner.textContent = text;
    banner.dataset.reason = reason;
    banner.hidden = false;
  }

  // The simulated clock in the header (the demo) follows the server's as_of.
  function syncSimClock(asOf) {
    var el = document.getElementById("sim-clock-time");
    if (!el || !asOf) { return; }
    el.dateTime = asOf;
    el.dataset.syncedAt = String(Date.now());
  }

  function render(data) {
    var byDesk = {};
    (data.desks || []).forEach(function (d) { byDesk[d.desk] = d; });
    document.querySelectorAll(".desk[data-desk]").forEach(function (tile) {
      if (tile.closest(".legend")) { return; }
      applyDesk(tile, byDesk[tile.dataset.desk] || UNKNOWN, data.as_of);
    });
    var counts = data.counts || {};
    COUNT_KEYS.forEach(function (key) {
      var el = document.querySelector('[data-count="' + key + '"]');
      if (el) { el.textContent = fmtInt(counts[key] || 0); }
    });
    var asOf = document.getElementById("as-of");
    if (asOf && data.as_of) {
      asOf.dateTime = data.as_of;
      asOf.textContent = new Date(data.as_of).toLocaleTimeString(cfg.locale, {
        timeZone: cfg.timeZone, hour: "2-digit", minute: "2-digit", second: "2-digit"
      });
    }
    updateFigure(counts);
    var closed = document.querySelector('[data-field="closed"]');
    if (closed) { closed.hidden = data.open !== false; }
    syncSimClock(data.as_of);
    if (data.stale) {
      showBanner("api", fill(S.stale_api, { minutes: fmtInt(Math.round(data.offline_after_s / 60)) }));
    } else {
      showBanner(null, "");
    }
  }

  function finished(outcome) {
    polls += 1;
    document.body.dataset.polls = String(polls);
    document.body.dataset.lastPoll = outcome;
    window.setTimeout(poll, cfg.pollMs);
  }

  function poll() {
    var controller = new AbortController();
    var timer = window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS);
    fetch(cfg.liveUrl, {
      cache: "no-store", headers: { Accept: "application/json" }, signal: controller.signal
    })
      .then(function (response) {
        // An expired login session: reload, so the server sends the login page.
        if (response.status === 401) { window.location.reload(); }
        if (!response.ok) { throw new Error("HTTP " + response.status); }
        return response.json();
      })
      .then(function (data) {
        window.clearTimeout(timer);
        try {
          render(data);
        } catch (err) {
          console.error("live view: cannot show the data", err);  // a bug, not an outage
        }
        finished("ok");
      }, function (err) {
        window.clearTimeout(timer);
        var reason = err && err.name === "AbortError" ? "timeout" : String(err && err.message || err);
        showBanner("fetch", fill(S.stale_fetch, { reason: reason }));
        finished("error");
      });
  }

  // Draw the server-rendered figure at once, then keep the page live.
  if (window.Plotly) {
    figure = JSON.parse(document.getElementById("live-figure").textContent);
    figureValues = figure.data[0].x.slice();
    window.Plotly.newPlot(document.getElementById("occupancy-figure"), figure.data, figure.layout, {
      displayModeBar: false, responsive: true
    });
  }
  poll();
})();
