"""Test support shared by every app's tests (fixtures, servers); no tests live here."""
