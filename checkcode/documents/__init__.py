"""行政检查文书: what each kind prints (`context`) and its HTML and PDF (`render`). Issuing, numbering and
storing are services (`checkcode.services.documents`). docs/documents.md."""
from .context import document_context, inspection_for_documents, kind_unavailable_reason
from .render import body_html, pdf_bytes

__all__ = ["document_context", "inspection_for_documents", "kind_unavailable_reason", "body_html", "pdf_bytes"]
