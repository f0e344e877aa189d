// kcc phone page: live updates by Server-Sent Events, a poll every 45 s as fallback, and a
// reconnect when the page becomes visible again (phones freeze background tabs).
// No cookies, no storage, no third-party requests. Without this script the page reloads itself.
(function () {
  "use strict";
  var body = document.body;
  var eventsUrl = body.getAttribute("data-events");
  var stateUrl = body.getAttribute("data-state");
  var isBoard = body.classList.contains("board");
  var POLL_MS = 45000;
  var source = null;
  var lastSeq = -1;
  var lastPhase = null;

  function text(id, value) {
    var el = document.getElementById(id);
    if (el && el.textContent !== value) { el.textContent = value; }
  }
  function show(id, yes) {
    var el = document.getElementById(id);
    if (el) { el.hidden = !yes; }
  }
  function alertTurn() {
    try {
      if (navigator.vibrate) { navigator.vibrate([400, 200, 400, 200, 400]); }
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx) {
        var ctx = new Ctx(), osc = ctx.createOscillator(), gain = ctx.createGain();
        osc.frequency.value = 880; gain.gain.value = 0.2;
        osc.connect(gain); gain.connect(ctx.destination);
        osc.start(); osc.stop(ctx.currentTime + 0.6);
      }
    } catch (e) { /* sound and vibration only where the browser allows */ }
  }
  function applyTicket(v) {
    text("number", v.number); text("service", v.service); text("headline", v.headline);
    text("ahead", v.ahead); text("estimate", v.estimate); text("updated", v.updated);
    show("f-away", v.can_away); show("f-back", v.can_back); show("f-leave", v.can_leave);
    body.className = "phase-" + v.phase + (v.phase === "called" ? " called" : "");
    document.title = v.number + " · " + v.headline;
    if (v.phase === "called" && lastPhase !== null && lastPhase !== "called") { alertTurn(); }
    lastPhase = v.phase;
  }
  function applyBoard(v) {
    var calls = document.getElementById("calls"), rows = document.getElementById("queues");
    if (calls) {
      calls.textContent = "";
      v.calls.forEach(function (c) {
        var li = document.createElement("li"), num = document.createElement("span");
        num.className = "num"; num.textContent = c.number;
        li.appendChild(num);
        li.appendChild(document.createTextNode(" \u2192 " + c.post + " "));
        var small = document.createElement("small"); small.textContent = c.at;
        li.appendChild(small); calls.appendChild(li);
      });
    }
    if (rows) {
      rows.textContent = "";
      v.queues.forEach(function (q) {
        var tr = document.createElement("tr"), th = document.createElement("th");
        th.scope = "row"; th.textContent = q.service; tr.appendChild(th);
        [String(q.waiting), q.estimate].forEach(function (s) {
          var td = document.createElement("td"); td.textContent = s; tr.appendChild(td);
        });
        rows.appendChild(tr);
      });
    }
    text("updated", v.updated);
  }
  function apply(v) {
    if (typeof v.seq === "number" && v.seq < lastSeq) { return; }
    lastSeq = v.seq;
    if (isBoard) { applyBoard(v); } else { applyTicket(v); }
  }
  function gone() { window.location.reload(); }
  function poll() {
    fetch(stateUrl, { cache: "no-store", credentials: "omit" }).then(function (r) {
      if (r.status === 404) { gone(); return null; }
      return r.ok ? r.json() : null;
    }).then(function (v) { if (v) { apply(v); } }).catch(function () {});
  }
  function connect() {
    if (!window.EventSource) { return; }
    if (source) { source.close(); }
    source = new EventSource(eventsUrl);
    source.addEventListener("snapshot", function (ev) { apply(JSON.parse(ev.data)); });
    source.addEventListener("gone", function () { source.close(); gone(); });
  }
  if (!isBoard) {
    lastPhase = (body.className.match(/phase-(\w+)/) || [])[1] || null;
    var leave = document.getElementById("f-leave");
    if (leave) {
      leave.addEventListener("submit", function (ev) {
        if (!window.confirm(body.getAttribute("data-confirm"))) { ev.preventDefault(); }
      });
    }
  }
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { connect(); poll(); }
  });
  connect();
  setInterval(poll, POLL_MS);
}());
