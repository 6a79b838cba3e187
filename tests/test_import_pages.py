"""Every import page (issue 15, "Forms"): it offers its template, and its 返回 leads back where the user
came from (the same-site page they came from, kept through a failed upload), never to another site."""
import re

import pytest

pytestmark = pytest.mark.django_db

PAGES = [("anna", "/plans/enterprises/import/", "/plans/enterprises/"),
         ("anna", "/subjects/inspectors/import/", "/subjects/inspectors/"),
         ("anna", "/matters/import/", "/matters/"),
         ("rita", "/supervision/hotline/import/", "/supervision/hotline/"),
         ("rita", "/guidance/questions/import/", "/guidance/questions/")]


def _back(html):
    nav = html.split('data-testid="import-nav"', 1)[1].split("</div>", 1)[0]
    return re.search(r'href="([^"]*)"[^>]*>返回<', nav).group(1), re.search(r'href="([^"]*)"[^>]*>下载导入模板<', nav).group(1)


@pytest.mark.parametrize("who,url,fallback", PAGES)
def test_import_pages_offer_the_template_and_lead_back(client, request, who, url, fallback):
    client.force_login(request.getfixturevalue(who))
    came_from = fallback + "?page=2"
    html = client.get(url, HTTP_REFERER=f"http://testserver{came_from}").content.decode()
    back, template = _back(html)
    assert back == came_from
    assert f'name="next" value="{came_from}"' in html  # kept through a failed upload
    res = client.get(template if template.startswith("/") else url + template)
    assert res.status_code == 200 and "spreadsheetml" in res["Content-Type"]
    # A failed upload (no file) still leads back where the user came from.
    html = client.post(url, {"next": came_from}, HTTP_REFERER=f"http://testserver{url}").content.decode()
    assert _back(html)[0] == came_from
    # Another site is never a way back; the list is.
    html = client.get(url, HTTP_REFERER="https://evil.example/plans/").content.decode()
    assert _back(html)[0].split("?")[0] == fallback


def test_the_job_page_of_an_import_leads_back_where_the_user_started(client, anna):
    """The upload goes on in the background; its progress page's 返回 is the list the user came from."""
    from plans.tests.test_registry_imports import _row, _xlsx

    client.force_login(anna)
    upload = _xlsx([_row(1)])
    upload.name = "企业.xlsx"
    res = client.post("/plans/enterprises/import/", {"file": upload, "next": "/plans/enterprises/?town=wanli"})
    assert res.status_code == 302 and "next=%2Fplans%2Fenterprises%2F%3Ftown%3Dwanli" in res.url
    html = client.get(res.url).content.decode()
    assert '<a class="btn btn-outline-secondary" href="/plans/enterprises/?town=wanli">返回</a>' in html
