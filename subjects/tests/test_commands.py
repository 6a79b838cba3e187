import io

import pytest
from django.core.management import call_command

from jiujiang_inspect.tokens import api_token_lookup
from subjects.models import Agency, Inspector, User

pytestmark = pytest.mark.django_db


def test_platform_token_create_prints_a_working_token_alone_on_the_last_line():
    out, err = io.StringIO(), io.StringIO()
    call_command("platform_token_create", "智慧督", "--scopes", "read,hotline:write", stdout=out, stderr=err)
    secret = out.getvalue().strip().splitlines()[-1]
    token = api_token_lookup(secret)
    assert token is not None and token.scopes == ["read", "hotline:write"] and token.user.role == "platform"
    assert secret not in token.key_hash and "只显示一次" not in out.getvalue()


def test_platform_token_create_refuses_unknown_scope():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("platform_token_create", "x", "--scopes", "root", stdout=io.StringIO(), stderr=io.StringIO())


def test_seed_demo_is_idempotent_and_has_every_certificate_state():
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Agency.objects.count(), Inspector.objects.count(), User.objects.count())
    call_command("seed_demo", stdout=io.StringIO())
    assert counts == (Agency.objects.count(), Inspector.objects.count(), User.objects.count())
    assert Agency.objects.filter(name="鸠江区市场监督管理局").exists() and Agency.objects.filter(name="白茆镇人民政府").exists()
    states = {i.certificate.state for i in Inspector.objects.filter(certificate__isnull=False).select_related("certificate")}
    assert {"valid", "expiring", "expired", "suspended"} <= states
    assert set(User.objects.values_list("role", flat=True)) >= {"inspector", "agency_admin", "reviewer"}
