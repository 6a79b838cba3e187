"""QR images of the public verification URL (PNG for phones and paper, SVG for print)."""
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse


def verify_url(code: str) -> str:
    return settings.PUBLIC_BASE_URL.rstrip("/") + reverse("checkcode:public_code", args=[code])


def qr_png(code: str, *, box_size: int = 10) -> bytes:
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(verify_url(code))
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image().save(buf, format="PNG")
    return buf.getvalue()


def qr_svg(code: str) -> bytes:
    img = qrcode.make(verify_url(code), image_factory=qrcode.image.svg.SvgPathImage,
                      error_correction=qrcode.constants.ERROR_CORRECT_M)
    buf = io.BytesIO()
    img.save(buf)
    return buf.getvalue()
