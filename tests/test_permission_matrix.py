"""The permission matrix: every page and API endpoint, walked with each persona.

Part 1 walks the whole URL map as an anonymous visitor: only public pages answer; every other page
redirects to the login and every other API endpoint answers 401. New pages are covered the day they
are added. Part 2 pins who may do what on the registry pages and endpoints, including an inspector
and an admin of another agency.
"""
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from plans.tests.factories import make_inspection
from subjects.tests.factories import InspectorFactory

pytestmark = pytest.mark.django_db

# Public by design (docs/ui.md: no login for enterprises and the public; /healthz for the load balancer;
# /sw.js and /manifest.webmanifest, which a browser fetches for any page, hold no data).
PUBLIC_NAME = re.compile(r"(^|:)public|^(login|schema|api_docs|api_token_create|healthz|favicon|service_worker|web_manifest)$")
PUBLIC_PATH = re.compile(
    r"^/(public/|c/|api/schema/|api/docs/|accounts/login/|api/v1/check-codes/[^/]+/((evaluation|rectification)/)?$)")


def _walk(resolver, prefix="", ns=""):
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            sub_ns = f"{ns}{p.namespace}:" if p.namespace else ns
            yield from _walk(p, prefix + str(p.pattern), sub_ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (ns + p.name) if p.name else ""


def _sample_path(pattern):
    """Turn a route into a concrete path: parameters become plausible values."""
    path = pattern
    if "^" in path or "(?P" in path:  # regex routes from DRF routers
        path = re.sub(r"\(\?P<\w+>[^)]*\)", "1", path).replace("^", "").replace("$", "").replace("\\.", ".")
        path = re.sub(r"\[[^\]]*\]\+?|\\", "", path)
    path = re.sub(r"<int:\w+>", "1", path)
    path = re.sub(r"<(str:)?\w+>", "X1", path)
    path = re.sub(r"<path:\w+>", "x", path)
    return "/" + path


def collect_urls():
    seen = set()
    for pattern, name in _walk(get_resolver()):
        if pattern.startswith(("admin/", "static/", "media/")) or "format" in pattern:
            continue
        path = _sample_path(pattern)
        if path not in seen:
            seen.add(path)
            yield path, name


def test_anonymous_sees_only_public_pages(client):
    checked = 0
    for path, name in collect_urls():
        is_public = bool(PUBLIC_NAME.search(name or "") or PUBLIC_PATH.match(path))
        r = client.get(path)
        checked += 1
        if is_public:
            assert r.status_code not in (401, 403) and not (
                r.status_code == 302 and "/accounts/login/" in r.get("Location", "")), (path, r.status_code)
        elif path.startswith("/api/"):
            assert r.status_code in (401, 405), (path, r.status_code)
        else:
            assert r.status_code in (302, 404, 405) and (
                r.status_code != 302 or "/accounts/login/" in r["Location"]), (path, name, r.status_code)
    assert checked > 20


def test_platform_token_reads_nothing_outside_its_scope(api, platform_secret):
    client = api(secret=platform_secret)
    for path, _name in collect_urls():
        if not path.startswith("/api/v1/") or PUBLIC_PATH.match(path) or "auth/token" in path:
            continue
        r = client.post(path, {}, format="json")
        # The read scope never writes: 403 (or 404/405 where the method/object doesn't exist).
        assert r.status_code in (403, 404, 405), (path, r.status_code)


PERSONAS = ["anon", "alice", "anna", "bob", "bert", "rita"]


@pytest.fixture
def people(alice, anna, bob, bert, rita):
    return {"alice": alice, "anna": anna, "bob": bob, "bert": bert, "rita": rita}


def _status(client, people, who, method, path, data=None):
    if who != "anon":
        client.force_login(people[who])
    r = getattr(client, method)(path, data or {})
    client.logout()
    return r.status_code


# (method, path template, expected status per persona in PERSONAS order). {a_insp}: an inspector of agency A.
PAGE_MATRIX = [
    ("get", "/", [302, 200, 200, 200, 200, 200]),
    ("get", "/subjects/agencies/", [302, 200, 200, 200, 200, 200]),
    ("get", "/subjects/agencies/new/", [302, 403, 403, 403, 403, 200]),
    ("get", "/subjects/agencies/SCJG/edit/", [302, 403, 403, 403, 403, 200]),
    ("get", "/subjects/inspectors/", [302, 403, 200, 403, 200, 200]),
    ("get", "/subjects/inspectors/{a_insp}/", [302, 403, 200, 403, 404, 200]),
    ("get", "/subjects/inspectors/{a_insp}/edit/", [302, 403, 200, 403, 404, 200]),
    ("get", "/subjects/inspectors/import/", [302, 403, 200, 403, 200, 200]),
    ("get", "/subjects/users/", [302, 403, 200, 403, 200, 200]),  # agency admins: their own inspectors' logins
    ("get", "/audit/", [302, 403, 403, 403, 403, 200]),
    ("get", "/plans/inspections/", [302, 200, 200, 200, 200, 200]),
    ("get", "/plans/inspections/{a_insp_task}/", [302, 200, 200, 404, 404, 200]),
    ("get", "/matters/review/", [302, 403, 403, 403, 403, 200]),
    ("get", "/supervision/alerts/", [302, 403, 403, 403, 403, 200]),
    ("get", "/subjects/tokens/", [302, 403, 403, 403, 403, 200]),
    ("get", "/checkcode/evaluations/", [302, 403, 403, 403, 403, 200]),
    ("get", "/supervision/filing-summaries/", [302, 403, 200, 403, 200, 200]),
]

API_MATRIX = [
    ("get", "/api/v1/agencies/", [401, 200, 200, 200, 200, 200]),
    ("post", "/api/v1/agencies/", [401, 403, 403, 403, 403, 400]),
    ("get", "/api/v1/inspectors/", [401, 403, 200, 403, 200, 200]),
    ("get", "/api/v1/inspectors/{a_insp}/", [401, 403, 200, 403, 404, 200]),
    ("patch", "/api/v1/inspectors/{a_insp}/", [401, 403, 200, 403, 404, 200]),
    ("get", "/api/v1/users/", [401, 403, 403, 403, 403, 200]),
    ("get", "/api/v1/inspections/", [401, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/inspections/{a_insp_task}/", [401, 200, 200, 404, 404, 200]),
    ("post", "/api/v1/inspections/{a_insp_task}/approve/", [401, 403, 200, 404, 404, 403]),
    ("get", "/api/v1/matters/", [401, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/enterprises/", [401, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/invitations/", [401, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/codes/", [401, 200, 200, 200, 200, 200]),
    ("get", "/api/v1/blocks/", [401, 403, 403, 403, 403, 200]),
    ("get", "/api/v1/alerts/", [401, 403, 403, 403, 403, 200]),
    ("post", "/api/v1/cap-policies/", [401, 403, 403, 403, 403, 405]),
    ("get", "/api/v1/stats/overview/", [401, 403, 200, 403, 200, 200]),  # admins: own agency
]


@pytest.mark.parametrize("method,template,expected", PAGE_MATRIX + API_MATRIX)
def test_permission_matrix(client, people, agency_a, method, template, expected):
    a_insp = InspectorFactory(agency=agency_a)
    task = make_inspection(agency=agency_a) if "a_insp_task" in template else None
    path = template.format(a_insp=a_insp.pk, a_insp_task=getattr(task, "pk", 0))
    got = []
    for who in PERSONAS:
        if path.startswith("/api/"):
            from jiujiang_inspect.testing import api_client_for

            c = api_client_for(people[who]) if who != "anon" else api_client_for()
            r = getattr(c, method)(path, {}, format="json")
            got.append(r.status_code)
        else:
            got.append(_status(client, people, who, method, path))
    assert dict(zip(PERSONAS, got, strict=True)) == dict(zip(PERSONAS, expected, strict=True)), path
