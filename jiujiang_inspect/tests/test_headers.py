"""Security headers (issue 10 "Headers"): a Content-Security-Policy on every page that allows scripts
and styles from this site only, and no caching of anything answered to a signed-in user."""
import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

NO_STORE = re.compile(r"(^|,\s*)no-store(\s*,|$)")


def csp_directives(response):
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_carry_a_policy_without_inline_script_or_style(client, alice):
    for response in (client.get("/accounts/login/"), client.get("/public/")):
        policy = csp_directives(response)
        assert policy["script-src"] == ["'self'"]
        assert policy["style-src"] == ["'self'"]
        assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
        assert "'unsafe-inline'" not in response["Content-Security-Policy"]
        assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    client.force_login(alice)
    assert csp_directives(client.get("/"))["script-src"] == ["'self'"]


def test_staff_pages_are_never_stored(client, alice):
    client.force_login(alice)
    for url in ("/", "/plans/inspections/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert NO_STORE.search(response["Cache-Control"]), (url, response["Cache-Control"])
        assert "private" in response["Cache-Control"]


def test_authenticated_api_answers_are_never_stored(api, client, rita):
    response = api(rita).get("/api/v1/agencies/")  # Bearer token
    assert response.status_code == 200
    assert NO_STORE.search(response["Cache-Control"]), response["Cache-Control"]
    client.force_login(rita)  # session, as the web pages' htmx calls
    response = client.get("/api/v1/agencies/")
    assert response.status_code == 200 and NO_STORE.search(response["Cache-Control"])
    # A refused token is not cached either (the request carried credentials).
    response = api(secret="not-a-token").get("/api/v1/agencies/")
    assert response.status_code == 401 and NO_STORE.search(response["Cache-Control"])


def test_public_pages_stay_cacheable(client):
    """An anonymous visitor's public pages get no no-store: the middleware only acts for a signed-in
    user, so the public side keeps whatever caching its views choose."""
    for url in ("/public/", "/c/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert not NO_STORE.search(response.get("Cache-Control", "")), url


TEMPLATE_DIRS = [Path(settings.BASE_DIR) / "templates", *Path(settings.BASE_DIR).glob("*/templates")]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(ld\+)?json\")[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I), "on* event handler"),
    (re.compile(r"\sstyle\s*=\s*[\"']", re.I), "style attribute"),
    (re.compile(r"<style[\s>]", re.I), "<style> element"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]
# Documents downloaded as Word files (never rendered as a page) may style themselves.
NOT_PAGES = {"reports/report_word.html"}


def test_no_template_relies_on_what_the_policy_refuses():
    """The policy refuses inline script, handlers and styles: a template using them would silently lose
    its behaviour or layout in the browser. Behaviour goes in static/js/app.js, layout in app.css."""
    found = []
    for folder in TEMPLATE_DIRS:
        for path in folder.rglob("*.html"):
            name = path.relative_to(folder).as_posix()
            if name in NOT_PAGES:
                continue
            text = path.read_text()
            found += [f"{path.relative_to(settings.BASE_DIR)}: {what}" for rx, what in INLINE if rx.search(text)]
    assert not found, "\n".join(found)
