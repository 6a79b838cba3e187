"""Every query parameter of a list is read or refused (docs/api.md "Lists", "Filter rules"; issue 12
`unknown_parameter`, issue 10 "invalid cursor"): an unknown name is a 400 `unknown_parameter` naming it
(a misspelt filter must not answer the whole list as if applied), `page_size` is a whole number, and a
cursor the API did not hand out is a 400 naming `cursor`, not a 404."""
import base64
from urllib.parse import parse_qs, urlencode, urlparse

import pytest

from plans.tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def list_operations(api, rita):
    schema = api(rita).get("/api/schema/", {"format": "json"}).json()
    found = []
    for path, item in schema["paths"].items():
        get = item.get("get")
        names = {p["name"] for p in (get or {}).get("parameters", []) if p["in"] == "query"}
        if get and "cursor" in names and "{" not in path:
            found.append((path, names))
    assert len(found) >= 25, found
    return found


def test_every_list_refuses_an_unknown_parameter_and_names_it(api, rita, list_operations):
    client = api(rita)
    wrong = []
    for path, _names in list_operations:
        res = client.get(path, {"no_such_filter": "1"})
        body = res.json()
        if res.status_code != 400 or body["code"] != "unknown_parameter" or "no_such_filter" not in body["detail"]:
            wrong.append((path, res.status_code, body))
    assert wrong == []


def test_every_list_accepts_every_parameter_its_schema_documents(api, rita, list_operations):
    client = api(rita)
    wrong = []
    for path, names in list_operations:
        res = client.get(path, {name: "" for name in names})
        if res.status_code != 200:
            wrong.append((path, res.status_code, res.json()))
    assert wrong == []


def test_a_misspelt_filter_is_refused_not_ignored(api, rita):
    EnterpriseFactory.create_batch(2)
    res = api(rita).get("/api/v1/enterprises/", {"credit": "D"})  # the filter is `credit_class`
    assert res.status_code == 400
    assert res.json()["code"] == "unknown_parameter"
    assert list(res.json()["detail"]) == ["credit"]
    assert "未知" in res.json()["detail"]["credit"][0]


@pytest.mark.parametrize("value", ["abc", "0", "-5", "2.5", "１０"])
def test_page_size_that_is_not_a_positive_whole_number_is_a_400(api, rita, value):
    res = api(rita).get("/api/v1/enterprises/", {"page_size": value})
    assert res.status_code == 400, res.content
    assert res.json()["code"] == "invalid" and "page_size" in res.json()["detail"]


def test_page_size_above_the_cap_reads_as_200(api, rita):
    EnterpriseFactory.create_batch(3)
    res = api(rita).get("/api/v1/enterprises/", {"page_size": "5000"})
    assert res.status_code == 200 and len(res.json()["results"]) == 3


def _cursor(text):
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("cursor", ["not-a-cursor", _cursor("p=abc"), _cursor("p=99999999999999999999999"),
                                    _cursor("o=x")])
def test_a_cursor_the_api_did_not_hand_out_is_a_400_naming_cursor(api, rita, cursor):
    res = api(rita).get("/api/v1/enterprises/", {"cursor": cursor})
    assert res.status_code == 400, res.content
    assert res.json()["code"] == "invalid" and "cursor" in res.json()["detail"]


def test_the_next_link_still_walks_the_whole_list(api, rita):
    EnterpriseFactory.create_batch(5)
    client = api(rita)
    seen, params = [], {"page_size": "2"}
    while True:
        body = client.get("/api/v1/enterprises/", params).json()
        seen += [row["uscc"] for row in body["results"]]
        if not body["next"]:
            break
        params = {k: v[0] for k, v in parse_qs(urlparse(body["next"]).query).items()}
        assert urlencode(params)
    assert len(seen) == 5 == len(set(seen))


@pytest.mark.parametrize("path,param", [("/api/v1/enterprises/", "uscc"), ("/api/v1/inspections/", "enterprise"),
                                        ("/api/v1/blocks/", "enterprise"), ("/api/v1/codes/", "enterprise")])
def test_an_enterprise_filter_reads_the_uscc_as_typed(api, rita, path, param):
    from plans.tests.factories import uscc_for
    from supervision.tests.factories import BlockFactory, InspectionFactory

    uscc = uscc_for(7)
    firm = EnterpriseFactory(uscc=uscc)
    InspectionFactory(enterprise=firm)
    BlockFactory(enterprise=firm)
    typed = " " + uscc.lower()[:6].translate(str.maketrans("0123456789", "０１２３４５６７８９")) + "\u200b" + uscc.lower()[6:]
    exact = api(rita).get(path, {param: uscc})
    res = api(rita).get(path, {param: typed})
    assert res.status_code == 200, res.content
    assert res.json()["results"] == exact.json()["results"]
    if path != "/api/v1/codes/":  # the firm, its inspection and its block are found by the typed code
        assert len(res.json()["results"]) == 1


@pytest.mark.parametrize("value", ["abc", "9134\u0660207MA2NXY12QB", "91340207MA2NXY12Q"])
def test_an_enterprise_filter_value_that_cannot_be_a_uscc_is_a_400_not_an_empty_list(api, rita, value):
    res = api(rita).get("/api/v1/enterprises/", {"uscc": value})
    assert res.status_code == 400, res.content
    assert res.json()["code"] == "invalid" and "uscc" in res.json()["detail"]
