"""HTML pages of the enterprise registry, caps and annual plans (urls in urls_registry.py)."""
from .enterprises import (  # noqa: F401
    cap_policy_edit,
    enterprise_create,
    enterprise_detail,
    enterprise_edit,
    enterprise_import,
    enterprise_list,
    enterprise_pool_move,
)
from .plans import (  # noqa: F401
    plan_action,
    plan_create,
    plan_detail,
    plan_draw,
    plan_edit,
    plan_list,
    plan_review_queue,
    plan_targets,
)
from .public import public_plans  # noqa: F401
