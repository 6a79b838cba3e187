"""新建检查 as a plain form (issue 15): the enterprise found by part of its name, its pinyin initials or
its code, picked from a list when several match; inspectors who cannot take part on the day disabled
with the reason; matters of the enterprise's industry, the joint list's first; the rule panel from the
gates before saving (no JavaScript needed for any of it)."""
from datetime import date, timedelta

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from matters.models import Industry, JointMatterList
from plans.models import Enterprise, Inspection, name_initials
from plans.selectors.enterprises import enterprise_pick_list
from subjects.tests.factories import CertificateFactory, InspectorFactory

from .factories import EnterpriseFactory, MatterFactory, team

pytestmark = pytest.mark.django_db


def industries():
    section, _ = Industry.objects.get_or_create(code="H", defaults={"name": "住宿和餐饮业", "level": "section"})
    food, _ = Industry.objects.get_or_create(code="62", defaults={"name": "餐饮业", "level": "division",
                                                                  "parent": section, "is_key": True,
                                                                  "key_label": "餐饮"})
    dinner, _ = Industry.objects.get_or_create(code="621", defaults={"name": "正餐服务", "level": "group",
                                                                     "parent": food})
    fuel, _ = Industry.objects.get_or_create(code="5265", defaults={"name": "机动车燃油零售", "level": "class"})
    return food, dinner, fuel


def test_pinyin_initials_are_kept_with_the_name():
    assert name_initials("芜湖鸠江味道餐饮有限公司").split()[0] == "whjjwdcyyxgs"  # the phrase reading first
    assert name_initials("重庆ＡＢ火锅店").split()[0] == "cqabhgd"  # polyphone in a phrase; full-width letters


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="重庆长江银行行长达盛曾氏芜湖鸠江区食品有限公司乐器音乐广发华夏中国安徽合肥建设工程科技贸易服务"
                        "的了得地和调度会计单于朝阳藏传奇石传媒便宜大厦覃仇查解Ａ1b（）-·、é ", max_size=16))
def test_cached_initials_equal_pypinyin_reading_the_whole_name(name):
    """The phrase and character caches (issue 13: the 100k-row import) change no initials: the first
    is still pypinyin's reading of the whole name."""
    import unicodedata

    from pypinyin import Style, lazy_pinyin

    text = unicodedata.normalize("NFKC", name)
    whole = "".join(ch for ch in "".join(lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()
                    if ch.isascii() and ch.isalnum())
    assert (name_initials(name).split() or [""])[0] == whole


def test_a_character_with_two_readings_is_found_by_either():
    """Trial finding: 盛 reads cheng in the dictionary's phrase, sheng as people say the firm's name."""
    assert {"jjqdcfd", "jjqdsfd"} <= set(name_initials("鸠江区达盛饭店").split())
    ent = EnterpriseFactory(name="鸠江区达盛饭店")
    assert enterprise_pick_list("jjqds") == [ent] and enterprise_pick_list("jjqdc") == [ent]


def test_a_firm_is_found_by_part_of_its_name_its_initials_or_its_code():
    ent = EnterpriseFactory(name="芜湖鸠江味道餐饮有限公司")
    EnterpriseFactory(name="芜湖长江机械有限公司")
    assert enterprise_pick_list("味道") == [ent]
    assert enterprise_pick_list("jjwd") == [ent]
    assert enterprise_pick_list("ＷＨＪＪ") == [ent]  # typed with a Chinese input method
    assert enterprise_pick_list(ent.uscc[-8:].lower()) == [ent]
    assert len(enterprise_pick_list("芜湖")) == 2


def test_the_service_and_the_import_set_the_initials(rita):
    from plans.services.enterprises import enterprise_create, enterprise_update
    from plans.tests.factories import uscc_for

    ent = enterprise_create(by=rita, uscc=uscc_for(99001), name="鸠江食品厂", town="wanli")
    assert ent.name_initials.split()[0] == "jjspc"
    ent = enterprise_update(enterprise=ent, by=rita, name="鸠江粮油厂")
    assert Enterprise.objects.get(pk=ent.pk).name_initials.split()[0] == "jjlyc"


def test_the_data_migration_fills_the_initials_of_existing_rows():
    from django.apps import apps
    from django.db.migrations.loader import MigrationLoader

    ent = EnterpriseFactory(name="芜湖鸠江味道餐饮有限公司")
    Enterprise.objects.filter(pk=ent.pk).update(name_initials="")
    migration = MigrationLoader(None, ignore_no_migrations=True).disk_migrations[
        ("plans", "0012_enterprise_name_initials")]
    migration.operations[-1].code(apps, None)
    assert Enterprise.objects.get(pk=ent.pk).name_initials == "whjjwdcyyxgs"


def test_typed_name_with_several_matches_asks_to_pick_then_the_pick_is_used(client, alice, agency_a):
    """GIVEN two firms named 芜湖… WHEN alice submits 芜湖 THEN the form lists both to pick from;
    WHEN she picks one and asks for the rule check THEN the panel shows the gates' verdict, unsaved."""
    a = EnterpriseFactory(name="芜湖鸠江味道餐饮有限公司")
    EnterpriseFactory(name="芜湖长江机械有限公司")
    client.force_login(alice)
    data = {"enterprise": "芜湖", "kind": "triggered", "mode": "onsite", "date": str(date.today() + timedelta(days=1)),
            "trigger_source": "complaint", "trigger_reason": "投诉", "inspectors": [alice.inspector.pk],
            "matters": [MatterFactory(agency=agency_a).pk], "notice_exempt_reason": "投诉线索，不宜事先告知"}
    page = client.post(reverse("plans:inspection_create"), data).content.decode()
    assert "找到2家企业，请在下方选择一家" in page and 'name="enterprise_pick"' in page
    res = client.post(reverse("plans:inspection_create"), {**data, "enterprise_pick": a.uscc, "_refresh": "1"})
    page = res.content.decode()
    assert res.status_code == 200 and not Inspection.objects.exists()
    assert "两名持证执法人员" in page and "请再增加1名本单位持证人员" in page and "请修改" in page
    assert "too_few_inspectors" not in page


def test_inspectors_without_a_valid_certificate_on_the_day_are_disabled_with_the_reason(client, alice, agency_a):
    expired = InspectorFactory(agency=agency_a, name="陈过期", certificate=None)
    CertificateFactory(inspector=expired, valid_from=date.today() - timedelta(days=900),
                       valid_until=date.today() - timedelta(days=1))
    helper = InspectorFactory(agency=agency_a, name="雷辅助", is_helper=True)
    client.force_login(alice)
    res = client.get(reverse("plans:inspection_create"))
    boxes = {str(w.data["label"]): w for w in res.context["form"]["inspectors"]}
    mine = next(w for label, w in boxes.items() if label.startswith("王丽"))
    assert mine.data["selected"]  # the logged-in inspector is preselected
    gone = next(w for label, w in boxes.items() if label.startswith("陈过期"))
    assert gone.data["attrs"].get("disabled") and "执法证件已过期" in str(gone.data["label"])
    assert "不计入两名持证人员" in next(label for label in boxes if label.startswith(helper.name))


def test_matters_are_those_of_the_firms_industry_with_the_joint_lists_first(client, alice, agency_a):
    food, dinner, fuel = industries()
    ent = EnterpriseFactory(name="芜湖鸠江味道餐饮有限公司", industry=dinner)
    MatterFactory(agency=agency_a, code="A-100", name="消防安全检查")
    for_food = MatterFactory(agency=agency_a, code="A-200", name="餐饮服务食品安全检查")
    for_food.industries.set([food])
    joint = MatterFactory(agency=agency_a, code="A-300", name="餐饮油烟排放检查")
    joint.industries.set([food])
    jl = JointMatterList.objects.create(industry=food, title="餐饮行业联查事项清单", lead_agency=agency_a,
                                        status=JointMatterList.Status.PUBLISHED)
    jl.matters.set([joint])
    for_fuel = MatterFactory(agency=agency_a, code="A-400", name="加油站安全检查")
    for_fuel.industries.set([fuel])
    client.force_login(alice)
    res = client.get(reverse("plans:inspection_create") + f"?enterprise={ent.uscc}")
    labels = [str(w.data["label"]) for w in res.context["form"]["matters"]]
    assert labels == ["A-300 餐饮油烟排放检查（联查事项清单）", "A-100 消防安全检查", "A-200 餐饮服务食品安全检查"]


def test_a_planned_inspection_picks_its_firm_from_the_plans_targets(client, alice, agency_a):
    from .factories import AnnualPlanFactory

    target = EnterpriseFactory(name="计划内企业甲")
    plan = AnnualPlanFactory(lead_agency=agency_a, status="published", targets=[target])
    client.force_login(alice)
    res = client.post(reverse("plans:inspection_create"), {"enterprise": "", "kind": "planned", "plan": plan.pk,
                                                           "_refresh": "1"})
    page = res.content.decode()
    assert 'data-testid="plan-targets"' in page and f'value="{target.uscc}"' in page


def test_a_complete_triggered_draft_passes_every_rule_and_saves(client, alice, agency_a):
    ent = EnterpriseFactory(name="芜湖鸠江味道餐饮有限公司")
    colleague = team(agency_a, 1)[0]
    client.force_login(alice)
    data = {"enterprise": "jjwd", "kind": "triggered", "mode": "onsite", "date": str(date.today() + timedelta(days=1)),
            "trigger_source": "complaint", "trigger_reason": "12345 投诉：后厨卫生",
            "inspectors": [alice.inspector.pk, colleague.pk], "matters": [MatterFactory(agency=agency_a).pk],
            "notice_exempt_reason": "投诉线索，不宜事先告知"}
    page = client.post(reverse("plans:inspection_create"), {**data, "_refresh": "1"}).content.decode()
    assert 'data-testid="rules-ok"' in page
    res = client.post(reverse("plans:inspection_create"), data)
    assert res.status_code == 302
    assert Inspection.objects.get().enterprise == ent


def test_the_import_sets_the_initials_of_new_and_renamed_firms(rita):
    from plans.imports import enterprises_import
    from plans.tests.test_registry_imports import _row, _xlsx

    enterprises_import(fileobj=_xlsx([_row(7, name="鸠江食品厂")]), by=rita)
    assert Enterprise.objects.get().name_initials.split()[0] == "jjspc"
    enterprises_import(fileobj=_xlsx([_row(7, name="鸠江粮油厂")]), by=rita)
    assert Enterprise.objects.get().name_initials.split()[0] == "jjlyc"


def test_one_pages_disabled_inspectors_do_not_carry_into_the_next_form(agency_a, alice):
    """The marks live on each form's own widget (a shared one greyed a valid colleague out later)."""
    from plans.forms import InspectionForm

    expired = InspectorFactory(agency=agency_a, name="陈过期", certificate=None)
    CertificateFactory(inspector=expired, valid_from=date.today() - timedelta(days=900),
                       valid_until=date.today() - timedelta(days=1))
    first = InspectionForm(agency=agency_a)
    assert expired.pk in first.fields["inspectors"].widget.unavailable
    second = InspectionForm(agency=alice.inspector.agency)
    assert second.fields["inspectors"].widget.unavailable is not first.fields["inspectors"].widget.unavailable
    assert InspectionForm.base_fields["inspectors"].widget.unavailable == {}
def test_the_edit_page_checks_the_rules_on_the_changed_form_without_saving(client, alice, agency_a):
    from .factories import make_inspection

    insp = make_inspection(agency=agency_a, inspectors=[alice.inspector, *team(agency_a, 1)],
                           status=Inspection.Status.RETURNED, return_comment="请补充")
    client.force_login(alice)
    edit = reverse("plans:inspection_edit", args=[insp.pk])
    form = client.get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "") and k != "enterprise"}
    data["date"] = str(insp.date)
    data["notified_at"] = form.initial["notified_at"].strftime("%Y-%m-%dT%H:%M")
    data["inspectors"] = [alice.inspector.pk]  # drops the colleague
    res = client.post(edit, {**data, "_refresh": "1"})
    page = res.content.decode()
    assert "请再增加1名本单位持证人员" in page, res.context["form"].errors
    insp.refresh_from_db()
    assert insp.status == Inspection.Status.RETURNED and insp.participations.get().inspectors.count() == 2


def test_the_search_as_you_type_answers_in_a_fixed_number_of_queries(client, alice, django_assert_num_queries):
    for n in range(12):
        EnterpriseFactory(name=f"芜湖鸠江{n}号餐饮有限公司")
    client.force_login(alice)
    url = reverse("plans:inspection_enterprise_search")
    client.get(url, {"enterprise": "whjj"})
    with django_assert_num_queries(3):  # session, user, the matches (with their industries)
        page = client.get(url, {"enterprise": "whjj"}).content.decode()
    assert page.count('name="enterprise_pick"') == 10 and "只列前10家" in page
