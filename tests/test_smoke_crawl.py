"""Every page a user can reach by clicking works: with the 鸠江区 demo data loaded, a crawler follows
each role's links from its home page (and the public pages) and expects no server error and no
broken internal link."""
import io
import re
from urllib.parse import urldefrag, urlparse

import pytest
from django.core.management import call_command
from django.db import transaction

from subjects.models import User

LINK = re.compile(r'href="([^"#][^"]*)"')
SKIP = re.compile(r"/accounts/logout/|/admin/|export=|\.xlsx|\.png|\.svg|/static/|/media/|/api/|/jobs/|\.doc")
MAX_PAGES = 120


@pytest.fixture(scope="module")
def demo_db(django_db_setup, django_db_blocker):
    """Seed once for the module inside a transaction that is rolled back afterwards, so the demo data
    never leak into other tests (a flush would also delete the policies the data migrations made)."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


def crawl(client, start):
    client.raise_request_exception = False  # collect every failure instead of stopping at the first
    seen, queue, problems = set(), list(start), []
    while queue and len(seen) < MAX_PAGES:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        r = client.get(url)
        if r.status_code >= 500 or r.status_code == 404:
            problems.append((url, r.status_code))
            continue
        if r.status_code != 200 or "text/html" not in r.get("Content-Type", ""):
            continue
        for href in LINK.findall(r.content.decode()):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            parsed = urlparse(href)
            if parsed.netloc or not href.startswith("/") or SKIP.search(href):
                continue
            if href not in seen:
                queue.append(href)
    return seen, problems


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["sfj_shenhe", "scjg_admin", "scjg_zhifa", None])
def test_every_linked_page_works_for_each_role(demo_db, client, username):
    if username:
        client.force_login(User.objects.get(username=username))
        start = ["/"]
    else:
        start = ["/public/"]
    seen, problems = crawl(client, start)
    assert len(seen) >= 10, seen
    assert problems == [], "\n".join(f"{u} {c}" for u, c in problems)
