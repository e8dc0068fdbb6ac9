from django.test import Client


def test_dashboard_routes_get_the_index_and_api_paths_stay_json(db, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>")
    client = Client()
    page = client.get("/licenses/123")
    assert page.status_code == 200 and b"id=root" in b"".join(page.streaming_content)
    assert page["Cache-Control"] == "no-cache"
    missing = client.get("/api/v1/not-a-thing")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"


def test_without_a_build_the_dashboard_says_how_to_make_one(db, settings, tmp_path):
    settings.FRONTEND_DIST = tmp_path / "nothing"
    response = Client().get("/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "dashboard_not_built"
