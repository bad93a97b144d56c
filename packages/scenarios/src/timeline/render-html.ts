import type { ReplayResult } from "../runner/types.js";
import { buildTimeline, type TimelineModel } from "./model.js";
import { PAGE_SCRIPT } from "./page-script.js";
import { PAGE_STYLE } from "./page-style.js";

/** Escapes text for HTML character data and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

/**
 * JSON that is safe inside `<script type="application/json">`: every `<` is written as `\u003c`,
 * so no string in the trace (`</script>`, `<!--`) can end the block or open a comment, and the
 * line separators U+2028/U+2029 are escaped too. `JSON.parse` reads it back unchanged.
 */
export function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll("<", "\\u003c")
    .replaceAll("\u2028", "\\u2028")
    .replaceAll("\u2029", "\\u2029");
}

function bannerHtml(model: TimelineModel): string {
  const verdict = model.verdict;
  if (verdict === undefined) {
    return `<div id="banner" class="banner passed">passed: the case did not fail</div>`;
  }
  const when =
    verdict.at === null
      ? ""
      : ` at ${verdict.at}ms (event #${verdict.seq ?? "?"}; click to select)`;
  return `<div id="banner" class="banner failed" data-invariant="${escapeHtml(verdict.invariant)}"><strong>FAILED ${escapeHtml(
    verdict.invariant,
  )}</strong>: ${escapeHtml(verdict.message)}${escapeHtml(when)}</div>`;
}

/** Renders an already built {@link TimelineModel} as one self-contained HTML page. */
export function renderTimelineModel(model: TimelineModel): string {
  const meta = `sim seed ${model.simSeed} · ${model.events.length} events · ${model.endMs}ms simulated · digest ${model.digest}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>dsim timeline: ${escapeHtml(model.title)}</title>
<style>${PAGE_STYLE}</style>
</head>
<body>
<header><h1 id="title">${escapeHtml(model.title)}</h1><div class="meta">${escapeHtml(meta)}</div></header>
${bannerHtml(model)}
<div class="toolbar"><button id="zoom-in" type="button" title="zoom in">+</button><button id="zoom-out" type="button" title="zoom out">&minus;</button><button id="zoom-fit" type="button">fit</button><span id="zoom-level"></span><span>· wheel over the lanes zooms, shift+wheel scrolls</span></div>
<main>
<div class="timeline"><div id="labels" class="labels"></div><div id="scroller" class="scroller"><div id="canvas" class="canvas"><div id="axis" class="axis"></div><div id="rows"></div></div></div></div>
<aside>
<section><h2>Event</h2><pre id="detail-json">Click an event to see its details.</pre></section>
<section><h2>Fault plan</h2><pre id="plan-json">${escapeHtml(JSON.stringify(model.plan, null, 2))}</pre></section>
${
  model.verdict === undefined
    ? ""
    : `<section><h2>Invariant details</h2><pre id="invariant-details">${escapeHtml(
        JSON.stringify(model.verdict.details, null, 2),
      )}</pre></section>`
}
</aside>
</main>
<script type="application/json" id="dsim-data">${embedJson(model)}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/**
 * The timeline of a replayed case as one self-contained HTML file: no network access (a strict
 * Content-Security-Policy forbids it), no external assets, the trace embedded as JSON.
 */
export function renderTimelineHtml(result: ReplayResult): string {
  return renderTimelineModel(buildTimeline(result));
}
