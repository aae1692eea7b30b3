"""The local server's dashboard files (canger_local.static): what it answers, and what it leaves to the API."""

from __future__ import annotations

import json

from canger_local import static


def test_config_json_points_the_page_at_this_same_origin(tmp_path):
    response = static.response("/config.json", dist=tmp_path)
    assert (response.status_code, json.loads(response.get_data())) == (200, {"api_url": ""})


def test_the_root_serves_the_built_page(tmp_path):
    (tmp_path / "index.html").write_text("<!doctype html><title>看板</title>", encoding="utf-8")
    response = static.response("/", dist=tmp_path)
    assert (response.status_code, response.content_type) == (200, "text/html; charset=utf-8")
    assert "看板" in response.get_data(as_text=True)


def test_without_a_build_the_root_says_how_to_build_it(tmp_path):
    response = static.response("/", dist=tmp_path)
    assert response.status_code == 503
    assert "make web" in response.get_data(as_text=True)


def test_hashed_assets_are_served_with_a_long_cache(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "index-abc.js").write_text("console.log(1)")
    response = static.response("/assets/index-abc.js", dist=tmp_path)
    assert response.content_type == "text/javascript; charset=utf-8"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"


def test_api_paths_missing_assets_and_escapes_are_left_to_the_api(tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "secret.txt").write_text("no")
    for path in ("/v1/meta", "/openapi.json", "/assets/missing.js", "/assets/../secret.txt", "/assets/"):
        assert static.response(path, dist=tmp_path) is None, path
