"""Writes to the matter catalogue. Every lifecycle transition is one service with an audit entry.

Re-exported here so callers write `from matters import services; services.matter_file(...)`."""
from .joint_lists import (  # noqa: F401
    joint_list_create,
    joint_list_new_version,
    joint_list_publish,
    joint_list_update,
)
from .legal_bases import legal_basis_create, legal_basis_update  # noqa: F401
from .matters import (  # noqa: F401
    catalogue_submit,
    matter_cancel,
    matter_create,
    matter_file,
    matter_mark_used,
    matter_publish,
    matter_reject,
    matter_submit,
    matter_update,
)
