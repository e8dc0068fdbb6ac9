"""The arithmetic of utilization: windows, buckets, peaks and time-weighted averages."""

from datetime import UTC, datetime, timedelta

import pytest

from analytics.selectors import (
    SECOND,
    AnalyticsWindowInvalid,
    Bucket,
    Interval,
    timeline,
    us,
    window_resolve,
)

T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
S = SECOND


def interval(start_s: float, end_s: float) -> Interval:
    return Interval(None, int(start_s * S), int(end_s * S), None, None, None)


def test_peaks_and_areas_per_bucket():
    # Three sessions over two 10 s buckets: [1, 4), [2, 12), [8, 20).
    buckets = timeline([interval(1, 4), interval(2, 12), interval(8, 20)], 0, 20 * S, 10 * S)
    assert buckets == [
        # level 0 until 1, 1 until 2, 2 until 4, 1 until 8, 2 until 10:
        # area = 1*1 + 2*2 + 1*4 + 2*2 = 13 seat-seconds; peak 2 first at 2 s.
        Bucket(0, 10 * S, 2, 2 * S, 13 * S),
        # level 2 until 12, then 1 until 20: area = 2*2 + 1*8 = 12; peak 2 at the start.
        Bucket(10 * S, 20 * S, 2, 10 * S, 12 * S),
    ]


def test_an_end_and_a_start_at_one_instant_are_not_a_peak():
    buckets = timeline([interval(0, 5), interval(5, 10)], 0, 10 * S, 10 * S)
    assert buckets == [Bucket(0, 10 * S, 1, 0, 10 * S)]


def test_the_last_bucket_may_be_partial():
    buckets = timeline([interval(0, 15)], 0, 15 * S, 10 * S)
    assert [(b.start, b.end, b.area) for b in buckets] == [
        (0, 10 * S, 10 * S),
        (10 * S, 15 * S, 5 * S),
    ]


def test_empty_windows_and_zero_length_sessions():
    assert timeline([], 0, 0, 10 * S) == []
    assert timeline([interval(3, 3)], 0, 10 * S, 10 * S) == [Bucket(0, 10 * S, 0, 0, 0)]


def test_since_is_rounded_down_to_a_bucket_and_the_end_is_capped_at_now():
    now = T0 + timedelta(minutes=30)
    window = window_resolve(
        since=T0 + timedelta(minutes=7, seconds=3),
        until=T0 + timedelta(hours=5),
        now=now,
        bucket="hour",
    )
    assert window.since == us(T0) and window.end == us(now) and window.bucket == 3600 * S


@pytest.mark.parametrize(
    ("bucket", "span"), [("minute", timedelta(hours=1)), ("hour", timedelta(days=1))]
)
def test_default_spans(bucket, span):
    window = window_resolve(since=None, until=T0, now=T0, bucket=bucket)
    assert window.since == us(T0 - span) and window.end == us(T0)


def test_it_bounds_the_number_of_buckets():
    since = T0 - timedelta(minutes=1500)
    assert window_resolve(since=since, until=T0, now=T0, bucket="minute").since == us(since)
    with pytest.raises(AnalyticsWindowInvalid) as refused:
        window_resolve(since=since - timedelta(minutes=1), until=T0, now=T0, bucket="minute")
    assert "bucket" in refused.value.details["fields"]


def test_it_refuses_an_empty_or_reversed_window():
    # (With buckets, ``since`` first rounds down, so only a reversed window is empty.)
    with pytest.raises(AnalyticsWindowInvalid):
        window_resolve(since=T0, until=T0 - timedelta(hours=2), now=T0, bucket="hour")
    with pytest.raises(AnalyticsWindowInvalid):
        window_resolve(since=T0, until=T0, now=T0)
    with pytest.raises(AnalyticsWindowInvalid):
        window_resolve(since=T0, until=T0 - timedelta(days=1), now=T0)


def test_an_unbucketed_window_spans_at_most_366_days():
    window_resolve(since=T0 - timedelta(days=366), until=T0, now=T0)
    with pytest.raises(AnalyticsWindowInvalid):
        window_resolve(since=T0 - timedelta(days=367), until=T0, now=T0)
