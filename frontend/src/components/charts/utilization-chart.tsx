import { useId } from "react";

import { cn } from "@/components/ui/cn";
import { RANGES, type RangeKey, type ShapedUtilization } from "@/lib/utilization";

const W = 1000;
const H = 200;
const DENIAL_H = 36;

/** Range buttons (hour / day / week) as a labelled toggle group. */
export function RangePicker({ value, onChange }: { value: RangeKey; onChange: (range: RangeKey) => void }) {
  return (
    <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 shadow-sm">
      {(Object.keys(RANGES) as RangeKey[]).map((key) => (
        <button
          key={key}
          type="button"
          aria-pressed={value === key}
          onClick={() => onChange(key)}
          className={cn(
            "rounded px-3 py-1 text-sm font-medium",
            value === key ? "bg-brand-600 text-white" : "text-slate-700 hover:bg-slate-100",
          )}
        >
          {RANGES[key].label}
        </button>
      ))}
    </div>
  );
}

/**
 * Seats in use over time (peak per bucket as bars, average as a line, seats
 * bought as a dashed line) with denials in a strip below. Drawn in SVG that
 * stretches to the width; labels are HTML so they never stretch. The numbers
 * are also in a table for screen readers and keyboard users.
 */
export function UtilizationChart({
  data,
  seatsTotal,
  title,
}: {
  data: ShapedUtilization;
  seatsTotal?: number | null;
  title: string;
}) {
  const id = useId();
  const { points, yMax, yTicks } = data;
  const n = Math.max(points.length, 1);
  const slot = W / n;
  const barW = Math.max(slot * 0.7, 0.5);
  const y = (v: number) => H - (v / yMax) * H;
  const maxDenials = Math.max(1, ...points.map((p) => p.denials));
  const avgPath = points
    .map((p, i) => `${i === 0 ? "M" : "L"}${(i + 0.5) * slot},${y(p.avg)}`)
    .join(" ");
  const labelEvery = Math.max(1, Math.ceil(n / 6));
  const summary = `${title}: peak ${data.peak}${seatsTotal ? ` of ${seatsTotal}` : ""} seats in use, ${data.denials} denied acquire${data.denials === 1 ? "" : "s"}.`;

  return (
    <figure aria-labelledby={`${id}-caption`} className="w-full">
      <figcaption id={`${id}-caption`} className="sr-only">
        {summary}
      </figcaption>
      <div className="flex gap-2" aria-hidden="true">
        <div className="flex w-8 shrink-0 flex-col-reverse justify-between text-right text-xs text-slate-500" style={{ height: H }}>
          {yTicks.map((t) => (
            <span key={t} className="-my-2 leading-4">
              {t}
            </span>
          ))}
        </div>
        <div className="min-w-0 flex-1">
          <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" className="block w-full" style={{ height: H }}>
            {yTicks.map((t) => (
              <line key={t} x1={0} x2={W} y1={y(t)} y2={y(t)} stroke="#e2e8f0" vectorEffect="non-scaling-stroke" />
            ))}
            {points.map((p, i) => (
              <rect
                key={p.t}
                x={i * slot + (slot - barW) / 2}
                y={y(p.peak)}
                width={barW}
                height={H - y(p.peak)}
                fill="#818cf8"
              >
                <title>{`${p.label}: peak ${p.peak}, average ${p.avg.toFixed(1)}, ${p.denials} denied`}</title>
              </rect>
            ))}
            {points.length > 1 && (
              <path d={avgPath} fill="none" stroke="#312e81" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />
            )}
            {seatsTotal ? (
              <line
                x1={0}
                x2={W}
                y1={y(seatsTotal)}
                y2={y(seatsTotal)}
                stroke="#0f172a"
                strokeDasharray="6 4"
                strokeWidth={1.5}
                vectorEffect="non-scaling-stroke"
              />
            ) : null}
          </svg>
          <svg viewBox={`0 0 ${W} ${DENIAL_H}`} preserveAspectRatio="none" className="mt-1 block w-full" style={{ height: DENIAL_H }}>
            <rect x={0} y={0} width={W} height={DENIAL_H} fill="#fef2f2" />
            {points.map((p, i) =>
              p.denials > 0 ? (
                <rect
                  key={p.t}
                  x={i * slot + (slot - barW) / 2}
                  y={DENIAL_H - (p.denials / maxDenials) * DENIAL_H}
                  width={barW}
                  height={(p.denials / maxDenials) * DENIAL_H}
                  fill="#dc2626"
                />
              ) : null,
            )}
          </svg>
          <div className="relative mt-1 h-4 text-xs text-slate-500">
            {points.map((p, i) =>
              i % labelEvery === 0 ? (
                <span
                  key={p.t}
                  // On a phone every other label, so they never overlap.
                  className={cn("absolute -translate-x-1/2 whitespace-nowrap", (i / labelEvery) % 2 === 1 && "max-sm:hidden")}
                  style={{ left: `${((i + 0.5) / n) * 100}%` }}
                >
                  {p.label}
                </span>
              ) : null,
            )}
          </div>
        </div>
      </div>
      <ul className="mt-3 flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-600" aria-hidden="true">
        <li className="flex items-center gap-1"><span className="inline-block size-3 rounded-sm bg-indigo-400" /> Peak in use</li>
        <li className="flex items-center gap-1"><span className="inline-block h-0.5 w-4 bg-indigo-900" /> Average</li>
        {seatsTotal ? <li className="flex items-center gap-1"><span className="inline-block w-4 border-t-2 border-dashed border-slate-900" /> Seats</li> : null}
        <li className="flex items-center gap-1"><span className="inline-block size-3 rounded-sm bg-red-600" /> Denied</li>
      </ul>
      <details className="mt-2 text-sm">
        <summary className="cursor-pointer text-slate-600">Show the numbers</summary>
        <div className="mt-2 max-h-64 overflow-auto">
          <table className="min-w-full text-xs">
            <caption className="sr-only">{title}</caption>
            <thead>
              <tr className="text-left text-slate-600">
                <th scope="col" className="pr-4">Time</th>
                <th scope="col" className="pr-4">Peak in use</th>
                <th scope="col" className="pr-4">Average</th>
                <th scope="col" className="pr-4">Acquires</th>
                <th scope="col">Denied</th>
              </tr>
            </thead>
            <tbody>
              {points.map((p) => (
                <tr key={p.t}>
                  <td className="pr-4">{p.label}</td>
                  <td className="pr-4">{p.peak}</td>
                  <td className="pr-4">{p.avg.toFixed(1)}</td>
                  <td className="pr-4">{p.acquires}</td>
                  <td>{p.denials}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
