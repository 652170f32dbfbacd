// k6's load over time: acknowledged and failed sends per second above, the acknowledgement latency
// (p50, p99) below, on the suite's time axis with its fault markers, so a dip lines up with the
// drain or the partition that caused it.
import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { html } from 'htm/preact';
import type { VNode } from 'preact';
import type { LoadPoint, LoadSeries } from './load-series.ts';
import type { Marker } from './pod-timeline.ts';
import { GUTTER, MarkerLines, RIGHT, TimeAxis, timeScale, WIDTH } from './svg-parts.ts';

const PANEL = 120;
const TOP = 40;
const GAP = 36;

function Panel({ y, max, unit, children }: { y: number; max: number; unit: string; children: unknown }): VNode {
  const s = scaleLinear().domain([0, max]).nice().range([y + PANEL, y]);
  return html`<g class="panel">
    ${s.ticks(4).map((v) => html`<g><line x1=${GUTTER} x2=${WIDTH - RIGHT} y1=${s(v)} y2=${s(v)} stroke="#eee" /><text x=${GUTTER - 6} y=${s(v) + 3} text-anchor="end" font-size="10" fill="#555">${`${v} ${unit}`}</text></g>`)}
    ${children}
  </g>` as VNode;
}

export function LoadSvg({ series, markers, window, label }: { series: LoadSeries; markers: readonly Marker[]; window: { start: number; end: number }; label: string }): VNode {
  const x = timeScale(Math.min(window.start, series.start), Math.max(window.end, series.end));
  const pts = series.points;
  const rateMax = Math.max(1, ...pts.map((p) => Math.max(p.ackPerS, p.nackPerS)));
  const latMax = Math.max(1, ...pts.map((p) => p.p99 ?? 0));
  const rate = scaleLinear().domain([0, rateMax]).nice().range([TOP + PANEL, TOP]);
  const y2 = TOP + PANEL + GAP;
  const lat = scaleLinear().domain([0, latMax]).nice().range([y2 + PANEL, y2]);
  const px = (p: LoadPoint) => x(new Date(p.t + series.bucketMs / 2));
  const ackLine = line<LoadPoint>().x(px).y((p) => rate(p.ackPerS))(pts) ?? '';
  const p99Line = line<LoadPoint>().defined((p) => p.p99 !== undefined).x(px).y((p) => lat(p.p99!))(pts) ?? '';
  const p50Line = line<LoadPoint>().defined((p) => p.p50 !== undefined).x(px).y((p) => lat(p.p50!))(pts) ?? '';
  const barW = Math.max(1, x(new Date(series.start + series.bucketMs)) - x(new Date(series.start)) - 1);
  const height = y2 + PANEL + 24;
  return html`<svg class="load" data-load=${label} xmlns="http://www.w3.org/2000/svg" width=${WIDTH} height=${height} viewBox=${`0 0 ${WIDTH} ${height}`} role="img" aria-label=${`k6 load ${label}: throughput and latency over time`}>
    <${TimeAxis} x=${x} y=${TOP} height=${0} />
    <${Panel} y=${TOP} max=${rateMax} unit="/s">
      ${pts.filter((p) => p.nackPerS > 0).map((p) => html`<rect class="nack" x=${x(new Date(p.t))} y=${rate(p.nackPerS)} width=${barW} height=${TOP + PANEL - rate(p.nackPerS)} fill="#d9534f" opacity="0.8"><title>${`${p.nackPerS.toFixed(1)} failed sends/s`}</title></rect>`)}
      <path class="acks" d=${ackLine} fill="none" stroke="#2e9b57" stroke-width="1.5" />
    <//>
    <text x=${GUTTER} y=${TOP - 22} font-size="11" fill="#333">acknowledged sends/s (green), failed sends/s (red)</text>
    <${Panel} y=${y2} max=${latMax} unit="ms">
      <path class="p99" d=${p99Line} fill="none" stroke="#8e44ad" stroke-width="1.5" />
      <path class="p50" d=${p50Line} fill="none" stroke="#3498db" stroke-width="1" />
    <//>
    <text x=${GUTTER} y=${y2 - 6} font-size="11" fill="#333">acknowledgement latency: p99 (purple), p50 (blue)</text>
    <${MarkerLines} x=${x} markers=${markers} y=${TOP} height=${PANEL * 2 + GAP} numbered=${false} />
  </svg>` as VNode;
}
