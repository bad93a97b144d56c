/** The timeline page's stylesheet, inlined so the file needs nothing but itself. */
export const PAGE_STYLE = `
:root { --row: 26px; --axis: 26px; --label: 220px; font-family: system-ui, sans-serif; }
body { margin: 0; background: #fafafa; color: #1d1d1f; }
header { padding: 10px 16px; background: #24292f; color: #fff; }
header h1 { margin: 0; font-size: 17px; font-weight: 600; }
header .meta { font-size: 12px; opacity: .8; margin-top: 2px; font-family: ui-monospace, monospace; }
.banner { padding: 8px 16px; font-size: 14px; border-bottom: 1px solid #ddd; }
.banner.failed { background: #ffebe9; color: #82071e; cursor: pointer; }
.banner.passed { background: #dafbe1; color: #116329; }
.toolbar { padding: 6px 16px; display: flex; gap: 6px; align-items: center; font-size: 13px; }
.toolbar button { min-width: 32px; }
main { display: flex; gap: 12px; padding: 0 16px 16px; align-items: flex-start; }
.timeline { flex: 1 1 auto; min-width: 0; display: flex; border: 1px solid #ccc; background: #fff; }
.labels { flex: 0 0 var(--label); border-right: 1px solid #ccc; padding-top: var(--axis); }
.label { height: var(--row); line-height: var(--row); padding: 0 6px; font-size: 12px;
  white-space: nowrap; overflow: hidden; text-overflow: ellipsis; border-top: 1px solid #eee; }
.label .group { display: inline-block; width: 52px; color: #777; font-size: 11px; }
.scroller { flex: 1 1 auto; overflow-x: auto; overflow-y: hidden; position: relative; }
.canvas { position: relative; }
.axis { height: var(--axis); position: relative; border-bottom: 1px solid #ccc; }
.tick { position: absolute; top: 0; height: 100%; border-left: 1px solid #ddd; font-size: 10px;
  padding-left: 2px; color: #555; white-space: nowrap; }
.row { height: var(--row); position: relative; border-top: 1px solid #eee; }
.row[data-group="fault"] { background: #fff8e6; }
.row[data-group="harness"] { background: #f4f4f4; }
.ev { position: absolute; top: 6px; width: 8px; height: 14px; margin-left: -4px; padding: 0;
  border: 1px solid rgba(0,0,0,.35); border-radius: 2px; cursor: pointer; background: #4b8bd4; }
.ev[data-group="server"] { background: #8a63d2; }
.ev[data-group="net"] { background: #6e7781; }
.ev[data-group="fault"] { background: #d4a72c; }
.ev[data-group="harness"] { background: #a0a0a0; }
.ev.broken { background: #cf222e; width: 12px; margin-left: -6px; top: 3px; height: 20px; }
.ev.selected { outline: 3px solid #0969da; z-index: 2; }
.span { position: absolute; top: 10px; height: 6px; background: rgba(212,167,44,.35);
  pointer-events: none; }
.invariant-marker { position: absolute; top: 0; bottom: 0; width: 0;
  border-left: 2px dashed #cf222e; pointer-events: none; z-index: 1; }
.invariant-marker span { position: absolute; top: 2px; right: 4px; font-size: 11px; color: #cf222e;
  background: #fff; white-space: nowrap; }
aside { flex: 0 0 360px; display: flex; flex-direction: column; gap: 12px; }
aside section { border: 1px solid #ccc; background: #fff; }
aside h2 { margin: 0; padding: 6px 8px; font-size: 13px; background: #f0f0f0; }
aside pre { margin: 0; padding: 8px; font-size: 12px; max-height: 40vh; overflow: auto;
  white-space: pre-wrap; word-break: break-word; }
`;
