"""Browsers ask for /favicon.ico on every page without an icon link: it must not be a 404 (a console error)."""


def test_favicon_ico_redirects_to_the_static_icon(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 301 and r["Location"].endswith("favicon.svg")


def test_pages_link_their_icon(client):
    assert 'rel="icon"' in client.get("/public/").content.decode()
