"""The seat endpoints' fast input path accepts exactly what the serializers accept,
with the same values, and leaves every error to them; what the API's JSON parser lets
through to either can be stored and served back."""

import io
import json
import math
import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer

from core.parsers import JSONParser
from licenses.api import fast_path
from licenses.api import serializers as s

TEXT = st.one_of(
    st.text(max_size=140),
    st.text(alphabet=st.characters(codec="ascii"), max_size=140),
    st.sampled_from(["", " ", " lap top ", "\x00", "a\tb", "\u202eevil", "x" * 128, "x" * 129]),
    st.integers(),
    st.none(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
)
INFO = st.one_of(
    st.dictionaries(st.text(max_size=8), st.text(max_size=40), max_size=22),
    st.dictionaries(st.text(max_size=4), st.text(min_size=200, max_size=300), max_size=10),
    st.none(),
    st.text(max_size=4),
)
FIELDS = ("license_key", "hardware_id", "client_instance", "client_info")


def outcome(parse, data):
    try:
        return "ok", parse(data)
    except ValidationError as exc:
        return "error", exc.detail


def by_serializer(serializer):
    def parse(data):
        checked = serializer(data=data)
        checked.is_valid(raise_exception=True)
        return dict(checked.validated_data)

    return parse


@settings(max_examples=400, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "license_key": TEXT,
            "hardware_id": TEXT,
            "client_instance": TEXT,
            "client_info": INFO,
            "wait": st.one_of(st.booleans(), TEXT, st.integers(-2, 2), st.none()),
            "extra": TEXT,
        },
    )
)
def test_acquire_input_is_the_serializers(data):
    assert outcome(fast_path.acquire_input, data) == outcome(
        by_serializer(s.AcquireInputSerializer), data
    )


@settings(max_examples=400, deadline=None)
@given(
    st.fixed_dictionaries(
        {},
        optional={
            "license_id": st.one_of(st.uuids().map(str), TEXT),
            "hardware_id": TEXT,
            "client_instance": TEXT,
            "client_info": INFO,
            "wait": st.one_of(st.booleans(), TEXT, st.integers(-2, 2), st.none()),
            "license_key": TEXT,
            "extra": TEXT,
        },
    )
)
def test_person_acquire_input_is_the_serializers(data):
    assert outcome(fast_path.person_acquire_input, data) == outcome(
        by_serializer(s.PersonAcquireInputSerializer), data
    )


EDGES = ["", " ", "\t", " a ", "a\tb", "\x00", "\x7f", "é", "\ud800", "\u202e", 7, None, [], {}]
LIMITS = {"license_key": 128, "hardware_id": 128, "client_instance": 64}
VALID = {"license_key": "lic_abc", "hardware_id": "laptop", "client_instance": "ide"}


@pytest.mark.parametrize("field", FIELDS)
def test_each_field_at_its_edges(field):
    """One field off a valid body at a time: lengths around the limit, blanks, control
    and non-ASCII characters, other JSON types, absent."""
    limit = LIMITS.get(field, 0)
    values = [*EDGES, *("x" * n for n in (limit - 1, limit, limit + 1) if limit)]
    if field == "client_info":
        values += [{str(n): "v" for n in range(k)} for k in (20, 21)]
        values += [{"k": "v" * n} for n in (2030, 2040, 2050)]
    bodies = [{**VALID, field: value} for value in values]
    bodies.append({k: v for k, v in VALID.items() if k != field})
    for body in bodies:
        expected = outcome(by_serializer(s.AcquireInputSerializer), body)
        assert outcome(fast_path.acquire_input, body) == expected, body


@pytest.mark.parametrize("data", [[], "text", None, 3, {"license_key": "k"}])
def test_acquire_bodies_that_are_not_objects_get_the_serializers_errors(data):
    assert outcome(fast_path.acquire_input, data) == outcome(
        by_serializer(s.AcquireInputSerializer), data
    )


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(
        st.builds(lambda u, t: {"session_id": str(u), "session_secret": t}, st.uuids(), TEXT),
        st.builds(lambda u: {"session_id": u.hex.upper(), "session_secret": "sks_1"}, st.uuids()),
        st.builds(lambda u: {"session_id": str(u)}, st.uuids()),
        st.fixed_dictionaries({"session_id": TEXT, "session_secret": TEXT}),
        st.fixed_dictionaries(
            {"session_id": st.uuids().map(str)},
            optional={"session_secret": st.one_of(TEXT, st.integers(), st.none())},
        ),
        st.fixed_dictionaries({}, optional={"other": TEXT}),
        st.none(),
        st.lists(st.integers(), max_size=2),
    )
)
def test_session_input_is_the_serializers(data):
    def serializer(body):
        checked = by_serializer(s.SessionInputSerializer)(body)
        return str(checked["session_id"]), checked["session_secret"]

    assert outcome(fast_path.session_input, data) == outcome(serializer, data)


def test_the_fast_path_is_taken_for_plain_bodies(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("serializer instantiated")

    monkeypatch.setattr(s.AcquireInputSerializer, "__init__", refuse)
    monkeypatch.setattr(s.SessionInputSerializer, "__init__", refuse)
    body = {"license_key": " lic_abc ", "hardware_id": "laptop-1", "client_info": {"v": "1"}}
    assert fast_path.acquire_input(body) == {
        "license_key": "lic_abc",
        "hardware_id": "laptop-1",
        "client_instance": "",
        "client_info": {"v": "1"},
        "wait": False,
        "project": "",
    }
    assert fast_path.acquire_input({**body, "wait": True})["wait"] is True
    monkeypatch.setattr(s.PersonAcquireInputSerializer, "__init__", refuse)
    person = {"hardware_id": "laptop-1", "license_id": str(uuid.UUID(int=7)), "wait": True}
    assert fast_path.person_acquire_input(person) == {
        "license_id": uuid.UUID(int=7),
        "hardware_id": "laptop-1",
        "client_instance": "",
        "client_info": {},
        "wait": True,
    }
    assert fast_path.person_acquire_input({"hardware_id": "pc"})["wait"] is False
    session_id = str(uuid.uuid4())
    proof = {"session_id": session_id, "session_secret": "sks_secret"}
    assert fast_path.session_input(proof) == (session_id, "sks_secret")


# Any text, lone surrogates and NUL included, and any number, non-finite included.
ANY_TEXT = st.text(
    st.one_of(st.characters(), st.characters(categories=["Cs"]), st.just("\x00")), max_size=6
)
UNSTORABLE = st.sampled_from(["\udfff", "ok\ud800", "a\x00", math.inf, -math.inf, math.nan])
ANY_JSON = st.recursive(
    st.one_of(ANY_TEXT, UNSTORABLE, st.floats(), st.integers(), st.booleans(), st.none()),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(ANY_TEXT, inner, max_size=3),
    max_leaves=8,
)


def storable(value) -> bool:
    if isinstance(value, str):
        return "\x00" not in value and not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(storable(k) and storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(storable(v) for v in value)
    return True


@settings(max_examples=400, deadline=None)
@given(
    st.fixed_dictionaries(
        {"license_key": st.just("lic_abc"), "hardware_id": st.one_of(st.just("laptop"), ANY_TEXT)},
        optional={
            "client_info": st.one_of(st.dictionaries(ANY_TEXT, ANY_JSON, max_size=4), ANY_JSON),
            "extra": ANY_JSON,
        },
    )
)
def test_parsed_acquire_bodies_are_refused_or_storable_and_both_paths_agree(body):
    """A client's body as JSON text (unstorable characters as escapes, non-finite numbers
    as NaN/Infinity literals): the parser refuses it, naming one field, exactly when it
    holds something unstorable; what it lets through gets the same outcome on the fast
    path and the serializer, and renders as strict JSON."""
    raw = json.dumps(body).encode()
    try:
        data = JSONParser().parse(io.BytesIO(raw), "application/json", {"encoding": "utf-8"})
    except ValidationError as exc:
        assert not storable(body)
        assert len(exc.detail) == 1
        return
    assert storable(body)
    result = outcome(fast_path.acquire_input, data)
    assert result == outcome(by_serializer(s.AcquireInputSerializer), data)
    if result[0] == "ok":
        assert json.loads(JSONRenderer().render(result[1])) == result[1]
