"""The site as a phone app (issue 15): a web app manifest linked from every page, with a Chinese name
and icons that exist under the production (manifest) static storage; the service worker served from
the site root, as script, re-validated on each update, keeping only 亮码 pages, QR images and static
files."""
import io
import json

from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from .test_static_manifest import MANIFEST


def test_the_manifest_is_linked_from_every_page_and_names_the_app_in_chinese(client, db):
    page = client.get(reverse("login")).content.decode()
    assert f'<link rel="manifest" href="{reverse("web_manifest")}">' in page
    res = client.get("/manifest.webmanifest")
    assert res.status_code == 200 and res["Content-Type"] == "application/manifest+json"
    data = json.loads(res.content)
    assert data["name"] == "鸠江区涉企行政检查“综合查一次”" and data["lang"] == "zh-Hans"
    assert {i["sizes"] for i in data["icons"]} >= {"192x192", "512x512"} and data["start_url"] == "/"


def test_the_manifest_icons_resolve_under_the_production_storage(tmp_path, client, db):
    with override_settings(STORAGES=MANIFEST, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
        data = json.loads(client.get("/manifest.webmanifest").content)
    for icon in data["icons"]:
        name = icon["src"].split("/static/", 1)[1]
        assert (tmp_path / name).exists() and name != icon["src"]  # hashed, collected


def test_the_service_worker_is_served_from_the_root_as_script(client, db):
    res = client.get("/sw.js")
    body = res.content.decode()
    assert res.status_code == 200 and res["Content-Type"].startswith("text/javascript")
    assert "no-cache" in res["Cache-Control"] or "no-store" in res["Cache-Control"]
    assert 'var STATIC = "/static/";' in body and "CODE_PAGE" in body
    assert "Content-Security-Policy" in res  # the policy holds for the worker too
