"""`manage.py demo_logins` (printed by `make run`) tells a new user how to try the enterprise's 我的检查."""
from io import StringIO

import pytest
from django.core.management import call_command

from .factories import CheckCodeFactory, EnterpriseFactory

pytestmark = pytest.mark.django_db


def test_demo_logins_names_an_enterprise_to_try_my_inspections_with():
    firm = EnterpriseFactory(contact_phone="13912345678")
    CheckCodeFactory(inspection__enterprise=firm)
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    assert "/e/" in text and firm.uscc in text and "短信验证码" in text
