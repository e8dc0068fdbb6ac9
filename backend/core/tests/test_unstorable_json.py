"""Values that could not be stored and served back are refused at the door (issue #14):
lone surrogates (in strings and in keys), NUL and non-finite numbers, anywhere in any
body of any endpoint, as a 400 ``validation_error`` naming their path."""

import io
import json

import pytest
from django.contrib.auth import get_user_model
from django_scopes import scope
from drf_spectacular.generators import SchemaGenerator
from rest_framework.exceptions import ValidationError

from core import parsers
from core.actor import Actor
from core.parsers import JSONParser
from core.ratelimit import FixedWindowThrottle
from core.tests import test_tenant_isolation as isolation
from licenses.services import license_create
from tests.fixtures.world import client_for

pytestmark = pytest.mark.sqlite


@pytest.fixture(autouse=True)
def limits_out_of_the_way(monkeypatch):
    """The sweep sends each body many times: the login, register and reset limits
    (counted in Redis or in the database, for every process) would answer 429 first."""
    monkeypatch.setattr(FixedWindowThrottle, "rate", "1000000/min")


# Organization A with one of everything, and the path parameters filled from it.
world = isolation.world
fill = isolation.fill

SURROGATE = "Surrogate characters are not allowed: U+{}."
NUL = "Null characters are not allowed."
NON_FINITE = "Numbers must be finite: no NaN, Infinity or overflowing values such as 1e999."


def parse(body: str | bytes, encoding: str = "utf-8"):
    raw = body.encode(encoding) if isinstance(body, str) else body
    return JSONParser().parse(io.BytesIO(raw), "application/json", {"encoding": encoding})


def refusal(body: str | bytes, encoding: str = "utf-8") -> dict:
    with pytest.raises(ValidationError) as caught:
        parse(body, encoding)
    return caught.value.detail


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ('{"k": "\\udfff"}', "k", SURROGATE.format("DFFF")),
        ('{"k": "ok\\uD800"}', "k", SURROGATE.format("D800")),
        ('{"k": "\\udc00\\ud800"}', "k", SURROGATE.format("DC00")),
        ('{"k": "\\ud83d\\ude00", "l": "\\ud83d"}', "l", SURROGATE.format("D83D")),
        ('{"\\udfff": 1}', "\\udfff", SURROGATE.format("DFFF")),
        ('{"a": {"b\\udfffc": null}}', "a.b\\udfffc", SURROGATE.format("DFFF")),
        ('{"k": "a\\u0000b"}', "k", NUL),
        ('{"a\\u0000": 1}', "a\\u0000", NUL),
        ('{"k": 1e999}', "k", NON_FINITE),
        ('{"k": -1e999}', "k", NON_FINITE),
        ('{"k": 1' + "0" * 400 + ".5}", "k", NON_FINITE),
        ('{"k": NaN}', "k", NON_FINITE),
        ('{"k": Infinity}', "k", NON_FINITE),
        ('{"k": [-Infinity]}', "k.0", NON_FINITE),
        ('{"a": [1, {"b": [null, "\\udfff"]}]}', "a.1.b.1", SURROGATE.format("DFFF")),
        ('[0, "\\u0000"]', "1", NUL),
        ('"\\udfff"', "non_field_errors", SURROGATE.format("DFFF")),
        ('{"a": "\\udfff", "b": 1e999}', "a", SURROGATE.format("DFFF")),
        ('{"a": 1e999, "b": "\\udfff"}', "a", NON_FINITE),
    ],
)
def test_the_parser_names_the_first_unstorable_value(body, path, message):
    assert refusal(body) == {path: [message]}


@pytest.mark.parametrize(
    "body",
    [
        '{"k": "\\ud83d\\ude00 \\u00e9 \\uD7FF \\uE000 \\uFFFF"}',
        '{"k": "\\\\ud800 \\\\u0000"}',
        '{"Zoë": "MacBook 😀"}',
        '{"n": [1.7976931348623157e308, -1e308, 1e-999, 12345678901234567890123]}',
        '{"k": "tab\\t and \\u001f are JSON text"}',
    ],
)
def test_the_parser_keeps_everything_storable(body):
    assert parse(body) == json.loads(body)


def test_a_charset_that_decodes_to_a_surrogate_is_refused_too():
    assert refusal(b'{"k": "+2D8-"}', "utf-7") == {"k": [SURROGATE.format("D83F")]}
    assert refusal(b'{"k": "\\\\udfff"}', "unicode_escape") == {"k": [SURROGATE.format("DFFF")]}
    assert parse('{"k": "Zoë 😀"}', "utf-16") == {"k": "Zoë 😀"}


def test_a_plain_body_is_not_walked(monkeypatch):
    """The hot path's bodies cost one substring search, never the walk."""

    def walk(data):
        raise AssertionError("walked")

    monkeypatch.setattr(parsers, "refuse_unstorable", walk)
    for body in (
        '{"license_key": "lic_abc", "hardware_id": "laptop", "client_info": {"v": 1.5}}',
        '{"license_key": "lic_abc", "hardware_id": "laptop", "client_info": {"host": "Zoë"}}',
        '{"client_info": {"host": "Zo\\u00eb", "path": "C:\\\\Users"}}',
    ):
        assert parse(body) == json.loads(body)


def body_operations() -> list[tuple[str, str, str, list[str]]]:
    """(method, path, operation id, writable body fields) of every operation with a body."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    components = schema["components"]["schemas"]
    found = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            properties = _properties(content["application/json"]["schema"], components)
            fields = [n for n, p in properties.items() if not p.get("readOnly")]
            found.append((method.upper(), path, operation["operationId"], fields))
    return found


def _properties(schema: dict, components: dict) -> dict:
    """A body's properties; a body of several shapes (``oneOf``, e.g. acquire by key or
    as a person) has the fields of each."""
    if "$ref" in schema:
        schema = components[schema["$ref"].rsplit("/", 1)[-1]]
    if "oneOf" in schema:
        merged: dict = {}
        for shape in schema["oneOf"]:
            merged.update(_properties(shape, components))
        return merged
    return schema.get("properties", {})


BODY_OPERATIONS = body_operations()
# Each value sent as every field of every body, and the path suffix it is refused at.
SAMPLES = [
    ('"\\udfff"', "", SURROGATE.format("DFFF")),
    ('"ok\\ud800"', "", SURROGATE.format("D800")),
    ('"a\\u0000b"', "", NUL),
    ('{"k": "\\udfff"}', ".k", SURROGATE.format("DFFF")),
    ('{"\\udfff": "v"}', ".\\udfff", SURROGATE.format("DFFF")),
    ('["x", {"k": "\\u0000"}]', ".1.k", NUL),
    ("1e999", "", NON_FINITE),
    ("NaN", "", NON_FINITE),
    ("-Infinity", "", NON_FINITE),
]


def test_the_sweep_covers_every_free_form_field():
    operations = {op: fields for _, _, op, fields in BODY_OPERATIONS}
    assert "client_info" in operations["seat_acquire"]
    assert len(operations) >= 20


@pytest.mark.parametrize(
    ("method", "path", "operation", "fields"),
    BODY_OPERATIONS,
    ids=[o[2] for o in BODY_OPERATIONS],
)
def test_every_field_of_every_body_refuses_unstorable_values(
    world, org_a, alice, method, path, operation, fields, snapshot
):
    if path.startswith("/api/v1/platform/"):
        # Platform operators' endpoints (the signing root) answer staff users only.
        alice.is_staff = True
        alice.save(update_fields=["is_staff"])
    api = client_for(alice)
    url = fill(path, world)
    before = snapshot(org_a), get_user_model().objects.count()
    for field in [*fields, "not_a_field"]:
        for sample, suffix, message in SAMPLES:
            response = getattr(api, method.lower())(
                url, f'{{"{field}": {sample}}}', content_type="application/json"
            )
            assert response.status_code == 400, (field, sample, response.content[:300])
            error = response.json()["error"]
            assert error["code"] == "validation_error", (field, sample, error)
            assert error["details"]["fields"] == {field + suffix: [message]}, (field, sample)
    assert (snapshot(org_a), get_user_model().objects.count()) == before


def test_every_list_stays_200_after_the_sweep(world, org_a, alice):
    """The sweep's acquires with a real key: every organization's read still answers."""
    api = client_for(alice)
    with scope(org=org_a):
        _, key = license_create(
            org=org_a, name="Swept", seats_total=5, actor=Actor.system_named("tests")
        )
    for sample, _, _ in SAMPLES:
        body = {"license_key": key, "hardware_id": "box", "client_info": {"k": "SAMPLE"}}
        raw = json.dumps(body).replace('"SAMPLE"', sample)
        response = api.post("/api/v1/licenses/acquire", raw, content_type="application/json")
        assert response.status_code == 400, (sample, response.content[:300])
    schema = SchemaGenerator().get_schema(request=None, public=True)
    reads = 0
    for path, item in schema["paths"].items():
        if "get" not in item or "{org}" not in path:
            continue
        # A required query parameter gets its first allowed value.
        query = {
            p["name"]: p["schema"]["enum"][0]
            for p in item["get"].get("parameters", [])
            if p["in"] == "query" and p.get("required")
        }
        response = api.get(fill(path, world), query)
        assert response.status_code == 200, (path, response.content[:300])
        reads += 1
    assert reads >= 10
