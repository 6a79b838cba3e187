"""Demo data for supervision in 鸠江区: 12345 tickets (one triaged into a case), supervision cases with
measures (two linked to typical cases of the 案例指导 library), an open satisfaction survey with a few answers, and last month's frequency audit and
today's sweeps. Idempotent: tickets and cases by external id, the survey by title, jobs by period."""
from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from guidance.models import TypicalCase
from jiujiang_inspect import roles
from plans.models import Enterprise, Participation
from plans.selectors.counting import counted_participations
from subjects.models import Agency, User

from .models import HotlineTicket, SupervisionCase, Survey, SurveyResponse
from .periods import previous_month
from .services import cases as case_services
from .services.audit import frequency_audit_run
from .services.hotline import hotline_ticket_open_case, hotline_ticket_receive
from .services.surveys import survey_answer, survey_create, survey_set_status
from .services.sweeps import daily_sweeps_run

TICKETS = [
    ("12345-JJ-{y}-000118", "反映同一周内多个部门上门检查", "我公司位于湾里街道，本周内先后有三批执法人员上门检查消防和安全生产，"
     "影响正常生产，希望合并检查。", "YJGL", 9),
    ("12345-JJ-{y}-000131", "执法人员检查时未出示检查码", "检查人员到店检查食品安全，未出示检查码，也未事先告知。", "SCJG", 6),
    ("12345-JJ-{y}-000142", "咨询年度检查计划公示情况", "想了解今年本企业是否在抽查计划内。", "", 3),
    ("12345-JJ-{y}-000150", "反映检查后整改期限过短", "整改要求三天内完成设备更换，时间过紧。", "STHJ", 1),
]
CASES = [
    ("DEMO-CASE-{y}-01", "区城管局同一企业月内多次触发式检查", "频次监测发现同一企业一个月内被触发式检查4次，"
     "其中3次为同一单位，已超过阈值。", "CGJ", [("correction", -20, 10, "鸠司督〔{y}〕5号 责令改正通知书", "已提交整改报告"),
                                              ("interview", -5, 10, "鸠司约〔{y}〕2号 约谈通知书", "")]),
    ("DEMO-CASE-{y}-02", "区住建局检查未事先告知", "企业评议反映检查未事先告知且未亮码。", "ZJJ",
     [("correction", -3, 15, "鸠司督〔{y}〕7号 责令改正通知书", "")]),
]

# Supervision cases chosen into the 案例指导 library (guidance.demo's typical cases, by title).
TYPICAL = {
    "DEMO-CASE-{y}-01": ["一月内多部门对同一企业重复检查被阻断"],
    "DEMO-CASE-{y}-02": ["某单位执法人员未申请检查码入企检查被责令改正"],
}


def seed(*, stdout=None):
    def say(msg):
        if stdout is not None:
            stdout.write(f"  {msg}")

    reviewer = User.objects.filter(role=roles.REVIEWER, is_active=True).order_by("id").first()
    if reviewer is None:
        say("supervision：没有审核员账号，跳过。")
        return
    now = timezone.now()
    year = timezone.localdate().year
    agencies = {a.code: a for a in Agency.objects.all()}
    enterprises = list(Enterprise.objects.order_by("id")[:4])

    for i, (ext, title, content, code, days_ago) in enumerate(TICKETS):
        ticket, _created = hotline_ticket_receive(
            by=reviewer, external_id=ext.format(y=year), title=title, content=content,
            received_at=now - timedelta(days=days_ago), agency=agencies.get(code),
            enterprise_uscc=enterprises[i].uscc if i < len(enterprises) else "")
        if i == 0 and ticket.status == HotlineTicket.Status.NEW and ticket.agency:
            hotline_ticket_open_case(ticket=ticket, by=reviewer, deadline=timezone.localdate() + timedelta(days=15))
    say(f"12345工单 {HotlineTicket.objects.count()} 张")

    for ext, title, problem, code, measures in CASES:
        ext = ext.format(y=year)
        if code not in agencies or SupervisionCase.objects.filter(external_id=ext).exists():
            continue
        case = case_services.case_create(by=reviewer, source=SupervisionCase.Source.AUDIT, agency=agencies[code],
                                         title=title, problem=problem, external_id=ext,
                                         deadline=timezone.localdate() + timedelta(days=20))
        for kind, offset, span, doc, outcome in measures:
            day = timezone.localdate() + timedelta(days=offset)
            case_services.case_measure_add(case=case, by=reviewer, kind=kind, date=day,
                                           deadline=day + timedelta(days=span), document=doc.format(y=year),
                                           outcome=outcome)
    for ext, titles in TYPICAL.items():
        case = SupervisionCase.objects.filter(external_id=ext.format(y=year)).first()
        typical = list(TypicalCase.objects.filter(title__in=titles))
        if case is not None and typical and not case.typical_cases.exists():
            case_services.case_typical_cases_set(case=case, by=reviewer, typical_cases=typical,
                                                 reason="选入案例指导库")
    say(f"监督案件 {SupervisionCase.objects.count()} 件")

    title = f"{year}年度涉企行政检查满意度测评"
    survey = Survey.objects.filter(title=title).first()
    if survey is None:
        survey = survey_create(by=reviewer, title=title, period_start=timezone.localdate().replace(month=1, day=1),
                               period_end=timezone.localdate().replace(month=12, day=31),
                               questions=[{"text": "检查前是否事先告知检查时间、依据和方式"},
                                          {"text": "检查人员是否出示检查码和执法证件"},
                                          {"text": "检查是否文明规范、未影响正常经营"},
                                          {"text": "对本次检查的总体满意程度"}])
        survey_set_status(survey=survey, by=reviewer, status=Survey.Status.OPEN)
    pairs = (counted_participations(Participation.objects.filter(inspection__date__year=year))
             .values("inspection__enterprise__uscc", "agency_id").annotate(n=Count("id")).order_by("agency_id")[:8])
    for k, p in enumerate(pairs):
        if SurveyResponse.objects.filter(survey=survey, enterprise__uscc=p["inspection__enterprise__uscc"],
                                         agency_id=p["agency_id"]).exists():
            continue
        answers = {q["key"]: 5 - (k + j) % 3 for j, q in enumerate(survey.questions)}
        survey_answer(survey=survey, uscc=p["inspection__enterprise__uscc"], agency=Agency.objects.get(pk=p["agency_id"]),
                      answers=answers, comment="检查规范，提前告知，希望继续推行综合查一次。" if k % 2 else "")
    say(f"满意度测评答卷 {survey.responses.count()} 份")

    month = previous_month()
    run = frequency_audit_run(month=month, by=reviewer)
    say(f"{month} 频次监测：{run.get_status_display()}，预警 {run.counts.get('alerts')}，阻断 {run.counts.get('blocks')}")
    sweep = daily_sweeps_run()
    say(f"每日巡检：{sweep.get_status_display()}")
