"""Services of the guidance app (rules live here; views, API, admin and jobs call them)."""
from .cases import typical_case_publish, typical_case_save, typical_case_withdraw  # noqa: F401
from .quizzes import (  # noqa: F401
    attempt_review,
    attempt_start,
    attempt_submit,
    question_errors,
    question_save,
    test_close,
    test_publish,
    test_save,
)
from .recognition import (  # noqa: F401
    equivalence_create,
    equivalence_deactivate,
    policy_update,
    recognition_create,
)
from .training import (  # noqa: F401
    training_attendance_record,
    training_create,
    training_material_add,
    training_sign_in,
    training_update,
)
