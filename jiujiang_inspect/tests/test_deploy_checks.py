"""Issue 12 case 13: with DEBUG off, `check --deploy` fails when PUBLIC_BASE_URL (printed into every QR
code) is unset, not https, or a host an enterprise owner's phone cannot reach."""
import io

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from jiujiang_inspect.checks import public_base_url_check


def ids(url, debug=False):
    with override_settings(DEBUG=debug, PUBLIC_BASE_URL=url):
        return [e.id for e in public_base_url_check()]


@pytest.mark.parametrize("url, expected", [
    ("", "jiujiang.E001"),
    (None, "jiujiang.E001"),
    ("http://inspect.jiujiang.gov.cn", "jiujiang.E002"),
    ("inspect.jiujiang.gov.cn", "jiujiang.E002"),
    ("https://", "jiujiang.E002"),
    ("https://127.0.0.1:8000", "jiujiang.E003"),  # the old default, which every QR code used to carry
    ("https://localhost", "jiujiang.E003"),
    ("https://[::1]:8443/", "jiujiang.E003"),
    ("https://192.168.1.20", "jiujiang.E003"),
    ("https://172.20.0.3", "jiujiang.E003"),
    # Variants not listed in the issue: another private range, link-local, unspecified, intranet names.
    ("https://10.8.0.1", "jiujiang.E003"),
    ("https://169.254.10.1", "jiujiang.E003"),
    ("https://0.0.0.0", "jiujiang.E003"),
    ("https://inspect-server", "jiujiang.E003"),
    ("https://inspect.jiujiang.local", "jiujiang.E003"),
    ("https://api.localhost.", "jiujiang.E003"),
])
def test_unusable_public_base_url_is_an_error(url, expected):
    assert ids(url) == [expected]


@pytest.mark.parametrize("url", ["https://inspect.jiujiang.gov.cn", "https://inspect.jiujiang.gov.cn/",
                                 "https://61.191.22.5", "https://zwfw.wuhu.gov.cn:8443/jiujiang"])
def test_public_https_address_passes(url):
    assert ids(url) == []


def test_debug_laptop_needs_nothing():
    assert ids("http://127.0.0.1:8000", debug=True) == []


def test_check_deploy_command_fails_and_passes():
    with override_settings(DEBUG=False, PUBLIC_BASE_URL="http://127.0.0.1:8000"):
        with pytest.raises(SystemCheckError, match="jiujiang.E002"):
            call_command("check", "--deploy", stdout=io.StringIO(), stderr=io.StringIO())
    with override_settings(DEBUG=False, PUBLIC_BASE_URL="https://inspect.jiujiang.gov.cn"):
        out = io.StringIO()
        call_command("check", "--deploy", "--tag", "security", stdout=out, stderr=io.StringIO())
        assert "jiujiang.E00" not in out.getvalue()
