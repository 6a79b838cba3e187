"""Reads for the question bank, tests, attempts and results per inspector and per agency."""
from django.db.models import Count, Max, Q, QuerySet

from jiujiang_inspect import roles
from subjects.models import Agency, Inspector

from ..models import OnlineTest, Question, TestAttempt


def question_list() -> QuerySet[Question]:
    return Question.objects.prefetch_related("tags").order_by("code")


def test_list_for_user(*, user) -> QuerySet[OnlineTest]:
    """Reviewers see every test; everyone else the published and closed ones."""
    qs = OnlineTest.objects.annotate(question_count=Count("questions", distinct=True)).prefetch_related("pools__tag")
    if roles.is_reviewer(user):
        return qs
    return qs.exclude(status=OnlineTest.Status.DRAFT)


def attempt_list_for_user(*, user) -> QuerySet[TestAttempt]:
    """Inspectors see only their own attempts; agency admins their agency's; reviewers all."""
    qs = TestAttempt.objects.select_related("test", "inspector", "inspector__agency")
    if roles.is_reviewer(user):
        return qs
    if roles.is_agency_admin(user) and user.agency_id:
        return qs.filter(inspector__agency_id=user.agency_id)
    if getattr(user, "inspector_id", None):
        return qs.filter(inspector_id=user.inspector_id)
    return qs.none()


def test_results_by_inspector(*, test: OnlineTest, user) -> QuerySet[Inspector]:
    """Each inspector who sat the test (within the user's scope): attempts, best score, passed."""
    attempts = attempt_list_for_user(user=user).filter(test=test).exclude(status=TestAttempt.Status.IN_PROGRESS)
    return (Inspector.objects.filter(pk__in=attempts.values("inspector_id")).select_related("agency")
            .annotate(attempts=Count("test_attempts", filter=Q(test_attempts__test=test)),
                      best=Max("test_attempts__score", filter=Q(test_attempts__test=test)),
                      passed_count=Count("test_attempts", filter=Q(test_attempts__test=test,
                                                                   test_attempts__passed=True)))
            .order_by("agency__code", "name", "id"))


def test_results_by_agency(*, test: OnlineTest, user) -> list[dict]:
    """Per agency: inspectors in scope, how many sat the test, how many passed (in one query each)."""
    attempts = attempt_list_for_user(user=user).filter(test=test).exclude(status=TestAttempt.Status.IN_PROGRESS)
    sat = dict(attempts.order_by().values("inspector__agency_id")
               .annotate(n=Count("inspector_id", distinct=True)).values_list("inspector__agency_id", "n"))
    passed = dict(attempts.filter(passed=True).order_by().values("inspector__agency_id")
                  .annotate(n=Count("inspector_id", distinct=True)).values_list("inspector__agency_id", "n"))
    active = dict(Inspector.objects.filter(is_active=True, is_helper=False, agency_id__in=sat).order_by()
                  .values("agency_id").annotate(n=Count("id")).values_list("agency_id", "n"))
    rows = []
    for agency in Agency.objects.filter(pk__in=sat).order_by("code"):
        n_active = active.get(agency.pk, 0)
        rows.append({"agency": agency, "active": n_active, "sat": sat.get(agency.pk, 0),
                     "passed": passed.get(agency.pk, 0),
                     "pass_rate": round(passed.get(agency.pk, 0) * 100 / n_active, 1) if n_active else 0.0})
    return rows


def tests_open_for_inspector(*, inspector) -> list[dict]:
    """Published tests with the inspector's best result so far (the learning page's "tests due")."""
    tests = list(OnlineTest.objects.filter(status=OnlineTest.Status.PUBLISHED).order_by("-is_checkcode_test", "-id"))
    stats = {r["test_id"]: r for r in TestAttempt.objects.filter(inspector=inspector, test__in=tests).order_by()
             .values("test_id").annotate(n=Count("id"), best=Max("score"),
                                         passed=Count("id", filter=Q(passed=True)))}
    return [{"test": t, "attempts": stats.get(t.pk, {}).get("n", 0), "best": stats.get(t.pk, {}).get("best"),
             "passed": bool(stats.get(t.pk, {}).get("passed"))} for t in tests]
