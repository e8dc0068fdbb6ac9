from rest_framework import serializers

from analytics.selectors import BUCKETS


class UtilizationQuerySerializer(serializers.Serializer):
    bucket = serializers.ChoiceField(choices=list(BUCKETS), default="hour")
    since = serializers.DateTimeField(
        required=False,
        help_text="Start (ISO 8601), rounded down to a bucket boundary. Default: one hour, "
        "one day or 30 days before `until` for minute, hour or day buckets.",
    )
    until = serializers.DateTimeField(
        required=False, help_text="End (ISO 8601); default and at most: now."
    )


class OrgUtilizationQuerySerializer(UtilizationQuerySerializer):
    project = serializers.UUIDField(required=False, help_text="Only this project's sessions.")


class BreakdownQuerySerializer(serializers.Serializer):
    by = serializers.ChoiceField(choices=["project", "user"])
    since = serializers.DateTimeField(
        required=False,
        help_text="Start (ISO 8601); default 30 days before `until`, on the hour.",
    )
    until = serializers.DateTimeField(
        required=False, help_text="End (ISO 8601); default and at most: now."
    )


class UtilizationBucketSerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    peak_in_use = serializers.IntegerField(help_text="Most seats held at any instant.")
    avg_in_use = serializers.FloatField(
        help_text="Time-weighted mean of seats held (over the elapsed part of the bucket)."
    )
    seat_seconds = serializers.FloatField()
    acquires = serializers.IntegerField(help_text="New sessions started.")
    denials = serializers.IntegerField(help_text="Acquires refused: every seat in use.")


class UtilizationTotalsSerializer(serializers.Serializer):
    acquires = serializers.IntegerField()
    denials = serializers.IntegerField()
    releases = serializers.IntegerField()
    expiries = serializers.IntegerField()
    revocations = serializers.IntegerField()
    sessions = serializers.IntegerField(help_text="Sessions that held a seat in the window.")
    seat_seconds = serializers.FloatField()


class UtilizationSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    bucket_seconds = serializers.IntegerField()
    seats_total = serializers.IntegerField(help_text="Seats bought now (current licenses).")
    peak_in_use = serializers.IntegerField()
    peak_at = serializers.DateTimeField(allow_null=True)
    totals = UtilizationTotalsSerializer()
    buckets = UtilizationBucketSerializer(many=True)


class BreakdownGroupSerializer(serializers.Serializer):
    key = serializers.UUIDField(
        allow_null=True, help_text="Project or user id; null for sessions without one."
    )
    name = serializers.CharField(allow_null=True, help_text="Project name or user email.")
    seat_seconds = serializers.FloatField()
    sessions = serializers.IntegerField()
    peak_in_use = serializers.IntegerField()


class BreakdownSerializer(serializers.Serializer):
    by = serializers.CharField()
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    groups = BreakdownGroupSerializer(many=True)


class WindowQuerySerializer(serializers.Serializer):
    since = serializers.DateTimeField(required=False, help_text="Start (ISO 8601), inclusive.")
    until = serializers.DateTimeField(required=False, help_text="End (ISO 8601), exclusive.")


class DenialQuerySerializer(WindowQuerySerializer):
    license = serializers.UUIDField(required=False)


class DenialPersonSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    email = serializers.EmailField()


class DenialSerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    license = serializers.UUIDField(source="license_id")
    license_name = serializers.CharField(allow_null=True)
    person = DenialPersonSerializer(
        allow_null=True, help_text="Who was refused; null for a license-key machine."
    )
    seats_used = serializers.IntegerField(help_text="Seats in use when it was refused.")


class PolicyUseQuerySerializer(serializers.Serializer):
    since = serializers.DateTimeField(
        required=False, help_text="Start (ISO 8601), on a day boundary; default 30 days ago."
    )
    until = serializers.DateTimeField(
        required=False, help_text="End (ISO 8601); default and at most: now."
    )


class OverageDaySerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    peak = serializers.IntegerField(help_text="Most seats past seats_total at once.")
    seat_hours = serializers.FloatField(help_text="Seat-hours past seats_total.")


class ProjectUseDaySerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    peak_in_use = serializers.IntegerField()
    seat_hours = serializers.FloatField()


class ProjectUseSerializer(serializers.Serializer):
    project = serializers.UUIDField(allow_null=True, help_text="The rule's project, or null.")
    group = serializers.UUIDField(
        allow_null=True, help_text="The rule's group of people, or null (a project's rule)."
    )
    slug = serializers.CharField()
    reserved = serializers.IntegerField()
    cap = serializers.IntegerField(allow_null=True)
    peak_in_use = serializers.IntegerField()
    seat_hours = serializers.FloatField()
    days = ProjectUseDaySerializer(many=True)


class PolicyUseSerializer(serializers.Serializer):
    since = serializers.DateTimeField()
    until = serializers.DateTimeField()
    seats_total = serializers.IntegerField()
    overage_allowance = serializers.IntegerField()
    overage_seat_hours = serializers.FloatField(help_text="The period's total.")
    overage_peak = serializers.IntegerField()
    overage_days = OverageDaySerializer(many=True)
    projects = ProjectUseSerializer(many=True)


class WaitsQuerySerializer(serializers.Serializer):
    days = serializers.IntegerField(
        required=False, default=30, min_value=1, max_value=366, help_text="UTC days, today last."
    )


class WaitDaySerializer(serializers.Serializer):
    day = serializers.DateField()
    granted = serializers.IntegerField(help_text="Waits that ended with a seat.")
    cancelled = serializers.IntegerField(help_text="Waits the client gave up (cancelled).")
    denials = serializers.IntegerField(help_text="Refused acquires, joins of the line included.")
    p50 = serializers.FloatField(allow_null=True, help_text="Seconds; median wait for a seat.")
    p95 = serializers.FloatField(allow_null=True, help_text="Seconds; 95th percentile.")
    longest = serializers.FloatField(allow_null=True, help_text="Seconds.")


class WaitsSerializer(serializers.Serializer):
    license = serializers.UUIDField()
    since = serializers.DateTimeField()
    days = WaitDaySerializer(many=True, help_text="Days with any wait or denial, oldest first.")
