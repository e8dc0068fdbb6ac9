import { describe, expect, it } from "vitest";

import { customWindow, niceTicks, rangeWindow, shapeUtilization, utilizationPercent } from "@/lib/utilization";
import { makeBucket, type UtilizationBucket } from "@/testing/data";

const bucket = (start: string, peak: number, extra: Partial<UtilizationBucket> = {}): UtilizationBucket =>
  makeBucket(start, { peak_in_use: peak, avg_in_use: peak, ...extra });

describe("rangeWindow", () => {
  it("ends at the end of the current bucket and spans the range", () => {
    const now = Date.parse("2026-11-26T10:17:42Z");
    expect(rangeWindow("hour", now)).toEqual({ since: "2026-11-26T09:18:00.000Z", until: "2026-11-26T10:18:00.000Z", bucket: "minute" });
    expect(rangeWindow("day", now)).toEqual({ since: "2026-11-25T11:00:00.000Z", until: "2026-11-26T11:00:00.000Z", bucket: "hour" });
    expect(rangeWindow("week", now).bucket).toBe("hour");
  });

  it("stays the same within a bucket, so the query key is stable", () => {
    expect(rangeWindow("day", Date.parse("2026-11-26T10:01:00Z"))).toEqual(rangeWindow("day", Date.parse("2026-11-26T10:59:59Z")));
  });
});

describe("shapeUtilization", () => {
  const window = { since: "2026-11-26T10:00:00Z", until: "2026-11-26T10:05:00Z", bucket: "minute" as const };

  it("gives one point per bucket, filling the buckets the API left out with zeros", () => {
    const shaped = shapeUtilization([bucket("2026-11-26T10:01:00Z", 2), bucket("2026-11-26T10:03:00Z", 3)], window, 3);
    expect(shaped.points.map((p) => p.peak)).toEqual([0, 2, 0, 3, 0]);
    expect(shaped.points.map((p) => new Date(p.t).toISOString().slice(11, 16))).toEqual(["10:00", "10:01", "10:02", "10:03", "10:04"]);
  });

  it("sorts buckets that arrive out of order", () => {
    const shaped = shapeUtilization([bucket("2026-11-26T10:04:00Z", 1), bucket("2026-11-26T10:00:00Z", 2)], window);
    expect(shaped.points.map((p) => p.peak)).toEqual([2, 0, 0, 0, 1]);
  });

  it("merges two answers for one bucket: peak by max, counts by sum", () => {
    const shaped = shapeUtilization(
      [
        bucket("2026-11-26T10:02:00Z", 1, { acquires: 2, denials: 1 }),
        bucket("2026-11-26T10:02:30Z", 3, { acquires: 1, denials: 2 }),
      ],
      window,
    );
    expect(shaped.points[2]).toMatchObject({ peak: 3, acquires: 3, denials: 3 });
  });

  it("drops buckets outside the window and unparseable dates", () => {
    const shaped = shapeUtilization([bucket("2026-11-26T09:59:00Z", 9), bucket("2026-11-26T10:05:00Z", 9), bucket("nonsense", 9)], window);
    expect(shaped.peak).toBe(0);
  });

  it("totals peak, acquires and denials over the window", () => {
    const shaped = shapeUtilization(
      [bucket("2026-11-26T10:00:00Z", 3, { acquires: 3 }), bucket("2026-11-26T10:01:00Z", 3, { acquires: 1, denials: 1 })],
      window,
      3,
    );
    expect(shaped).toMatchObject({ peak: 3, acquires: 4, denials: 1 });
  });

  it("scales the y axis to the seats bought even when usage is lower", () => {
    expect(shapeUtilization([bucket("2026-11-26T10:00:00Z", 1)], window, 10).yMax).toBeGreaterThanOrEqual(10);
    expect(shapeUtilization([], window).yMax).toBe(1);
  });

  it("handles no data at all", () => {
    const shaped = shapeUtilization(undefined, window, 5);
    expect(shaped.points).toHaveLength(5);
    expect(shaped).toMatchObject({ peak: 0, denials: 0, acquires: 0 });
  });

  it("labels a week of hourly buckets with the weekday", () => {
    const week = rangeWindow("week", Date.parse("2026-11-26T10:00:00Z"));
    const shaped = shapeUtilization([], week);
    expect(shaped.points).toHaveLength(7 * 24);
    expect(shaped.points[0].label).toMatch(/[A-Za-z]/);
  });
});

describe("niceTicks", () => {
  it("gives integer ticks from 0 to at least the maximum", () => {
    expect(niceTicks(3)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(10)).toEqual([0, 3, 6, 9, 12]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});

describe("utilizationPercent", () => {
  it("is the share of seats in use, capped at 100", () => {
    expect(utilizationPercent(2, 3)).toBe(67);
    expect(utilizationPercent(5, 3)).toBe(100);
    expect(utilizationPercent(0, 0)).toBe(0);
  });
});

describe("customWindow", () => {
  it("spans whole local days, both ends included, with a bucket the API accepts", () => {
    const one = customWindow("2026-11-02", "2026-11-02")!;
    expect(Date.parse(one.until) - Date.parse(one.since)).toBe(24 * 3_600_000);
    expect(one.bucket).toBe("minute");
    expect(customWindow("2026-11-01", "2026-11-07")!.bucket).toBe("hour");
    const quarter = customWindow("2026-09-01", "2026-11-30")!;
    expect(quarter.bucket).toBe("day");
    expect(new Date(quarter.since)).toEqual(new Date("2026-09-01T00:00"));
  });

  it("is null until both dates are there and in order", () => {
    expect(customWindow("", "2026-11-02")).toBeNull();
    expect(customWindow("2026-11-03", "2026-11-02")).toBeNull();
  });
});
