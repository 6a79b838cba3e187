"""Static files collect under the production storage: the manifest storage resolves every url() and
sourceMappingURL a collected file references, and a single missing file makes collectstatic fail, so
without this every HTML page of a production deployment answers 500."""
import io
import json

from django.core.management import call_command
from django.test import override_settings

MANIFEST = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # The production backend minus compression (same manifest post-processing, a few seconds faster).
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
}


def test_collectstatic_with_manifest_storage_resolves_every_reference(tmp_path):
    with override_settings(STORAGES=MANIFEST, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0, stdout=io.StringIO())
    paths = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    # The vendored Bootstrap files point at their source maps; those are shipped, hashed, and the
    # hashed CSS/JS point at the hashed maps.
    for name in ("vendor/bootstrap/bootstrap.min.css", "vendor/bootstrap/bootstrap.bundle.min.js"):
        hashed_map = paths[f"{name}.map"].rsplit("/", 1)[1]
        assert f"sourceMappingURL={hashed_map}" in (tmp_path / paths[name]).read_text()
    assert "css/app.css" in paths
