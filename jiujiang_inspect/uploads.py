"""Files people upload as evidence: one home for checking, storing and serving them (issue 15,
"Recording a result"; docs/operations.md "Uploaded files").

- **Checked by content**: the first bytes decide the type (JPEG, PNG, WebP, HEIC, PDF), never the name or
  the client's content type; anything else is refused (`upload_type`); more than `UPLOAD_MAX_BYTES` is
  refused (`upload_size`). A HEIC photo is taken only if Pillow can read it on this host.
- **Images re-encoded** with Pillow: EXIF orientation applied, then saved as a fresh JPEG without any
  metadata (no GPS, no camera serial), the long side capped at `UPLOAD_IMAGE_MAX_SIDE`. Whatever was
  hidden after or inside the original image is gone.
- **Stored through Django's storage API** (`default` storage: local files, or an S3-compatible bucket in
  production) under `uploads/<prefix>/YYYY/MM/<random>.<ext>`; the original name is kept in the row only.
  `uploads/` is never served by the media URL (`jiujiang_inspect/views.py`, `PRIVATE_MEDIA`).
- **Served only after the caller's permission check**: `stored_file_response` answers with the file,
  `Content-Disposition`, `X-Content-Type-Options: nosniff` and `Cache-Control: private, no-store`.

An app keeps its own model by subclassing `StoredFile` (abstract) and calling `stored_file_save`:

    class Evidence(StoredFile):
        UPLOAD_PREFIX = "evidence"
        result = models.ForeignKey(InspectionResult, ...)

    checked = upload_check(request.FILES["photo"])
    stored_file_save(Evidence(result=r), checked, by=request.user)

This module is plumbing: it imports no app.
"""
import base64
import binascii
import hashlib
import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.http import FileResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps

from .exceptions import ValidationFailed

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_SIDE = 2560
# A photo of 50 megapixels is already beyond any phone's default; more is a decompression bomb.
DEFAULT_MAX_PIXELS = 50_000_000
JPEG_QUALITY = 85

# kind → (content type served, extension stored, Chinese name)
KINDS = {
    "jpeg": ("image/jpeg", "jpg", "JPEG 图片"),
    "png": ("image/png", "png", "PNG 图片"),
    "webp": ("image/webp", "webp", "WebP 图片"),
    "heic": ("image/heic", "heic", "HEIC 照片"),
    "pdf": ("application/pdf", "pdf", "PDF 文档"),
}
IMAGE_KINDS = ("jpeg", "png", "webp", "heic")
# ISO-BMFF brands of HEIF/HEIC stills (and sequences, which iPhones write for live photos).
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
ACCEPT = "image/jpeg,image/png,image/webp,image/heic,image/heif,application/pdf,.jpg,.jpeg,.png,.webp,.heic,.pdf"


class UploadTypeRefused(ValidationFailed):
    """The file is not one of the allowed kinds, judged by its content (400 `upload_type`)."""

    code = "upload_type"
    default_message = _("只能上传照片（JPEG、PNG、WebP）或 PDF 文档。")


class UploadTooLarge(ValidationFailed):
    """The file is larger than `UPLOAD_MAX_BYTES` (400 `upload_size`)."""

    code = "upload_size"
    default_message = _("文件过大。")


@dataclass(frozen=True)
class CheckedUpload:
    """A file that passed `upload_check`: the bytes to store (re-encoded for images), what they are, and
    the name the user gave it (kept for display and download only, never as a storage path)."""

    content: bytes
    kind: str
    content_type: str
    extension: str
    original_name: str
    sha256: str

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


def upload_sniff(head: bytes) -> str | None:
    """The kind of a file from its first bytes (at least 16), or None: the magic numbers of JPEG
    (FF D8 FF), PNG, WebP (RIFF….WEBP), HEIF/HEIC (an ISO-BMFF `ftyp` box with a HEIF brand) and PDF."""
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "heic"
    if head.startswith(b"%PDF-"):
        return "pdf"
    return None


def _max_bytes() -> int:
    return getattr(settings, "UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def _mb(n: int) -> str:
    return f"{n / 1024 / 1024:.0f}MB" if n >= 1024 * 1024 else f"{n // 1024}KB"


def _read(file, limit: int, field: str, name: str) -> bytes:
    size = getattr(file, "size", None)
    if size is not None and size > limit:
        raise UploadTooLarge(_("“%(name)s”过大（%(size)s），单个文件不能超过%(max)s。") % {
            "name": name, "size": _mb(size), "max": _mb(limit)}, detail={field: [_("文件过大。")]})
    if hasattr(file, "seek"):
        file.seek(0)
    data = file.read(limit + 1)
    if len(data) > limit:
        raise UploadTooLarge(_("“%(name)s”过大，单个文件不能超过%(max)s。") % {"name": name, "max": _mb(limit)},
                             detail={field: [_("文件过大。")]})
    return data


def _refuse_type(name: str, field: str, why=None):
    message = str(why or _("“%(name)s”不是可接受的文件：只能上传照片（JPEG、PNG、WebP）或 PDF 文档。") % {"name": name})
    return UploadTypeRefused(message, detail={field: [message]})


def image_reencode(data: bytes, *, max_side: int | None = None, max_pixels: int | None = None) -> bytes:
    """Decode an image and write it again as a baseline JPEG: EXIF orientation applied, no metadata
    (EXIF, XMP, ICC, comments), transparency flattened onto white, the long side at most `max_side`.
    Raises ValueError when the bytes do not decode or hold more than `max_pixels` pixels."""
    max_side = max_side or getattr(settings, "UPLOAD_IMAGE_MAX_SIDE", DEFAULT_MAX_SIDE)
    max_pixels = max_pixels or getattr(settings, "UPLOAD_MAX_PIXELS", DEFAULT_MAX_PIXELS)
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
            if img.width * img.height > max_pixels:
                raise ValueError("too many pixels")
            img.load()
            img = ImageOps.exif_transpose(img)
        except ValueError:
            raise
        except Exception as exc:  # noqa: BLE001 - untrusted bytes: any decoder failure is "not an image"
            raise ValueError(f"{type(exc).__name__}: {exc}") from exc
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        img = Image.new("RGB", rgba.size, "white")
        img.paste(rgba, mask=rgba.getchannel("A"))
    elif img.mode != "RGB":
        img = img.convert("RGB")
    img.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # No exif=, icc_profile= or comment= argument: the new file carries none of the original's metadata.
    img.save(out, format="JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def upload_check(file, *, field: str = "file", name: str | None = None, max_bytes: int | None = None) -> CheckedUpload:
    """Check one uploaded file (an `UploadedFile`, a `File` or anything with `read()`) and return what
    to store. Images come back re-encoded as JPEG (`image_reencode`); a PDF as it was sent.

    Raises `UploadTooLarge` (`upload_size`) past `max_bytes` (default `UPLOAD_MAX_BYTES`, 10 MB) and
    `UploadTypeRefused` (`upload_type`) for any other content, an image that does not decode, or a
    HEIC photo Pillow cannot read here; `detail` names `field`."""
    original = (name or getattr(file, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1][:200] or "文件"
    data = _read(file, max_bytes or _max_bytes(), field, original)
    kind = upload_sniff(data[:32])
    if kind is None:
        raise _refuse_type(original, field)
    if kind in IMAGE_KINDS:
        try:
            data = image_reencode(data)
        except ValueError:
            if kind == "heic":
                raise _refuse_type(original, field, _(
                    "暂不支持 HEIC 格式的照片“%(name)s”：请在手机相机设置中选择“兼容性最佳”（JPEG）后重拍，"
                    "或上传 JPEG/PNG 照片。") % {"name": original}) from None
            raise _refuse_type(original, field, _("“%(name)s”已损坏或不是有效的图片。") % {"name": original}) from None
        kind = "jpeg"
    content_type, extension, _label = KINDS[kind]
    return CheckedUpload(content=data, kind=kind, content_type=content_type, extension=extension,
                         original_name=original, sha256=hashlib.sha256(data).hexdigest())


def upload_from_data_url(text: str, *, name: str, field: str = "file") -> ContentFile | None:
    """The bytes of a `data:<type>;base64,…` URL (what a canvas's `toDataURL()` gives: a signature drawn on
    screen) as a file named `name`, to pass to `upload_check` like any upload; None for an empty value.
    The declared type is ignored (`upload_check` judges the content); the size limit applies to the
    decoded bytes there. Raises `UploadTypeRefused` for text that is not a base64 data URL."""
    text = (text or "").strip()
    if not text:
        return None
    head, sep, payload = text.partition(",")
    if not sep or not head.startswith("data:") or not head.endswith(";base64"):
        raise _refuse_type(name, field)
    if len(payload) > _max_bytes() * 4 // 3 + 4:
        raise UploadTooLarge(_("“%(name)s”过大，单个文件不能超过%(max)s。") % {"name": name, "max": _mb(_max_bytes())},
                             detail={field: [_("文件过大。")]})
    try:
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise _refuse_type(name, field) from None
    return ContentFile(data, name=name)


def upload_path(instance, filename: str) -> str:
    """`upload_to` of `StoredFile.file`: `uploads/<prefix>/YYYY/MM/<random hex>.<ext>`. The user's file
    name never becomes a path (no traversal, no guessing of other files' names)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    now = timezone.localtime()
    return f"uploads/{instance.UPLOAD_PREFIX}/{now:%Y/%m}/{uuid.uuid4().hex}.{ext}"


class StoredFile(models.Model):
    """Abstract row of one uploaded file: subclass it in the app that owns the file (set `UPLOAD_PREFIX`
    and add the foreign key to what it belongs to), fill it with `stored_file_save`, serve it with
    `stored_file_response` after checking who may see its owner. The bytes live in the default storage;
    `sha256` is of the stored bytes (after re-encoding)."""

    UPLOAD_PREFIX = "files"

    file = models.FileField(_("文件"), upload_to=upload_path, max_length=255)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(_("文件类型"), max_length=100)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("上传人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    class Meta:
        abstract = True

    def __str__(self):
        return self.original_name

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def size_display(self) -> str:
        return _mb(self.size) if self.size >= 1024 else f"{self.size}B"


def stored_file_save(instance: StoredFile, checked: CheckedUpload, *, by=None) -> StoredFile:
    """Write `checked` to the storage and save `instance` (a `StoredFile` subclass with its owner set).
    Call inside the transaction that records what the file is evidence of; if that transaction rolls
    back, the bytes are left in the storage without a row (harmless, private, never served)."""
    instance.original_name = checked.original_name
    instance.content_type = checked.content_type
    instance.size = checked.size
    instance.sha256 = checked.sha256
    instance.uploaded_by = by
    instance.file.save(f"upload.{checked.extension}", ContentFile(checked.content), save=False)
    instance.save()
    return instance


def stored_file_response(stored: StoredFile, *, download: bool | None = None) -> FileResponse:
    """The file of `stored` as an HTTP answer. The caller has already decided that the user may see it
    (this function checks nothing). Images are shown inline, PDFs downloaded unless `download=False`;
    the content type is the one found at upload, never guessed from the name; `nosniff` stops a browser
    from reading the bytes as anything else; `no-store` keeps evidence out of shared caches."""
    if download is None:
        download = not stored.is_image
    response = FileResponse(stored.file.open("rb"), content_type=stored.content_type, as_attachment=download,
                            filename=stored.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
    return response
