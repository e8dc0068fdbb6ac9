"""openapi.yaml is generated from the code and committed; drift fails here."""

from pathlib import Path

import pytest
from django.core.management import call_command

OPENAPI = Path(__file__).resolve().parents[3] / "openapi.yaml"


def test_the_committed_schema_matches_the_code(tmp_path, db):
    generated = tmp_path / "openapi.yaml"
    call_command("spectacular", "--file", str(generated), "--validate")
    if not OPENAPI.exists():
        pytest.fail("openapi.yaml is missing: run `make schema`")
    assert generated.read_text() == OPENAPI.read_text(), "openapi.yaml drifted: run `make schema`"
