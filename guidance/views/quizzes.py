"""在线测试 pages: tests, taking a test (with a countdown), the review of mistakes, results, the
question bank and its Excel import."""
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from jiujiang_inspect import roles
from jiujiang_inspect.audit import audit_history
from jiujiang_inspect.excel import workbook_response
from jiujiang_inspect.exceptions import ApplicationError
from jiujiang_inspect.web import upload_job_start

from .. import selectors, services
from ..filters import AttemptFilterSet, OnlineTestFilterSet
from ..forms import TestForm, UploadForm
from ..imports import QUESTION_HEADERS
from ..models import OnlineTest, Question, TestAttempt
from ..question_bank import QUESTIONS
from .common import apply_errors, reviewer_required, staff_required


@staff_required
def test_list(request):
    base = selectors.test_list_for_user(user=request.user).order_by("-is_checkcode_test", "-id")
    f = OnlineTestFilterSet(request.GET, queryset=base)
    if request.GET.get("export") == "xlsx":
        rows = ([t.title, t.get_mode_display(), t.question_count, t.pass_mark, t.time_limit_minutes,
                 t.max_attempts or "不限", "是" if t.is_checkcode_test else "否", t.get_status_display(),
                 timezone.localtime(t.created_at).strftime("%Y-%m-%d %H:%M")]
                for t in f.qs.iterator(chunk_size=500))
        return workbook_response(f"在线测试_{timezone.localdate():%Y%m%d}.xlsx", [(
            "在线测试", ["测试名称", "组卷方式", "固定试题数", "及格分", "限时（分钟）", "最多作答次数", "检查码测试",
                     "状态", "创建时间"], rows)])
    tests = f.qs
    mine = {}
    if request.user.inspector_id:
        mine = {r["test"].pk: r for r in selectors.tests_open_for_inspector(inspector=request.user.inspector)}
    return render(request, "guidance/test_list.html", {
        "filter": f, "tests": [(t, mine.get(t.pk)) for t in tests], "is_reviewer": roles.is_reviewer(request.user)})


def _test_for(request, pk) -> OnlineTest:
    return get_object_or_404(selectors.test_list_for_user(user=request.user), pk=pk)


@staff_required
def test_detail(request, pk):
    test = _test_for(request, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start":
                attempt = services.attempt_start(test=test, by=request.user)
                return redirect("guidance:attempt_detail", pk=attempt.pk)
            if action == "publish":
                services.test_publish(test=test, by=request.user)
                messages.success(request, "测试已发布。")
            elif action == "close":
                services.test_close(test=test, by=request.user)
                messages.success(request, "测试已关闭。")
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("guidance:test_detail", pk=test.pk)
    return render(request, "guidance/test_detail.html", {
        "test": test, "by_agency": selectors.test_results_by_agency(test=test, user=request.user),
        "by_inspector": selectors.test_results_by_inspector(test=test, user=request.user)[:200],
        "is_reviewer": roles.is_reviewer(request.user), "can_take": bool(request.user.inspector_id),
        "pools": list(test.pools.select_related("tag")), "questions": list(test.questions.order_by("code"))
        if roles.is_reviewer(request.user) else [],
        # Who published or closed the test, from the audit trail (docs/ui.md: detail pages show history).
        "history": audit_history(test)[:30] if roles.is_reviewer(request.user) else None})


@reviewer_required
def test_create(request):
    form = TestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {k: form.cleaned_data[k] for k in TestForm.Meta.fields}
        codes = form.cleaned_data["question_codes"]
        questions = list(Question.objects.filter(code__in=codes))
        missing = set(codes) - {q.code for q in questions}
        if missing:
            form.add_error("question_codes", "找不到题目：" + "、".join(sorted(missing)))
        else:
            try:
                test = services.test_save(by=request.user, questions=questions, pools=form.cleaned_data["pools"],
                                          **data)
            except ApplicationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "测试已保存为草稿，检查无误后请发布。")
                return redirect("guidance:test_detail", pk=test.pk)
    return render(request, "guidance/form.html", {"form": form, "title": "新建在线测试"})


@staff_required
def attempt_list(request):
    base = selectors.attempt_list_for_user(user=request.user).order_by("-started_at", "-id")
    f = AttemptFilterSet(request.GET, queryset=base, request=request)
    if request.GET.get("export") == "xlsx":
        rows = ([a.test.title, a.inspector.agency.name if a.inspector.agency_id else "", a.inspector.name,
                 timezone.localtime(a.started_at).strftime("%Y-%m-%d %H:%M"),
                 timezone.localtime(a.submitted_at).strftime("%Y-%m-%d %H:%M") if a.submitted_at else "",
                 a.get_status_display(), a.score, a.correct_count, a.total_count, "是" if a.passed else "否"]
                for a in f.qs.iterator(chunk_size=500))
        return workbook_response(f"测试记录_{timezone.localdate():%Y%m%d}.xlsx", [(
            "测试记录", ["测试", "单位", "姓名", "开始时间", "交卷时间", "状态", "得分", "答对题数", "题数", "通过"],
            rows)])
    page = Paginator(f.qs, 50).get_page(request.GET.get("page"))
    return render(request, "guidance/attempt_list.html", {"filter": f, "page": page})


def _answers_from_post(post, paper):
    answers = {}
    for q in paper:
        chosen = post.getlist(f"q{q['id']}")
        answers[str(q["id"])] = [int(c) for c in chosen if c.isdigit()]
    return answers


@staff_required
def attempt_detail(request, pk):
    attempt = get_object_or_404(selectors.attempt_list_for_user(user=request.user), pk=pk)
    if request.method == "POST":
        if attempt.user_id != request.user.pk:
            raise PermissionDenied
        try:
            attempt = services.attempt_submit(attempt=attempt, by=request.user,
                                              answers=_answers_from_post(request.POST, attempt.paper))
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "已交卷。" + ("恭喜通过！" if attempt.passed else "未通过，请查看错题解析后再试。"))
        return redirect("guidance:attempt_detail", pk=attempt.pk)
    review = services.attempt_review(attempt)
    seconds_left = max(0, int((attempt.deadline_at - timezone.now()).total_seconds()))
    return render(request, "guidance/attempt_detail.html", {
        "attempt": attempt, "review": sorted(review, key=lambda r: (r["correct"], r["number"])),
        "mistakes": sum(1 for r in review if not r["correct"]), "seconds_left": seconds_left,
        "answering": attempt.status == TestAttempt.Status.IN_PROGRESS and attempt.user_id == request.user.pk})


@reviewer_required
def question_list(request):
    qs = selectors.question_list()
    text = request.GET.get("q", "").strip()
    if text:
        qs = qs.filter(Q(code__icontains=text) | Q(stem__icontains=text) | Q(basis__icontains=text)
                       | Q(tags__name=text)).distinct()
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(request, "guidance/question_list.html", {"page": page, "q": text})


@reviewer_required
def question_import(request):
    form = UploadForm(request.POST or None, request.FILES or None)
    started = upload_job_start(request, form, kind="guidance.imports.questions_import")
    if started:
        return started
    return render(request, "guidance/question_import.html", {"form": form, "headers": list(QUESTION_HEADERS)})


@reviewer_required
def question_template(request):
    """The import template, filled with the first seed questions as examples."""
    rows = []
    for code, kind, stem, options, answer, basis, explanation, tags in QUESTIONS[:5]:
        opts = (list(options) + [""] * 6)[:6]
        rows.append([code, {"single": "单选", "multiple": "多选", "true_false": "判断"}[kind], stem, *opts, answer,
                     basis, explanation, "、".join(tags)])
    return workbook_response("题库导入模板.xlsx", [("题库", list(QUESTION_HEADERS), rows)])
