/**
 * The timeline page's script: plain ES5-style JavaScript, inlined, no dependencies. It reads the
 * model from the `dsim-data` JSON block and draws lanes, the axis, events, fault spans and the
 * invariant marker; zoom is by buttons or the mouse wheel over the lanes (around the pointer),
 * clicking an event shows its JSON in the detail panel.
 *
 * Written without template literals so it can live in a TypeScript template string verbatim.
 */
export const PAGE_SCRIPT = `
(function () {
  "use strict";
  var model = JSON.parse(document.getElementById("dsim-data").textContent);
  var scroller = document.getElementById("scroller");
  var canvas = document.getElementById("canvas");
  var axis = document.getElementById("axis");
  var rows = document.getElementById("rows");
  var labels = document.getElementById("labels");
  var detail = document.getElementById("detail-json");
  var zoomLabel = document.getElementById("zoom-level");
  var PAD = 24;
  var MIN_SCALE = 1e-4;
  var MAX_SCALE = 400;
  var scale = 1;
  var eventEls = [];
  var spanEls = [];
  var marker = null;
  var selected = null;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined) node.textContent = text;
    return node;
  }
  function x(t) { return PAD + t * scale; }
  function fmt(ms) {
    if (ms >= 60000) return (ms / 60000).toFixed(ms % 60000 === 0 ? 0 : 2) + "m";
    if (ms >= 1000) return (ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 2) + "s";
    return (Math.round(ms * 1000) / 1000) + "ms";
  }

  function select(index) {
    if (selected !== null) eventEls[selected].classList.remove("selected");
    selected = index;
    var ev = model.events[index];
    eventEls[index].classList.add("selected");
    detail.textContent = JSON.stringify(
      { t: ev.t, seq: ev.seq, source: ev.source, kind: ev.kind, data: ev.data }, null, 2);
    detail.setAttribute("data-seq", String(ev.seq));
  }

  model.lanes.forEach(function (lane, index) {
    var label = el("div", "label");
    label.setAttribute("data-lane", lane.source);
    label.setAttribute("data-group", lane.group);
    label.title = lane.source;
    label.appendChild(el("span", "group", lane.group));
    label.appendChild(document.createTextNode(lane.source));
    labels.appendChild(label);
    var row = el("div", "row");
    row.setAttribute("data-lane", lane.source);
    row.setAttribute("data-group", lane.group);
    row.setAttribute("data-index", String(index));
    rows.appendChild(row);
  });

  model.events.forEach(function (ev, index) {
    var row = rows.children[ev.lane];
    var group = model.lanes[ev.lane].group;
    var duration = ev.data && typeof ev.data.durationMs === "number" ? ev.data.durationMs : 0;
    if (duration > 0) {
      var span = el("div", "span");
      span.setAttribute("data-from", String(ev.t));
      span.setAttribute("data-to", String(ev.t + duration));
      row.appendChild(span);
      spanEls.push(span);
    }
    var node = el("button", "ev");
    node.type = "button";
    node.setAttribute("data-seq", String(ev.seq));
    node.setAttribute("data-group", group);
    node.title = fmt(ev.t) + "  " + ev.source + "  " + ev.kind;
    if (model.verdict && model.verdict.seq === ev.seq) node.classList.add("broken");
    node.addEventListener("click", function () { select(index); });
    row.appendChild(node);
    eventEls.push(node);
  });

  if (model.verdict && model.verdict.at !== null) {
    marker = el("div", "invariant-marker");
    marker.id = "invariant-marker";
    marker.appendChild(el("span", "", "\\u2717 " + model.verdict.invariant + " @ " + fmt(model.verdict.at)));
    canvas.appendChild(marker);
  }

  function niceStep() {
    var target = 90 / scale;
    var pow = Math.pow(10, Math.floor(Math.log10(target)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * pow >= target) return steps[i] * pow;
    return 10 * pow;
  }

  function layout() {
    var width = x(model.endMs);
    axis.textContent = "";
    var step = niceStep();
    for (var t = 0; t <= model.endMs + step; t += step) {
      var tick = el("div", "tick", fmt(t));
      tick.style.left = x(t) + "px";
      axis.appendChild(tick);
    }
    // Events closer than one marker width are packed to the right so that each stays clickable;
    // the exact time is in the tooltip and the detail panel.
    var lastX = [];
    for (var i = 0; i < eventEls.length; i++) {
      var ev = model.events[i];
      var left = x(ev.t);
      var prev = lastX[ev.lane];
      if (prev !== undefined && left < prev + 10) left = prev + 10;
      lastX[ev.lane] = left;
      eventEls[i].style.left = left + "px";
      if (left > width) width = left;
    }
    canvas.style.width = width + PAD * 4 + "px";
    for (var j = 0; j < spanEls.length; j++) {
      var from = Number(spanEls[j].getAttribute("data-from"));
      var to = Number(spanEls[j].getAttribute("data-to"));
      spanEls[j].style.left = x(from) + "px";
      spanEls[j].style.width = Math.max(2, (to - from) * scale) + "px";
    }
    if (marker !== null) marker.style.left = x(model.verdict.at) + "px";
    zoomLabel.textContent = "zoom: " + (scale >= 1 ? scale.toFixed(1) : scale.toPrecision(2)) +
      " px/ms, " + model.events.length + " events, " + model.lanes.length + " lanes";
    canvas.setAttribute("data-scale", String(scale));
  }

  function zoomTo(next, anchorPx) {
    next = Math.min(MAX_SCALE, Math.max(MIN_SCALE, next));
    var anchor = anchorPx === undefined ? scroller.clientWidth / 2 : anchorPx;
    var t = (scroller.scrollLeft + anchor - PAD) / scale;
    scale = next;
    layout();
    scroller.scrollLeft = Math.max(0, PAD + t * scale - anchor);
  }
  function fit() {
    // Leave room on the right for events packed after the last instant.
    var usable = Math.max(100, scroller.clientWidth - PAD * 3 - 60);
    scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, usable / Math.max(model.endMs, 1)));
    layout();
    scroller.scrollLeft = 0;
  }

  document.getElementById("zoom-in").addEventListener("click", function () { zoomTo(scale * 2); });
  document.getElementById("zoom-out").addEventListener("click", function () { zoomTo(scale / 2); });
  document.getElementById("zoom-fit").addEventListener("click", fit);
  scroller.addEventListener("wheel", function (event) {
    if (event.shiftKey) return;
    event.preventDefault();
    var rect = scroller.getBoundingClientRect();
    zoomTo(scale * (event.deltaY < 0 ? 1.25 : 0.8), event.clientX - rect.left);
  }, { passive: false });

  var banner = document.getElementById("banner");
  if (model.verdict && model.verdict.seq !== null) {
    banner.addEventListener("click", function () {
      for (var i = 0; i < model.events.length; i++) {
        if (model.events[i].seq === model.verdict.seq) {
          select(i);
          eventEls[i].scrollIntoView({ block: "nearest", inline: "center" });
          return;
        }
      }
    });
  }
  fit();
  document.body.setAttribute("data-ready", "true");
})();
`;
