"""The gunicorn settings' worker hook (the server itself runs in test_seat_race)."""

import gc
import importlib


def test_a_worker_freezes_what_it_loaded_out_of_the_collector(monkeypatch, tmp_path):
    # Importing the settings would point Prometheus at a folder of its own otherwise.
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    gunicorn_conf = importlib.import_module("coditect_license.gunicorn_conf")
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn_conf.post_worker_init(worker=None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
