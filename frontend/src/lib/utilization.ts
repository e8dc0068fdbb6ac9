// Shaping utilization answers for charts: a pure module, tested on its own.
import type { components } from "@/types/api";

export type UtilizationBucket = components["schemas"]["UtilizationBucket"];
export type BucketSize = "minute" | "hour" | "day";
export type RangeKey = "hour" | "day" | "week";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const BUCKET_MS: Record<BucketSize, number> = { minute: MINUTE, hour: HOUR, day: DAY };

export const RANGES: Record<RangeKey, { label: string; bucket: BucketSize; duration: number }> = {
  hour: { label: "Hour", bucket: "minute", duration: HOUR },
  day: { label: "Day", bucket: "hour", duration: DAY },
  week: { label: "Week", bucket: "hour", duration: 7 * DAY },
};

export type UtilizationWindow = { since: string; until: string; bucket: BucketSize };

/**
 * The window for a range ending now, on bucket boundaries: `until` is the end
 * of the current bucket, so the window (and the query key) stays the same
 * for a whole bucket and the current bucket is included.
 */
export function rangeWindow(range: RangeKey, now: number = Date.now()): UtilizationWindow {
  const { bucket, duration } = RANGES[range];
  const size = BUCKET_MS[bucket];
  const until = Math.floor(now / size) * size + size;
  return {
    since: new Date(until - duration).toISOString(),
    until: new Date(until).toISOString(),
    bucket,
  };
}

/** A chosen range: one of the presets ending now, or whole days picked by date. */
export type ChartRange = { key: RangeKey } | { key: "custom"; from: string; to: string };

/**
 * The window of dates `from`..`to` (YYYY-MM-DD, local days, both included): minute
 * buckets for a day or less, hourly up to two weeks, daily beyond (the API allows
 * at most 1500 buckets). Null while the dates are missing or reversed.
 */
export function customWindow(from: string, to: string): UtilizationWindow | null {
  const since = new Date(`${from}T00:00`).getTime();
  const until = new Date(`${to}T00:00`).getTime() + DAY;
  if (Number.isNaN(since) || Number.isNaN(until) || until <= since) return null;
  const span = until - since;
  const bucket: BucketSize = span <= DAY ? "minute" : span <= 14 * DAY ? "hour" : "day";
  return { since: new Date(since).toISOString(), until: new Date(until).toISOString(), bucket };
}

/** The window to ask for; the picker only hands out valid dates, a day otherwise. */
export function chartWindow(range: ChartRange, now: number = Date.now()): UtilizationWindow {
  if (range.key !== "custom") return rangeWindow(range.key, now);
  return customWindow(range.from, range.to) ?? rangeWindow("day", now);
}

/** "last day", or "Nov 1 – Nov 3" for picked dates. */
export function rangeLabel(range: ChartRange): string {
  if (range.key !== "custom") return `last ${RANGES[range.key].label.toLowerCase()}`;
  const day = (d: string) => dayFormat.format(new Date(`${d}T00:00`));
  return range.from === range.to ? day(range.from) : `${day(range.from)} – ${day(range.to)}`;
}

export type ChartPoint = {
  /** Start of the bucket, ms since the epoch. */
  t: number;
  label: string;
  peak: number;
  avg: number;
  acquires: number;
  denials: number;
};

export type ShapedUtilization = {
  points: ChartPoint[];
  /** Highest peak in the window. */
  peak: number;
  denials: number;
  acquires: number;
  /** Top of the y axis: at least the seats bought, the peak, and 1. */
  yMax: number;
  yTicks: number[];
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });
const dayTimeFormat = new Intl.DateTimeFormat(undefined, { weekday: "short", hour: "2-digit", minute: "2-digit" });
const dayFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric" });

export function bucketLabel(t: number, bucket: BucketSize, spanMs: number): string {
  const d = new Date(t);
  if (bucket === "day") return dayFormat.format(d);
  if (spanMs > DAY) return dayTimeFormat.format(d);
  return timeFormat.format(d);
}

/** Integer ticks from 0 to a round top at or above `max`, at most ~5 of them. */
export function niceTicks(max: number): number[] {
  const top = Math.max(1, Math.ceil(max));
  const step = Math.max(1, Math.ceil(top / 4));
  const ticks: number[] = [];
  for (let v = 0; v < top + step; v += step) ticks.push(v);
  return ticks;
}

/**
 * One point per bucket of the window, oldest first. The API may leave out
 * empty buckets and may answer them out of order: missing buckets are zeros,
 * and two answers for one bucket are merged (peak by max, counts by sum).
 */
export function shapeUtilization(
  buckets: UtilizationBucket[] | undefined,
  window: UtilizationWindow,
  seatsTotal?: number | null,
): ShapedUtilization {
  const size = BUCKET_MS[window.bucket];
  const since = Math.floor(Date.parse(window.since) / size) * size;
  const until = Date.parse(window.until);
  const span = until - since;

  const byStart = new Map<number, ChartPoint>();
  for (const b of buckets ?? []) {
    const t = Math.floor(Date.parse(b.start) / size) * size;
    if (Number.isNaN(t) || t < since || t >= until) continue;
    const seen = byStart.get(t);
    if (seen) {
      seen.peak = Math.max(seen.peak, b.peak_in_use);
      seen.avg = Math.max(seen.avg, b.avg_in_use);
      seen.acquires += b.acquires;
      seen.denials += b.denials;
    } else {
      byStart.set(t, {
        t,
        label: "",
        peak: b.peak_in_use,
        avg: b.avg_in_use,
        acquires: b.acquires,
        denials: b.denials,
      });
    }
  }

  const points: ChartPoint[] = [];
  for (let t = since; t < until; t += size) {
    const p = byStart.get(t) ?? { t, label: "", peak: 0, avg: 0, acquires: 0, denials: 0 };
    p.label = bucketLabel(t, window.bucket, span);
    points.push(p);
  }

  const peak = points.reduce((m, p) => Math.max(m, p.peak), 0);
  const denials = points.reduce((s, p) => s + p.denials, 0);
  const acquires = points.reduce((s, p) => s + p.acquires, 0);
  const yTicks = niceTicks(Math.max(seatsTotal ?? 0, peak, 1));
  return { points, peak, denials, acquires, yMax: yTicks[yTicks.length - 1], yTicks };
}

/** Seats in use as a share of seats bought, 0–100, rounded. */
export function utilizationPercent(used: number, total: number): number {
  if (total <= 0) return 0;
  return Math.round((Math.min(used, total) / total) * 100);
}
