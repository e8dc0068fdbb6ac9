"""Where the CLI keeps a person's sign-in when no keyring is usable: a 0600 file."""

import json
import stat

from coditect_license_client.sign_in import CredentialStore


def test_the_file_is_the_owners_only_and_holds_one_record_per_server(tmp_path):
    store = CredentialStore(tmp_path / "dir" / "credentials.json", use_keyring=False)
    store.save("https://a.example", {"refresh": "r1", "email": "a@example.com"})
    store.save("https://b.example", {"refresh": "r2", "email": ""})
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(store.path.parent.stat().st_mode) == 0o700
    assert store.load("https://a.example")["refresh"] == "r1"
    store.delete("https://a.example")
    assert store.load("https://a.example") is None
    assert json.loads(store.path.read_text()) == {
        "https://b.example": {"refresh": "r2", "email": ""}
    }
    assert store.where == str(store.path)


def test_the_environment_variable_forces_the_file(tmp_path, monkeypatch):
    monkeypatch.setenv("CODITECT_CREDENTIALS_FILE", str(tmp_path / "c.json"))
    store = CredentialStore()
    assert not store.use_keyring and store.path == tmp_path / "c.json"
