"""HTML pages of the guidance app (学习培训, 在线测试, 案例指导, 结果互认)."""
from django.shortcuts import render
from django.utils import timezone

from jiujiang_inspect import roles

from .. import selectors
from .cases import case_detail, case_edit, case_list  # noqa: F401
from .common import staff_required
from .quizzes import (  # noqa: F401
    attempt_detail,
    attempt_list,
    question_import,
    question_list,
    question_template,
    test_create,
    test_detail,
    test_list,
)
from .recognition import equivalence_list, policy_edit, recognition_candidates, recognition_list  # noqa: F401
from .training import (  # noqa: F401
    coverage,
    training_attendance_import,
    training_create,
    training_detail,
    training_list,
    training_material_add,
)


@staff_required
def home(request):
    """学习培训: what an inspector has to learn now; the entry to everything else for managers."""
    user = request.user
    ctx = {"is_reviewer": roles.is_reviewer(user), "is_admin": roles.is_agency_admin(user)}
    if user.inspector_id:
        ctx |= {"trainings": selectors.trainings_due_for_inspector(inspector=user.inspector,
                                                                    today=timezone.localdate())[:10],
                "tests": selectors.tests_open_for_inspector(inspector=user.inspector),
                "inspector": user.inspector}
    ctx["cases"] = selectors.typical_cases_relevant_for_user(user=user).order_by("-occurred_on", "-id")[:6]
    if ctx["is_reviewer"]:
        ctx["coverage"] = selectors.training_coverage_total(selectors.training_coverage_by_agency())
    return render(request, "guidance/home.html", ctx)
