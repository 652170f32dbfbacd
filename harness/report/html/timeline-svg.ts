// A suite's pods on a shared time axis: one row per ordinal, a bar per state, ordinal's actions as
// numbered lines (faults in red), every bar and marker with a tooltip that needs no JavaScript.
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { formatMs } from '../../errors.ts';
import { clock, GUTTER, MarkerLines, TimeAxis, timeScale, WIDTH } from './svg-parts.ts';
import { POD_STATES, type PodState, type TimelineModel } from './pod-timeline.ts';

export const STATE_COLOUR: Record<PodState, string> = {
  pending: '#c8c8c8',
  scheduled: '#9ec5ea',
  running: '#f0c04a',
  ready: '#2e9b57',
  terminating: '#d9534f',
};

const ROW = 20;
const TOP = 52;

export function TimelineSvg({ model, suite }: { model: TimelineModel; suite: string }): VNode {
  const x = timeScale(model.start, model.end);
  const height = TOP + model.rows.length * ROW + 8;
  const rowsHeight = model.rows.length * ROW;
  return html`<svg class="timeline" data-suite=${suite} xmlns="http://www.w3.org/2000/svg" width=${WIDTH} height=${height} viewBox=${`0 0 ${WIDTH} ${height}`} role="img" aria-label=${`pods of suite ${suite} over time`}>
    <${TimeAxis} x=${x} y=${TOP} height=${rowsHeight} />
    ${model.rows.map((r, i) => {
      const y = TOP + i * ROW + 3;
      return html`<g class="row" data-pod=${r.pod}>
        <text x=${GUTTER - 6} y=${y + 11} text-anchor="end" font-size="11" font-family="monospace">${r.pod}</text>
        ${r.segments.map((s) => {
          const x0 = x(new Date(s.from));
          const w = Math.max(1, x(new Date(s.to)) - x0);
          return html`<rect class=${`seg ${s.state}`} data-state=${s.state} x=${x0} y=${y} width=${w} height=${ROW - 6} fill=${STATE_COLOUR[s.state]}><title>${`${r.pod} ${s.state} ${clock(s.from)}–${clock(s.to)} (${formatMs(s.to - s.from)}): ${s.detail} [uid ${s.uid.slice(0, 8)}]`}</title></rect>`;
        })}
      </g>`;
    })}
    <${MarkerLines} x=${x} markers=${model.markers} y=${TOP} height=${rowsHeight} numbered=${true} />
  </svg>` as VNode;
}

export function StateLegend(): VNode {
  return html`<p class="legend">${POD_STATES.map((s) => html`<span><svg width="12" height="10"><rect width="12" height="10" fill=${STATE_COLOUR[s]} /></svg> ${s} </span>`)}<span>│ <b style="color:#c0392b">red line</b>: a fault or disruption ordinal made; grey: another action</span></p>` as VNode;
}

