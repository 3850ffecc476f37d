import type { RequestRate } from '../api';
import { chartData } from './chart-data';
import { formatRate } from './format';

const WIDTH = 600;
const HEIGHT = 120;

/** Requests per second over the last minutes, as a line over its area (plain SVG). */
export function RequestChart({ rate, minutes }: { readonly rate: RequestRate; readonly minutes: number }) {
  const data = chartData(rate.perSecond, WIDTH, HEIGHT);
  const summary = `Requests per second over the last ${minutes} minutes: average ${formatRate(data.average)}, peak ${formatRate(data.peak)}.`;
  return (
    <figure className="wm-chart">
      <figcaption className="wm-chart__caption">
        <span>Requests per second, last {minutes} min</span>
        <span>
          average <strong>{formatRate(data.average)}</strong> · peak <strong>{formatRate(data.peak)}</strong>
        </span>
      </figcaption>
      <div className="wm-chart__plot">
        <span className="wm-chart__axis wm-chart__axis--top" aria-hidden="true">
          {data.max}
        </span>
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-label={summary}>
          <line x1="0" y1={HEIGHT / 2} x2={WIDTH} y2={HEIGHT / 2} className="wm-chart__grid" />
          <path d={data.area} className="wm-chart__area" />
          <path d={data.line} className="wm-chart__line" vectorEffect="non-scaling-stroke" />
        </svg>
        <span className="wm-chart__axis wm-chart__axis--bottom" aria-hidden="true">
          0
        </span>
      </div>
      <div className="wm-chart__times" aria-hidden="true">
        <span>−{minutes} min</span>
        <span>now</span>
      </div>
    </figure>
  );
}
