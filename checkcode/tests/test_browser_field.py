"""The field day on a phone at 375 px (issue 15): recording a result at the factory gate with the
checklist, a photo from the phone's file chooser and the representative's signature drawn on screen;
the 整改复查 list as one card per rectification. axe-core: 0 serious/critical on every page visited."""
import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from checkcode.models import Evidence, InspectionResult
from checkcode.services import checkcode_issue
from jiujiang_inspect.browser_testing import axe_violations, login, screenshot
from matters.tests.factories import PublishedMatterFactory

from .factories import approved_inspection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 375


@pytest.fixture(autouse=True)
def cap_policies(db):
    """The yearly caps of plans' data migration: a transactional test's flush removes them."""
    from plans.models import CapPolicy, FrequencyPolicy

    for pool, cap in {"whitelist": 1, "joint": 2, "non_joint": 2, "key": 6}.items():
        CapPolicy.objects.get_or_create(pool=pool, defaults={"yearly_onsite_cap": cap})
    FrequencyPolicy.current()


def _jpeg(size=(800, 600)):
    out = io.BytesIO()
    Image.new("RGB", size, (30, 140, 90)).save(out, format="JPEG")
    return out.getvalue()


def _fits_and_passes_axe(pg, what):
    width = pg.evaluate("() => document.documentElement.scrollWidth")
    if width > PHONE:
        screenshot(pg, f"overflow_{what}")
    assert width <= PHONE, f"{what} scrolls sideways at {PHONE} px ({width} px wide)"
    assert axe_violations(pg) == [], f"{what}: {axe_violations(pg)}"


def test_recording_a_result_on_a_phone_with_checklist_photo_and_drawn_signature(phone_page, agency_a, alice):
    """GIVEN alice at the gate with her phone, an inspection whose matter has two 检查标准 and a live code
    WHEN she marks one standard 符合 and one 不符合 with a note, takes a photo through the file chooser,
    has the manager sign on screen with a few strokes and saves a 责令整改
    THEN the result page lists both verdicts, shows the photo and the signature (served by the access-
    checked view, decoded by the browser) and the evidence rows exist."""
    from plans.tests.factories import team

    matter = PublishedMatterFactory(agency=agency_a, name="餐饮服务食品安全检查",
                                    standards=[("从业人员持有效健康证明", "健康证在有效期内"), ("后厨清洁卫生", "无积垢、无油污")])
    insp = approved_inspection(agency=agency_a, matters=[matter], inspectors=[alice.inspector, *team(agency_a, n=1)],
                               day=timezone.localdate())
    checkcode_issue(inspection=insp, issued_by=alice)
    pg = phone_page
    login(pg, "alice")
    pg.goto(pg.base_url + reverse("plans:inspection_detail", args=[insp.pk]))
    pg.get_by_role("link", name="录入检查结果").click()
    expect(pg.locator("h1")).to_have_text("录入检查结果")
    _fits_and_passes_axe(pg, "result_form")

    items = pg.get_by_test_id("checklist-item")
    expect(items).to_have_count(2)
    items.nth(0).get_by_text("符合", exact=True).click()
    items.nth(1).get_by_text("不符合", exact=True).click()
    items.nth(1).get_by_label("说明").fill("灶台油污较多")
    pg.get_by_label("检查结果", exact=True).select_option("rectification")
    pg.get_by_label("检查发现的问题").fill("后厨灶台及排烟罩油污较多")
    pg.get_by_label("整改事项（每行一项）").fill("清洗灶台和排烟罩")
    pg.get_by_label("整改期限").fill(str(insp.date + timedelta(days=7)))

    with pg.expect_file_chooser() as chooser:
        pg.get_by_label("拍照或选择照片（可多张）").click()
    assert chooser.value.is_multiple()
    chooser.value.set_files([{"name": "后厨.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}])

    pg.get_by_label("企业签字人姓名").fill("王经理")
    pad = pg.locator("canvas[data-signature-pad]")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box["width"] > 300  # the pad takes the phone's width
    x, y = box["x"] + 30, box["y"] + box["height"] / 2
    pg.mouse.move(x, y)
    pg.mouse.down()
    for step in range(1, 12):
        pg.mouse.move(x + step * 20, y + (15 if step % 2 else -15), steps=3)
    pg.mouse.up()
    expect(pg.locator("[data-signature-state]")).to_have_text("已签字")
    assert pg.locator("#id_signature").input_value().startswith("data:image/png;base64,")
    screenshot(pg, "result_form_phone")

    pg.get_by_role("button", name="保存检查结果").click()
    expect(pg.locator("h1")).to_contain_text("检查结果")
    expect(pg.get_by_test_id("outcome")).to_have_text("责令整改")
    checklist = pg.get_by_test_id("checklist")
    expect(checklist.locator("li")).to_have_count(2)
    expect(checklist.locator("li").nth(0)).to_contain_text("符合")
    expect(checklist.locator("li").nth(1)).to_contain_text("不符合")
    expect(checklist.locator("li").nth(1)).to_contain_text("灶台油污较多")
    photo = pg.get_by_role("img", name="照片：后厨.jpg")
    signature = pg.get_by_test_id("signature")
    for img in (photo, signature):
        expect(img).to_be_visible()
        img.scroll_into_view_if_needed()
        pg.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=img.element_handle())
    assert pg.get_by_text("签字人：王经理").is_visible()
    _fits_and_passes_axe(pg, "result_page")
    screenshot(pg, "result_page_phone")

    result = InspectionResult.objects.get(inspection=insp)
    assert [c["verdict"] for c in result.checklist] == ["pass", "fail"]
    kinds = sorted(Evidence.objects.filter(result=result).values_list("kind", flat=True))
    assert kinds == ["photo", "signature"]
    sig = Evidence.objects.get(kind="signature")
    drawn = Image.open(sig.file.open("rb")).convert("L")
    assert drawn.getextrema()[0] < 100, "the stored signature has no dark strokes"


def test_rectification_review_reads_as_cards_on_a_phone(phone_page, agency_a, alice):
    """GIVEN two open rectifications, one recorded with a photo and answered by the enterprise with its own
    WHEN alice opens 整改复查 on her phone
    THEN each rectification is a card as wide as the screen (less its margins), the inspection's photo
    and the enterprise's are shown and load, and the 复查 form's fields and button span the card; 复查 works from the card."""
    from checkcode.models import Rectification
    from checkcode.services.results import rectification_respond, result_record

    for n, with_photo in enumerate([True, False]):
        insp = approved_inspection(agency=agency_a, day=timezone.localdate())
        insp.enterprise.name = f"鸠江整改示范{n}号有限公司"
        insp.enterprise.save(update_fields=["name"])
        checkcode_issue(inspection=insp, issued_by=alice)
        photos = [SimpleUploadedFile("灭火器.jpg", _jpeg())] if with_photo else []
        result_record(inspection=insp, by=alice, outcome="rectification", findings="灭火器过期", photos=photos,
                      rectification={"items": ["更换过期灭火器", "建立消防器材检查台账"],
                                     "deadline": insp.date + timedelta(days=10)})
        if with_photo:
            rect = Rectification.objects.get(result__inspection=insp)
            rectification_respond(rectification=rect, uscc=insp.enterprise.uscc, response="已更换全部灭火器并建立台账",
                                  files=[SimpleUploadedFile("整改后.jpg", _jpeg())])
    pg = phone_page
    login(pg, "alice")
    pg.goto(pg.base_url + reverse("checkcode:rectification_list"))
    expect(pg.locator("h1")).to_have_text("整改复查")
    _fits_and_passes_axe(pg, "rectification_cards")
    cards = pg.get_by_test_id("rectification-card")
    expect(cards).to_have_count(2)
    for i in range(2):
        card = cards.nth(i)
        box = card.bounding_box()
        assert box["width"] >= PHONE - 40, f"card {i} is {box['width']} px wide"
        form = card.get_by_test_id("verify-form")
        for part in (form.locator("select"), form.locator("input[name=note]"), form.get_by_role("button", name="保存复查")):
            assert part.bounding_box()["width"] >= box["width"] - 40, "the 复查 form does not span the card"
        # Stacked, not side by side: the form sits below the rectification items.
        assert form.bounding_box()["y"] > card.locator("ol").bounding_box()["y"]
    answered = cards.filter(has_text="已更换全部灭火器")
    for photo in (answered.get_by_role("img", name="照片：灭火器.jpg"),
                  answered.get_by_role("img", name="企业整改照片：整改后.jpg")):
        photo.scroll_into_view_if_needed()
        pg.wait_for_function("(el) => el.complete && el.naturalWidth > 0", arg=photo.element_handle())
    screenshot(pg, "rectification_cards_phone")

    answered.get_by_label("复查意见").fill("现场核实已整改")
    answered.get_by_role("button", name="保存复查").click()
    expect(pg.get_by_text("复查结果已保存。")).to_be_visible()
    assert Rectification.objects.filter(status="closed").count() == 1


def test_at_a_desk_the_rectification_list_stays_a_table(page, agency_a, alice):
    """At 1280 px the cards are a table again: column headers visible, one row per rectification side by
    side with its 复查 form; axe finds nothing serious."""
    from checkcode.services.results import result_record

    insp = approved_inspection(agency=agency_a, day=timezone.localdate())
    checkcode_issue(inspection=insp, issued_by=alice)
    result_record(inspection=insp, by=alice, outcome="rectification", findings="台账缺失",
                  rectification={"items": ["补齐台账"], "deadline": insp.date + timedelta(days=10)})
    login(page, "alice")
    page.goto(page.base_url + reverse("checkcode:rectification_list"))
    expect(page.get_by_role("columnheader", name="复查")).to_be_visible()
    card = page.get_by_test_id("rectification-card")
    form = card.get_by_test_id("verify-form")
    assert abs(form.bounding_box()["y"] - card.locator("ol").bounding_box()["y"]) < 60  # same row
    assert axe_violations(page) == []
