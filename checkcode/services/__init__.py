"""checkcode services, split by subject; import from here."""
from .documents import (
    document_correct,
    document_issue,
    document_kind_update,
    document_may_issue,
    document_number_take,
    documents_available,
    documents_batch_queue,
)
from .issue import (
    checkcode_can_issue,
    checkcode_issue,
    checkcode_issue_late,
    checkcode_revoke,
    validity_window,
)
from .public import checkcode_scan_record
from .results import (
    evaluation_submit,
    rectification_respond,
    rectification_verify,
    result_evidence_add,
    result_record,
)
from .sweeps import checkcode_sweep_unshown, rectification_sweep

__all__ = [
    "checkcode_can_issue", "checkcode_issue", "checkcode_issue_late", "checkcode_revoke", "validity_window",
    "checkcode_scan_record", "evaluation_submit", "rectification_respond", "rectification_verify", "result_record",
    "result_evidence_add",
    "checkcode_sweep_unshown", "rectification_sweep", "document_correct", "document_issue", "document_kind_update", "document_may_issue",
    "document_number_take", "documents_available", "documents_batch_queue",
]
