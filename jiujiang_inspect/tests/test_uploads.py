"""jiujiang_inspect/uploads.py: evidence files are judged by their content, images are re-encoded without
metadata, sizes are capped, and a stored file is answered with headers that stop a browser from reading
it as anything else (issue 15 "Recording a result")."""
import io
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from jiujiang_inspect.uploads import (
    UploadTooLarge,
    UploadTypeRefused,
    image_reencode,
    stored_file_response,
    upload_check,
    upload_sniff,
)

ROOT = Path(__file__).resolve().parents[2]


def jpeg_bytes(size=(40, 20), color=(200, 30, 30), exif=None, fmt="JPEG", mode="RGB"):
    img = Image.new(mode, size, color if mode == "RGB" else (*color, 128))
    out = io.BytesIO()
    kwargs = {"exif": exif} if exif is not None else {}
    img.save(out, format=fmt, **kwargs)
    return out.getvalue()


def exif_with(orientation=None, gps=False, make="鸠江测试相机"):
    exif = Image.Exif()
    exif[0x010F] = make  # Make
    if orientation:
        exif[0x0112] = orientation
    if gps:
        exif[0x8825] = {1: "N", 2: (31.0, 20.0, 0.0), 3: "E", 4: (118.0, 22.0, 0.0)}
    return exif


def test_a_php_script_named_jpg_is_refused_whatever_the_client_says():
    upload = SimpleUploadedFile("照片.jpg", b"<?php system($_GET['c']); ?>", content_type="image/jpeg")
    with pytest.raises(UploadTypeRefused) as exc:
        upload_check(upload, field="photos")
    assert exc.value.code == "upload_type" and exc.value.status_code == 400
    assert "照片.jpg" in exc.value.message and "只能上传照片" in exc.value.message
    assert list(exc.value.detail) == ["photos"]


def test_jpeg_magic_followed_by_a_script_is_not_an_image():
    with pytest.raises(UploadTypeRefused) as exc:
        upload_check(SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0<?php echo 1; ?>" * 10))
    assert "已损坏或不是有效的图片" in exc.value.message


def test_a_script_appended_to_a_real_photo_is_gone_after_re_encoding():
    data = jpeg_bytes() + b"<?php system($_GET['c']); ?>"
    checked = upload_check(SimpleUploadedFile("x.php.jpg", data))
    assert b"<?php" not in checked.content and checked.content.startswith(b"\xff\xd8\xff")


def test_a_png_with_exif_is_re_encoded_as_jpeg_upright_and_without_metadata():
    """GIVEN a PNG, 40×20 as stored, whose EXIF says "rotate 90°" (orientation 6) and names a camera
    WHEN it is checked THEN it comes back as a JPEG of 20×40 (upright) with no EXIF, no ICC, no text."""
    data = jpeg_bytes(size=(40, 20), exif=exif_with(orientation=6, gps=True), fmt="PNG")
    assert Image.open(io.BytesIO(data)).getexif()[0x0112] == 6  # the crafted file really carries it
    checked = upload_check(SimpleUploadedFile("现场.png", data, content_type="application/octet-stream"))
    assert (checked.kind, checked.content_type, checked.extension) == ("jpeg", "image/jpeg", "jpg")
    assert checked.original_name == "现场.png" and checked.size == len(checked.content)
    out = Image.open(io.BytesIO(checked.content))
    assert out.format == "JPEG" and out.size == (20, 40)
    assert not out.getexif() and "icc_profile" not in out.info and "exif" not in out.info
    assert "鸠江测试相机".encode() not in checked.content


def test_a_jpeg_with_gps_loses_it():
    data = jpeg_bytes(exif=exif_with(gps=True))
    assert Image.open(io.BytesIO(data)).getexif().get(0x8825) is not None
    out = Image.open(io.BytesIO(upload_check(SimpleUploadedFile("p.jpg", data)).content))
    assert not out.getexif()


def test_large_photos_are_capped_on_their_long_side(settings):
    settings.UPLOAD_IMAGE_MAX_SIDE = 100
    data = jpeg_bytes(size=(400, 300), fmt="WEBP")
    out = Image.open(io.BytesIO(upload_check(SimpleUploadedFile("w.webp", data)).content))
    assert out.size == (100, 75)


def test_transparent_pictures_are_flattened_onto_white():
    data = jpeg_bytes(fmt="PNG", mode="RGBA", color=(0, 0, 0))
    out = Image.open(io.BytesIO(upload_check(SimpleUploadedFile("sig.png", data)).content))
    assert out.mode == "RGB" and out.getpixel((0, 0))[0] > 100  # half-transparent black on white is grey


def test_oversize_files_are_refused_by_their_size_and_by_what_is_read(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    big = jpeg_bytes(size=(300, 300)) + b"\0" * 2048
    with pytest.raises(UploadTooLarge) as exc:
        upload_check(SimpleUploadedFile("big.jpg", big))
    assert exc.value.code == "upload_size" and "不能超过1KB" in exc.value.message
    stream = io.BytesIO(big)  # no .size: the limit is enforced on the bytes read
    with pytest.raises(UploadTooLarge):
        upload_check(stream, name="big.jpg")


def test_a_pdf_is_kept_as_sent():
    data = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    checked = upload_check(SimpleUploadedFile("笔录.pdf", data, content_type="image/png"))
    assert (checked.content, checked.content_type, checked.is_image) == (data, "application/pdf", False)


def test_heic_is_refused_clearly_when_pillow_cannot_read_it():
    heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\0" * 64
    assert upload_sniff(heic) == "heic"
    with pytest.raises(UploadTypeRefused) as exc:
        upload_check(SimpleUploadedFile("IMG_0001.HEIC", heic))
    assert "HEIC" in exc.value.message and "兼容性最佳" in exc.value.message


def test_decompression_bombs_are_refused(settings):
    settings.UPLOAD_MAX_PIXELS = 10_000
    with pytest.raises(ValueError):
        image_reencode(jpeg_bytes(size=(200, 200)))
    with pytest.raises(UploadTypeRefused):
        upload_check(SimpleUploadedFile("bomb.png", jpeg_bytes(size=(200, 200), fmt="PNG")))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(
    st.binary(max_size=300),
    st.sampled_from([b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"RIFF\0\0\0\0WEBP", b"GIF89a", b"PK\x03\x04",
                     b"\x00\x00\x00\x18ftypheic"]).flatmap(lambda head: st.binary(max_size=300).map(lambda t: head + t)),
))
def test_any_bytes_are_either_refused_with_a_code_or_stored_as_a_known_kind(data):
    try:
        checked = upload_check(io.BytesIO(data), name="任意.jpg")
    except (UploadTypeRefused, UploadTooLarge) as exc:
        assert exc.code in ("upload_type", "upload_size") and exc.message
        return
    assert checked.kind in ("jpeg", "pdf")
    if checked.kind == "jpeg":
        assert Image.open(io.BytesIO(checked.content)).format == "JPEG"
    else:
        assert data.startswith(b"%PDF-")


def test_a_stored_file_is_answered_with_its_checked_type_its_name_and_nosniff():
    stored = SimpleNamespace(file=ContentFile(b"%PDF-1.4 x", name="uploads/e/1.pdf"), content_type="application/pdf",
                             original_name="现场笔录.pdf", is_image=False)
    response = stored_file_response(stored)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;") and "filename*=utf-8''" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == b"%PDF-1.4 x"
    photo = SimpleNamespace(file=ContentFile(jpeg_bytes(), name="u.jpg"), content_type="image/jpeg",
                            original_name="a.jpg", is_image=True)
    assert stored_file_response(photo)["Content-Disposition"].startswith("inline")


@pytest.mark.django_db
def test_uploads_are_never_served_by_the_media_url(client, alice, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    (tmp_path / "uploads" / "evidence").mkdir(parents=True)
    (tmp_path / "uploads" / "evidence" / "a.jpg").write_bytes(jpeg_bytes())
    client.force_login(alice)
    assert client.get("/media/uploads/evidence/a.jpg").status_code == 404


def test_production_settings_store_uploads_in_an_s3_bucket_when_configured():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jiujiang_inspect.settings", "DEBUG": "1",
           "MEDIA_S3_BUCKET": "jj-evidence", "MEDIA_S3_ENDPOINT_URL": "https://oss.example.invalid",
           "MEDIA_S3_ACCESS_KEY_ID": "id", "MEDIA_S3_SECRET_ACCESS_KEY": "secret"}
    code = ("import django; django.setup(); from django.core.files.storage import storages; s = storages['default']; "
            "print(type(s).__module__, s.bucket_name, s.default_acl, s.querystring_auth, s.file_overwrite)")
    out = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["storages.backends.s3", "jj-evidence", "private", "True", "False"]


def test_a_canvas_data_url_is_read_as_a_file_and_checked_like_any_upload():
    import base64

    from jiujiang_inspect.uploads import upload_from_data_url

    png = jpeg_bytes(fmt="PNG")
    file = upload_from_data_url("data:image/png;base64," + base64.b64encode(png).decode(), name="签字.png")
    assert upload_check(file).kind == "jpeg"
    assert upload_from_data_url("", name="签字.png") is None
    for bad in ("javascript:alert(1)", "data:image/png;base64,@@@", "data:text/html,<script>"):
        with pytest.raises(UploadTypeRefused):
            upload_from_data_url(bad, name="签字.png")
    php = "data:image/png;base64," + base64.b64encode(b"<?php echo 1; ?>").decode()
    with pytest.raises(UploadTypeRefused):  # the declared type is ignored: the content decides
        upload_check(upload_from_data_url(php, name="签字.png"))
