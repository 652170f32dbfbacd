// What the report's charts share: a UTC time axis (d3-scale's ticks and formats) and the numbered
// vertical lines of ordinal's actions, so a chart's markers line up with the timeline's and the
// list under it.
import { scaleUtc, type ScaleTime } from 'd3-scale';
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import { clockOf } from '../../timeline/model.ts';
import type { Marker } from './pod-timeline.ts';

export const WIDTH = 1100;
export const GUTTER = 120;
export const RIGHT = 24;

export function timeScale(start: number, end: number): ScaleTime<number, number> {
  // a run of one instant still gets an axis
  return scaleUtc().domain([new Date(start), new Date(Math.max(end, start + 1000))]).range([GUTTER, WIDTH - RIGHT]);
}

/** hh:mm:ss.d (UTC) of an epoch-ms time, as the text timelines write it (clockOf) */
export const clock = (ms: number): string => clockOf(new Date(ms).toISOString());

export function TimeAxis({ x, y, height }: { x: ScaleTime<number, number>; y: number; height: number }): VNode {
  const ticks = x.ticks(8);
  const fmt = x.tickFormat(8, '%H:%M:%S');
  return html`<g class="axis">
    <line x1=${GUTTER} x2=${WIDTH - RIGHT} y1=${y} y2=${y} stroke="#888" />
    ${ticks.map((d) => html`<g>
      <line x1=${x(d)} x2=${x(d)} y1=${y} y2=${y + height} stroke="#eee" />
      <text x=${x(d)} y=${y - 4} text-anchor="middle" font-size="10" fill="#555">${fmt(d)}</text>
    </g>`)}
  </g>` as VNode;
}

/** Numbered action lines from y to y + height; number i is the marker's place in the suite's list. */
export function MarkerLines({ x, markers, y, height, numbered }: { x: ScaleTime<number, number>; markers: readonly Marker[]; y: number; height: number; numbered: boolean }): VNode {
  return html`<g class="markers">
    ${markers.map((m, i) => {
      const px = x(new Date(m.at));
      const colour = m.fault ? '#c0392b' : '#7f8c8d';
      return html`<g class=${`marker${m.fault ? ' fault' : ''}`} data-marker=${i + 1}>
        <title>${`${i + 1}. ${clock(m.at)} ${m.text}`}</title>
        <line x1=${px} x2=${px} y1=${y} y2=${y + height} stroke=${colour} stroke-width=${m.fault ? 1.5 : 1} stroke-dasharray=${m.fault ? '' : '3 3'} />
        ${numbered && html`<line x1=${px} x2=${px} y1=${y - 20} y2=${y} stroke=${colour} stroke-width="1" /><circle cx=${px} cy=${y - 26} r="7" fill=${colour} /><text x=${px} y=${y - 23} text-anchor="middle" font-size="9" fill="#fff">${i + 1}</text>`}
      </g>`;
    })}
  </g>` as VNode;
}
