// The frame every report.html shares: one self-contained file (inline CSS, inline SVG, no script,
// no network), rendered with preact-render-to-string, which escapes every text and attribute.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { render } from 'preact-render-to-string';

const CSS = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1180px; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 18px; margin: 28px 0 6px; border-bottom: 1px solid #ddd; }
h3 { font-size: 15px; margin: 16px 0 4px; }
.summary { font-size: 16px; margin: 4px 0 12px; }
.verdict { display: inline-block; padding: 1px 7px; border-radius: 3px; color: #fff; font-weight: 600; font-size: 12px; }
.passed { background: #2e9b57; } .failed { background: #c0392b; } .not-applicable { background: #95a5a6; } .blocked { background: #e67e22; }
.same { background: #95a5a6; } .improved { background: #2e9b57; } .new { background: #3498db; } .still-failing { background: #e67e22; }
.regressed, .slower, .missing, .not-applicable-now { background: #c0392b; }
.error { background: #c0392b; } .warning { background: #e67e22; }
table { border-collapse: collapse; width: 100%; margin: 8px 0; } th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #eee; vertical-align: top; }
th { background: #f6f6f6; font-weight: 600; } td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
code, pre { font-family: ui-monospace, monospace; font-size: 12px; } pre { background: #f7f7f7; padding: 8px; overflow-x: auto; white-space: pre-wrap; }
.muted { color: #666; } .meas { font-size: 12px; color: #444; }
ol.markers li.fault { color: #c0392b; } ol.markers { font-size: 12px; columns: 2; }
.failure { border-left: 4px solid #c0392b; padding: 2px 12px; margin: 12px 0; }
.failed-text { color: #c0392b; }
.legend span { margin-right: 10px; font-size: 12px; }
svg { display: block; margin: 6px 0; } .legend svg { display: inline; margin: 0; }
tr[data-change=regressed], tr[data-change=slower], tr[data-change=missing], tr[data-change=not-applicable-now] { background: #fdecea; }
tr[data-verdict=failed], tr[data-verdict=blocked] { background: #fdf1ef; }
`;

export function page(title: string, body: VNode): string {
  return `<!DOCTYPE html>\n${render(html`<html lang="en">
    <head><meta charset="utf-8" /><meta name="viewport" content="width=device-width" /><title>${title}</title><style dangerouslySetInnerHTML=${{ __html: CSS }} /></head>
    <body>${body}<p class="muted">written by ordinal; self-contained: no script, no network</p></body>
  </html>` as VNode)}\n`;
}

export function Verdict({ v }: { v: string }): VNode {
  return html`<span class=${`verdict ${v}`}>${v}</span>` as VNode;
}
