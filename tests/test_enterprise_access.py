"""The enterprise on its phone, no account (issue 15, "Enterprise (no login)"): it proves itself once with
its USCC and an SMS code to its registered phone, then sees "我的检查", answers evaluation, 整改 (with
photos) and survey without retyping the USCC, and reports a crew that came without a code."""
import io
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from checkcode.enterprise_access import COOKIE
from checkcode.models import EnterpriseVerification, Evaluation, MisconductReport, RectificationPhoto
from jiujiang_inspect.models import Alert, OutboundMessage
from supervision.tests.factories import (
    CheckCodeFactory,
    EnterpriseFactory,
    InspectionFactory,
    RectificationFactory,
    ResultFactory,
)

pytestmark = pytest.mark.django_db
ENTRY = "/e/"


def sms_code(firm) -> str:
    message = OutboundMessage.objects.filter(event="enterprise.verification_code").order_by("-id").first()
    assert message.channel == "sms" and message.recipient == firm.contact_phone
    return re.search(r"验证码([0-9]{6})", message.payload["text"]).group(1)


def prove(client, firm, typed_uscc=None):
    page = client.post(ENTRY, {"step": "uscc", "uscc": typed_uscc or firm.uscc})
    assert page.status_code == 200, page.content
    token = re.search(r'name="token" value="([^"]+)"', page.content.decode()).group(1)
    return client.post(ENTRY, {"step": "code", "token": token, "code": sms_code(firm)})


def photo():
    buf = io.BytesIO()
    Image.new("RGB", (80, 60), (10, 160, 60)).save(buf, "PNG")
    buf.seek(0)
    buf.name = "整改后.png"
    return buf


@pytest.fixture
def firm():
    return EnterpriseFactory(name="芜湖鸠江精密制造有限公司", contact_phone="13912345678")


def test_the_sms_code_goes_to_the_registered_phone_and_only_its_hash_is_kept(client, firm):
    lower = firm.uscc.lower()
    page = client.post(ENTRY, {"step": "uscc", "uscc": f" {lower[:6]} {lower[6:]} "})  # typed as people type
    assert "验证码已发送至 139****5678" in page.content.decode()
    code = sms_code(firm)
    row = EnterpriseVerification.objects.get()
    assert code not in row.code_hash and len(row.code_hash) == 64
    again = client.post(ENTRY, {"step": "uscc", "uscc": firm.uscc})
    assert re.search(r"验证码已发送，请[0-9]+秒后再获取", again.content.decode())  # one code a minute
    assert EnterpriseVerification.objects.count() == 1


def test_unknown_firms_and_firms_without_a_phone_are_told_what_to_do(client, firm):
    assert "未找到该统一社会信用代码登记的企业" in client.post(
        ENTRY, {"step": "uscc", "uscc": "91340207MA2XXXXXX0"}).content.decode()
    silent = EnterpriseFactory(contact_phone="")
    assert "未登记联系电话" in client.post(ENTRY, {"step": "uscc", "uscc": silent.uscc}).content.decode()
    assert not OutboundMessage.objects.filter(event="enterprise.verification_code").exists()


def test_wrong_codes_count_down_and_the_fifth_ends_the_code(client, firm):
    page = client.post(ENTRY, {"step": "uscc", "uscc": firm.uscc}).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    right = sms_code(firm)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    first = client.post(ENTRY, {"step": "code", "token": token, "code": wrong}).content.decode()
    assert "验证码不正确，还可尝试4次" in first
    for _ in range(4):
        client.post(ENTRY, {"step": "code", "token": token, "code": wrong})
    late = client.post(ENTRY, {"step": "code", "token": token, "code": right})
    assert late.status_code == 200 and "验证码已失效" in late.content.decode() and COOKIE not in late.cookies


def test_a_proved_phone_sees_its_own_inspections_this_year_and_nothing_else(client, firm):
    year = timezone.localdate().year
    coded = CheckCodeFactory(inspection__enterprise=firm, inspection__date=date(year, 1, 5))
    ResultFactory(inspection=coded.inspection, outcome="no_issue")
    InspectionFactory(enterprise=firm, status="draft", date=date(year, 2, 1))  # internal: not shown
    InspectionFactory(enterprise=firm, date=date(year - 1, 6, 1))  # last year
    other = CheckCodeFactory()  # another firm's
    assert client.get("/e/mine/").status_code == 302  # not proved yet
    proved = prove(client, firm, typed_uscc=firm.uscc.lower())
    assert proved.status_code == 302 and proved.cookies[COOKIE]["httponly"]
    mine = client.get("/e/mine/").content.decode()
    assert firm.name in mine and coded.code in mine and other.code not in mine
    assert "未发现问题" in mine and "剩余" in mine
    assert mine.count('data-testid="my-inspection"') == 1
    client.cookies[COOKIE] = client.cookies[COOKIE].value.replace(":", ":9")  # tampered: not recognised
    assert client.get("/e/mine/").status_code == 302


def test_a_proved_phone_answers_evaluation_and_rectification_without_the_uscc(client, firm, alice):
    from checkcode import codes

    code = CheckCodeFactory(code=codes.generate(), inspection__enterprise=firm, inspection__initiating_agency=alice.agency,
                            inspection__status="result_recorded")
    rect = RectificationFactory(result=ResultFactory(inspection=code.inspection))
    prove(client, firm)
    url = reverse("checkcode:public_code", args=[code.code])
    page = client.get(url).content.decode()
    assert "本手机已验证为被检查企业" in page and 'name="ev-uscc"' not in page and 'name="rs-uscc"' not in page
    client.post(url, {"form": "evaluation", "ev-rating": "5", "ev-code_shown": "yes",
                      "ev-notified_in_advance": "yes"})
    assert Evaluation.objects.filter(check_code=code, rating=5).exists()
    done = client.post(url, {"form": "response", "rs-response": "已清理消防通道", "rs-files": [photo()]})
    assert done.status_code == 302
    rect.refresh_from_db()
    assert rect.status == "responded"
    stored = RectificationPhoto.objects.get(rectification=rect)
    photo_url = reverse("checkcode:public_rectification_photo", args=[stored.pk])
    assert photo_url in client.get(url).content.decode()
    assert client.get(photo_url)["Content-Type"] == "image/jpeg"
    client.cookies.clear()
    assert client.get(photo_url).status_code == 403  # anyone else with the code
    client.force_login(alice)  # the inspector doing the 复查
    assert client.get(photo_url).status_code == 200
    assert photo_url in client.get(reverse("checkcode:rectification_list")).content.decode()


def test_a_crew_without_a_code_can_be_reported_and_reaches_the_reviewer(client, firm, agency_a):
    prove(client, firm)
    answered = client.post("/e/mine/", {"agency": agency_a.pk, "occurred_on": timezone.localdate().isoformat(),
                                        "code_shown": "no", "description": "两人自称市场监管，未出示检查码要求进厂"})
    assert answered.status_code == 302
    report = MisconductReport.objects.get()
    assert (report.enterprise, report.agency, report.code_shown) == (firm, agency_a, False)
    alert = Alert.objects.get(kind="enterprise.misconduct_report")
    assert alert.severity == "warning" and "未出示检查码" in alert.title and alert.agency == agency_a
    future = client.post("/e/mine/", {"occurred_on": (timezone.localdate() + timedelta(days=2)).isoformat(),
                                      "code_shown": "no", "description": "x"})
    assert future.status_code == 200 and "不晚于今天" in future.content.decode()


def test_forgetting_the_phone_asks_for_proof_again(client, firm):
    prove(client, firm)
    assert client.get("/e/mine/").status_code == 200
    client.post("/e/forget/")
    assert client.get("/e/mine/").status_code == 302


def test_a_proved_phone_goes_straight_to_the_survey_questions(client, firm, agency_a):
    from supervision.tests.factories import SurveyFactory

    today = timezone.localdate()
    InspectionFactory(enterprise=firm, initiating_agency=agency_a, date=today)
    survey = SurveyFactory(status="open", period_start=today - timedelta(days=30), period_end=today)
    url = reverse("supervision:survey_public", args=[survey.pk])
    assert f'value="{agency_a.code}"' not in client.get(url).content.decode()  # asks for the USCC first
    prove(client, firm)
    page = client.get(url).content.decode()
    assert f'name="agency" value="{agency_a.code}"' in page and 'name="uscc" value="' + firm.uscc in page


def test_the_firms_own_phone_sees_the_checklist_of_its_inspection(client, firm):
    from checkcode import codes

    code = CheckCodeFactory(code=codes.generate(), inspection__enterprise=firm, inspection__status="result_recorded")
    ResultFactory(inspection=code.inspection, outcome="rectification",
                  checklist=[{"standard": 1, "item": "后厨清洁", "verdict": "fail", "note": "灶台积垢"}])
    url = reverse("checkcode:public_code", args=[code.code])
    assert "灶台积垢" not in client.get(url).content.decode()  # anyone holding the code: the outcome only
    prove(client, firm)
    page = client.get(url).content.decode()
    assert "检查标准核对" in page and "后厨清洁" in page and "不符合" in page and "灶台积垢" in page


def test_a_reload_keeps_the_code_already_sent_and_says_how_long_to_wait(client, firm):
    """The owner switches to the SMS app and back; the page reloads: the code field is still there, and
    asking again too soon says how long to wait instead of losing the step."""
    client.post(ENTRY, {"step": "uscc", "uscc": firm.uscc})
    code = sms_code(firm)
    again = client.get(ENTRY).content.decode()
    assert "验证码已发送至 139****5678" in again and 'name="code"' in again
    too_soon = client.post(ENTRY, {"step": "uscc", "uscc": firm.uscc}).content.decode()
    assert re.search(r"请[0-9]+秒后再获取", too_soon) and 'name="code"' in too_soon
    token = re.search(r'name="token" value="([^"]+)"', again).group(1)
    assert client.post(ENTRY, {"step": "code", "token": token, "code": code}).status_code == 302
    assert client.get("/e/mine/").status_code == 200
