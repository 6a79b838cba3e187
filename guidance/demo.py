"""Demo data for 学习培训、案例指导、结果互认 in 鸠江区: the real seed question bank (47 questions),
the 检查码 test and a measures test, 检查码 trainings in March–April with attendance for most
inspectors (so the coverage page has people missing), an upcoming session and one today, typical
cases linked to matters and the negative list, equivalences between fire-safety matters, and one
结果互认 when the earlier demos left a draft that another agency's recent result covers.
Idempotent: a second run changes nothing. Runs after subjects, matters, plans, checkcode demos."""
import random
from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from checkcode.models import InspectionResult
from jiujiang_inspect import roles
from matters.models import InspectionMatter, NegativeListItem
from plans.models import Inspection
from subjects.models import Agency, Inspector, User

from .imports import _parse_answer
from .models import (
    GuidancePolicy,
    MatterEquivalence,
    OnlineTest,
    Question,
    ResultRecognition,
    TrainingAttendance,
    TrainingSession,
    TypicalCase,
)
from .question_bank import QUESTIONS
from .selectors import recognisable_results
from .services import (
    equivalence_create,
    question_save,
    recognition_create,
    test_publish,
    test_save,
    training_create,
    typical_case_publish,
    typical_case_save,
)

CHECKCODE_TEST = "“检查码”操作与涉企检查规范测试"
MEASURES_TEST = "“综合查一次”二十一项重点举措知识测试"

CASES = [
    ("某单位执法人员未申请检查码入企检查被责令改正", "violation", "no_code", "SCJG", (2025, 3, 12),
     "2025年3月，某单位两名执法人员对辖区一家餐饮企业开展日常检查，未在系统发起任务、未申请“检查码”，企业通过12345热线反映。",
     "鸠政办秘〔2025〕2号举措10：未申请“检查码”的，原则上不得开展入企检查；负面清单：未出示检查码即实施现场检查。",
     "区司法局责令该单位改正，对带队人员进行批评教育，将该单位纳入当月重点督导。",
     "入企检查前必须在系统发起任务、经审批赋码并亮码；确因紧急情况先查的，须在10日内补码并说明理由。",
     ["N01"], "餐饮"),
    ("一月内多部门对同一企业重复检查被阻断", "violation", "over_inspection", "YJGL", (2025, 3, 25),
     "某机械制造企业3月内先后接受应急、消防、生态环境等部门5次触发式检查，其中两次检查事项相同。",
     "鸠江区频次规则：同一企业每月触发式检查超过4次（全部单位）即阻断；负面清单：同一事项重复检查、多头检查。",
     "系统自动阻断第5次检查申请并产生预警，区司法局约谈相关单位，协调后改为联合检查。",
     "同一企业的检查应先查询已有计划和结果，能合并的合并，能互认的互认，避免“多头查、重复查”。",
     ["N04"], "安全"),
    ("执法人员借检查之机吃拿卡要被移送纪检监察", "violation", "misconduct", None, (2025, 4, 8),
     "企业在评议中反映，检查人员暗示企业安排宴请，并要求企业购买指定的检测服务。",
     "负面清单：吃拿卡要、收受财物；要求企业指定购买商品、服务。鸠政办秘〔2025〕2号举措20。",
     "区司法局核实后立监督案件，对涉事单位公开约谈，相关人员涉嫌违纪问题移送纪检监察机关。",
     "廉洁执法是底线。企业评议匿名、直达区司法局，任何吃拿卡要行为都会被发现、被查处。",
     ["N05", "N06"], None),
    ("单人入企检查，检查结论被撤销", "violation", "procedure", None, (2025, 2, 26),
     "某单位一名执法人员独自对企业开展现场检查并作出责令整改决定，另一名“同行人员”为辅助人员。",
     "《行政处罚法》第四十二条：执法人员不得少于两人；辅助人员不计入两人执法人数。",
     "该次检查结论被撤销，单位重新安排两名持证执法人员依法检查。",
     "每个参与单位都要派出至少两名本单位持证执法人员，证件须在检查当日有效。",
     ["N02"], None),
    ("餐饮行业“综合查一次”：三部门一次进门", "good_practice", "joint", "SCJG", (2025, 3, 18),
     "区市场监管局牵头，会同消防救援大队、生态环境分局，按餐饮行业联查事项清单对12家餐饮企业开展联合检查，一次进门、一表检查。",
     "鸠政办秘〔2025〕2号举措4、5：编制联查事项清单和年度检查计划；联合检查对企业计一次。",
     "12家企业原需接受36次检查，实际入企12次，减少入企24次；发现问题当场指导整改。",
     "按行业统筹、一次进门，是减少对企业打扰、提高检查效能的有效方式。",
     [], "餐饮"),
    ("网络巡查替代入企：危化品经营许可信息核查", "good_practice", "offsite", "YJGL", (2025, 4, 2),
     "区应急管理局对辖区危化品经营企业的许可信息和台账，采用远程视频和书面核查方式完成。",
     "鸠政办秘〔2025〕2号举措13：能通过非现场方式实现监管目的的，不得入企现场检查。",
     "全部采用非现场方式完成，未占用企业年度现场检查额度。",
     "先想“能不能不进门”：非现场检查同样规范、可追溯，又不打扰企业。",
     [], None),
    ("消防安全检查结果互认，不再重复入企", "good_practice", "recognition", "SCJG", (2025, 4, 15),
     "区市场监管局拟对一家商场开展检查，系统提示消防救援大队20天前已对其等效的消防安全事项作出检查结果，未发现问题。",
     "鸠政办秘〔2025〕2号举措12：推进信息互通、结果互认。",
     "区市场监管局记录互认理由后取消本次检查，不赋码、不入企，计为减少一次入企检查。",
     "起草检查时先看“别人查过没有”，等效事项在互认期限内的结果可直接互认。",
     [], "消防"),
]


def _reviewer():
    return (User.objects.filter(username="sfj_shenhe").first() or User.objects.filter(is_superuser=True).first()
            or User.objects.filter(role="reviewer").first())


def _seed_bank(by):
    for code, kind, stem, options, answer, basis, explanation, tags in QUESTIONS:
        current = Question.objects.filter(code=code).first()
        question_save(by=by, question=current, code=code, kind=kind, stem=stem, options=list(options),
                      answer=_parse_answer(kind, answer), basis=basis, explanation=explanation, tags=tags,
                      audit=current is None)


def _seed_tests(by):
    if not OnlineTest.objects.filter(title=CHECKCODE_TEST).exists():
        test = test_save(by=by, title=CHECKCODE_TEST, mode=OnlineTest.Mode.RANDOM, pass_mark=80,
                         time_limit_minutes=30, is_checkcode_test=True,
                         description="举措9：全区执法人员4月底前完成检查码操作培训并通过本测试。每次随机抽题，80分及格。",
                         pools=[("检查码", 6), ("两人执法", 3), ("频次上限", 3), ("触发式检查", 2), ("负面清单", 1)])
        test_publish(test=test, by=by)
    if not OnlineTest.objects.filter(title=MEASURES_TEST).exists():
        test = test_save(by=by, title=MEASURES_TEST, mode=OnlineTest.Mode.FIXED, pass_mark=60, time_limit_minutes=20,
                         description="鸠政办秘〔2025〕2号 重点举措。",
                         questions=list(Question.objects.filter(code__startswith="JC-")))
        test_publish(test=test, by=by)


def _seed_trainings(by, today, rng):
    deadline = GuidancePolicy.current().checkcode_training_deadline
    sfj = Agency.objects.filter(code="SFJ").first()
    if sfj is None:
        return
    inspectors = list(Inspector.objects.filter(is_active=True, is_helper=False).order_by("pk"))
    sessions = [
        ("全区“检查码”操作培训（第一期）", deadline - timedelta(days=40), "区政务服务中心三楼会议室"),
        ("全区“检查码”操作培训（第二期）", deadline - timedelta(days=20), "区司法局视频会议"),
        ("“综合查一次”联合检查业务培训", deadline - timedelta(days=10), "区市场监管局会议室"),
    ]
    for n, (title, day, place) in enumerate(sessions):
        session = TrainingSession.objects.filter(title=title).first()
        if session is None:
            session = training_create(by=by, title=title, date=day, organiser=sfj, location=place,
                                      is_checkcode=n < 2, description="检查任务发起、审批赋码、亮码检查、结果录入与企业评议全流程实操。")
            TrainingSession.objects.filter(pk=session.pk).update(status=TrainingSession.Status.DONE)
            # About 80% of inspectors came to one of the two 检查码 sessions; the rest show as missing.
            chosen = [i for i in inspectors if rng.random() < (0.45 if n < 2 else 0.3)]
            TrainingAttendance.objects.bulk_create(
                [TrainingAttendance(session=session, inspector=i, method=TrainingAttendance.Method.ORGANISER,
                                    recorded_by=by) for i in chosen], ignore_conflicts=True)
    for title, day in (("“检查码”操作培训（补训班）", today), ("涉企行政检查负面清单专题培训", today + timedelta(days=7))):
        if not TrainingSession.objects.filter(title=title).exists():
            training_create(by=by, title=title, date=day, organiser=sfj, location="区司法局二楼会议室",
                            is_checkcode="检查码" in title, description="面向尚未完成检查码培训的执法人员。")


def _matter_for(agency_code, word):
    qs = InspectionMatter.objects.filter(status=InspectionMatter.Status.PUBLISHED)
    if agency_code:
        qs = qs.filter(agency__code=agency_code)
    return list(qs.filter(name__contains=word)[:2]) if word else list(qs[:1])


def _seed_cases(by):
    for title, kind, category, agency_code, day, facts, rule, handling, lesson, negatives, word in CASES:
        if TypicalCase.objects.filter(title=title).exists():
            continue
        case = typical_case_save(
            by=by, title=title, kind=kind, category=category,
            agency=Agency.objects.filter(code=agency_code).first() if agency_code else None,
            occurred_on=date(*day), facts=facts, rule=rule, handling=handling, lesson=lesson,
            matters=_matter_for(agency_code, word), negative_items=list(NegativeListItem.objects.filter(code__in=negatives)))
        typical_case_publish(case=case, by=by)


EQUIVALENCE_NOTE = "同为消防安全检查，结果可互认"


def _seed_equivalences(by):
    """One pair of fire-safety matters of different agencies; once (a rerun used to add the next pair)."""
    if MatterEquivalence.objects.filter(note=EQUIVALENCE_NOTE).exists():
        return
    fire = list(InspectionMatter.objects.filter(name__contains="消防").select_related("agency").order_by("pk"))
    for a in fire:
        for b in fire:
            if a.pk < b.pk and a.agency_id != b.agency_id and not MatterEquivalence.objects.filter(
                    matter_a=a, matter_b=b).exists():
                equivalence_create(by=by, matter_a=a, matter_b=b, note=EQUIVALENCE_NOTE)
                return


RECOGNITION_REASON = "该企业近期已由其他单位对等效事项检查且结果已录入，在互认期限内，依举措12予以互认，不再入企。"
RECOGNITION_CANDIDATES = 50  # drafts examined at most: the demo stays quick on a large database


def _seed_recognition():
    """One 结果互认 through the real service (举措 12), if a draft of one agency is fully covered by a
    result another agency recorded at the same enterprise within the window. Only drafts dated today or
    later are taken (a demo never rewrites the past); nothing is invented when none fits."""
    if ResultRecognition.objects.filter(reason=RECOGNITION_REASON).exists():
        return None
    with_results = InspectionResult.objects.values("inspection__enterprise_id")
    drafts = (Inspection.objects.filter(status=Inspection.Status.DRAFT, recognition__isnull=True,
                                        date__gte=timezone.localdate(), enterprise_id__in=with_results)
              .select_related("enterprise").order_by("date", "pk")[:RECOGNITION_CANDIDATES])
    for draft in drafts:
        match = next((c for c in recognisable_results(inspection=draft) if c["full"]), None)
        if match is None:
            continue
        by = (User.objects.filter(agency_id=draft.initiating_agency_id, is_active=True,
                                  role__in=[roles.AGENCY_ADMIN, roles.INSPECTOR])
              .order_by("role", "pk").first())  # "agency_admin" < "inspector": the admin decides if there is one
        if by is None:
            continue
        return recognition_create(inspection=draft, result=match["result"], by=by, reason=RECOGNITION_REASON)
    return None


@transaction.atomic
def seed(*, stdout=None, today: date | None = None):
    today = today or timezone.localdate()
    by = _reviewer()
    if by is None:
        if stdout:
            stdout.write("  学习培训：没有审核员账号，跳过（请先运行 subjects 演示数据）")
        return
    rng = random.Random(20250430)
    GuidancePolicy.current()
    _seed_bank(by)
    _seed_tests(by)
    _seed_trainings(by, today, rng)
    _seed_cases(by)
    _seed_equivalences(by)
    recognition = _seed_recognition()
    if stdout:
        stdout.write(f"  学习培训：题库 {Question.objects.count()} 题，测试 {OnlineTest.objects.count()} 个，"
                     f"培训 {TrainingSession.objects.count()} 期，典型案例 {TypicalCase.objects.count()} 个，"
                     f"等效事项 {MatterEquivalence.objects.count()} 对，结果互认 {ResultRecognition.objects.count()} 件"
                     + (f"（本次新增：{recognition.agency} 互认 {recognition.enterprise}）" if recognition else ""))
