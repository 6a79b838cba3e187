import pytest
from django.test import override_settings

from jiujiang_inspect.models import ApiToken
from jiujiang_inspect.tokens import api_token_lookup
from subjects.tests.factories import CertificateFactory, InspectorFactory

pytestmark = pytest.mark.django_db


def test_reviewer_creates_platform_token_shown_once_and_revokes_it(client, rita):
    client.force_login(rita)
    page = client.post("/subjects/tokens/", {"name": "智慧督", "scopes": ["read", "hotline:write"], "days": 30})
    html = page.content.decode()
    assert "只显示这一次" in html
    token = ApiToken.objects.get(name="智慧督")
    secret = html.split('id="new-token">')[1].split("<")[0]
    assert api_token_lookup(secret) == token
    assert secret not in client.get("/subjects/tokens/").content.decode()
    client.post(f"/subjects/tokens/{token.pk}/revoke/", {"reason": "泄露"})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_inspector_form_shows_chinese_field_errors(client, anna):
    client.force_login(anna)
    r = client.post("/subjects/inspectors/new/", {"agency": anna.agency_id, "name": "张三", "id_number": "123"})
    html = r.content.decode()
    assert r.status_code == 200 and "身份证号应为18位" in html and "请修改以下问题" in html


def test_inspector_list_shows_certificate_badges_and_masks_id(client, anna, agency_a):
    i = InspectorFactory(agency=agency_a, certificate=None)
    CertificateFactory(inspector=i, status="suspended")
    client.force_login(anna)
    html = client.get("/subjects/inspectors/").content.decode()
    assert "暂扣" in html and i.id_number not in html
    detail = client.get(f"/subjects/inspectors/{i.pk}/").content.decode()
    assert i.id_number not in detail and i.id_number_masked in detail


def test_inspector_list_page_query_count_is_pinned(client, anna, agency_a, django_assert_max_num_queries):
    InspectorFactory.create_batch(30, agency=agency_a)
    client.force_login(anna)
    with django_assert_max_num_queries(8):
        assert client.get("/subjects/inspectors/").status_code == 200


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_login_is_throttled_after_repeated_failures(client, alice):
    for _ in range(3):
        client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    r = client.post("/accounts/login/", {"username": "alice", "password": "Passw0rd!jj"})
    assert r.status_code in (403, 429)
    assert "_auth_user_id" not in client.session


def test_account_list_filters_and_exports_only_what_the_page_shows(client, rita, anna, alice, bob):
    import io

    from openpyxl import load_workbook

    client.force_login(rita)
    html = client.get("/subjects/users/?role=agency_admin").content.decode()
    assert "anna" in html and "alice" not in html
    r = client.get("/subjects/users/?role=inspector&export=xlsx")
    names = [row[0] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == ["alice", "bob"]
    client.force_login(anna)
    # an agency admin exports the logins it manages: its own agency's inspectors only (issue 15 "Accounts")
    r = client.get("/subjects/users/?export=xlsx")
    names = [row[0] for row in load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2, values_only=True)]
    assert names == ["alice"]
