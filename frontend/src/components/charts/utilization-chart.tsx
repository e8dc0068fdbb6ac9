import { useId, useState } from "react";
import { Bar, BarChart, CartesianGrid, ComposedChart, Line, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis, type TooltipContentProps } from "recharts";
import type { NameType, ValueType } from "recharts/types/component/DefaultTooltipContent";

import { cn } from "@/components/ui/cn";
import { customWindow, RANGES, type ChartPoint, type ChartRange, type RangeKey, type ShapedUtilization } from "@/lib/utilization";

const H = 200;
const DENIAL_H = 48;
// Before the first measurement (and in tests, which lay nothing out) the chart
// draws at this size instead of warning about a zero-sized box.
const INITIAL = { width: 600, height: H };
const SYNC = "utilization";

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function DateInput({ id, label, value, min, max, onChange }: { id: string; label: string; value: string; min?: string; max?: string; onChange: (value: string) => void }) {
  return (
    <>
      <label htmlFor={id} className="text-slate-600">
        {label}
      </label>
      <input
        id={id}
        type="date"
        value={value}
        min={min || undefined}
        max={max || undefined}
        onChange={(e) => onChange(e.target.value)}
        className="rounded-md border border-slate-300 px-2 py-1"
      />
    </>
  );
}

/** Range buttons (hour / day / week) and a custom span of dates, as one labelled group. */
export function RangePicker({ value, onChange }: { value: ChartRange; onChange: (range: ChartRange) => void }) {
  const [custom, setCustom] = useState(() => (value.key === "custom" ? { from: value.from, to: value.to } : { from: today(), to: today() }));
  const id = useId();
  const pick = (next: { from: string; to: string }) => {
    setCustom(next);
    if (customWindow(next.from, next.to)) onChange({ key: "custom", ...next });
  };
  const button = (active: boolean) =>
    cn("rounded px-3 py-1 text-sm font-medium", active ? "bg-brand-600 text-white" : "text-slate-700 hover:bg-slate-100");
  return (
    <div className="flex flex-wrap items-center gap-2">
      <div role="group" aria-label="Time range" className="inline-flex rounded-md border border-slate-300 bg-white p-0.5 shadow-sm">
        {(Object.keys(RANGES) as RangeKey[]).map((key) => (
          <button key={key} type="button" aria-pressed={value.key === key} onClick={() => onChange({ key })} className={button(value.key === key)}>
            {RANGES[key].label}
          </button>
        ))}
        <button type="button" aria-pressed={value.key === "custom"} onClick={() => pick(custom)} className={button(value.key === "custom")}>
          Dates
        </button>
      </div>
      {value.key === "custom" && (
        <div className="flex flex-wrap items-center gap-2 text-sm">
          <DateInput id={`${id}-from`} label="From" value={custom.from} max={custom.to} onChange={(from) => pick({ ...custom, from })} />
          <DateInput id={`${id}-to`} label="to" value={custom.to} min={custom.from} onChange={(to) => pick({ ...custom, to })} />
        </div>
      )}
    </div>
  );
}

/** The values of the bucket under the pointer. */
function BucketTooltip({ active, payload }: TooltipContentProps<ValueType, NameType>) {
  const point = payload?.[0]?.payload as ChartPoint | undefined;
  if (!active || !point) return null;
  return (
    <div className="rounded-md border border-slate-200 bg-white px-3 py-2 text-xs shadow-md" data-testid="chart-tooltip">
      <p className="mb-1 font-medium text-slate-900">{point.label}</p>
      <p>Peak in use: <span className="font-semibold tabular-nums">{point.peak}</span></p>
      <p>Average: <span className="font-semibold tabular-nums">{point.avg.toFixed(1)}</span></p>
      <p>Acquires: <span className="font-semibold tabular-nums">{point.acquires}</span></p>
      <p>Denied: <span className="font-semibold tabular-nums">{point.denials}</span></p>
    </div>
  );
}

/**
 * Seats in use over time (peak per bucket as bars, average as a line, seats
 * bought as a dashed line) with denials in a strip below, drawn by Recharts;
 * hovering a bucket shows its values. The chart is for the eye: the same numbers
 * are in a table for screen readers and keyboard users.
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
  const summary = `${title}: peak ${data.peak}${seatsTotal ? ` of ${seatsTotal}` : ""} seats in use, ${data.denials} denied acquire${data.denials === 1 ? "" : "s"}.`;
  const axis = { fontSize: 12, fill: "#64748b" };

  return (
    <figure aria-labelledby={`${id}-caption`} className="w-full">
      <figcaption id={`${id}-caption`} className="sr-only">
        {summary}
      </figcaption>
      <div aria-hidden="true" data-testid="utilization-chart">
        <ResponsiveContainer width="100%" height={H} initialDimension={INITIAL}>
          <ComposedChart data={points} syncId={SYNC} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <CartesianGrid vertical={false} stroke="#e2e8f0" />
            <XAxis dataKey="label" hide />
            <YAxis domain={[0, yMax]} ticks={yTicks} allowDecimals={false} width={32} tick={axis} axisLine={false} tickLine={false} />
            <Tooltip content={BucketTooltip} cursor={{ fill: "#eef2ff" }} isAnimationActive={false} />
            <Bar dataKey="peak" name="Peak in use" fill="#818cf8" isAnimationActive={false} />
            {points.length > 1 && <Line dataKey="avg" name="Average" stroke="#312e81" strokeWidth={1.5} dot={false} isAnimationActive={false} />}
            {seatsTotal ? <ReferenceLine y={seatsTotal} stroke="#0f172a" strokeDasharray="6 4" strokeWidth={1.5} /> : null}
          </ComposedChart>
        </ResponsiveContainer>
        <ResponsiveContainer width="100%" height={DENIAL_H} initialDimension={{ width: INITIAL.width, height: DENIAL_H }}>
          <BarChart data={points} syncId={SYNC} margin={{ top: 4, right: 8, bottom: 0, left: 0 }} accessibilityLayer={false}>
            <XAxis dataKey="label" tick={axis} interval="preserveStartEnd" minTickGap={24} axisLine={false} tickLine={false} height={20} />
            <YAxis width={32} hide />
            <Tooltip content={() => null} cursor={{ fill: "#fef2f2" }} isAnimationActive={false} />
            <Bar dataKey="denials" name="Denied" fill="#dc2626" isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
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
