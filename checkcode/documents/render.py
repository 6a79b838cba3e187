"""HTML and PDF of a 行政检查文书. The body is rendered once, stored as issued, and framed for the print
view (the site's page) or the PDF (WeasyPrint, A4, "第 N 页 共 M 页" from the @page counters in
static/css/documents.css). docs/documents.md "PDF"."""
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

STYLESHEET = "css/documents.css"


def body_html(ctx: dict) -> str:
    """The document's body (an <article>), from `context.document_context`."""
    return render_to_string("checkcode/documents/document.html",
                            {**ctx, "kind_template": f"checkcode/documents/kinds/{ctx['kind']}.html"})


def pdf_bytes(*, body: str, title: str, number: str) -> bytes:
    """The PDF of a stored body. Fetches nothing from the network: the stylesheet is read from the
    static files and the QR is a data: URI inside the body."""
    # WeasyPrint takes about a second to import (Pango, fonts): loaded when a PDF is made, not by
    # every process that imports the app.
    import weasyprint

    page = render_to_string("checkcode/documents/pdf.html", {"body": body, "title": title, "number": number})
    css = weasyprint.CSS(filename=finders.find(STYLESHEET))
    return weasyprint.HTML(string=page, base_url=None).write_pdf(stylesheets=[css])
