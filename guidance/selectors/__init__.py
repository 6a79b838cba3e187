"""Reads of the guidance app, scoped to what a user may see."""
from .cases import (  # noqa: F401
    typical_case_list_for_user,
    typical_case_search,
    typical_cases_relevant_for_user,
)
from .quizzes import (  # noqa: F401
    attempt_list_for_user,
    question_list,
    test_list_for_user,
    test_results_by_agency,
    test_results_by_inspector,
    tests_open_for_inspector,
)
from .recognition import (  # noqa: F401
    equivalence_list,
    equivalents_of,
    recognisable_results,
    recognition_list_for_user,
    recognitions_between,
    recognitions_count,
)
from .training import (  # noqa: F401
    inspectors_missing_training,
    training_coverage_by_agency,
    training_coverage_total,
    training_list_for_user,
    trainings_due_for_inspector,
)
