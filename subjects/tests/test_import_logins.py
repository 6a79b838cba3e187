"""The roster import creates inspectors' logins (issue 15 "Accounts": ~170 inspectors must not wait for the
司法局 to type accounts): a 登录账号 column, the initial password sent by SMS to the inspector and never
kept once delivered, a password change required at first login; conflicts refuse the whole file."""
import re

import pytest
from django.test import Client

from jiujiang_inspect.exceptions import ValidationFailed
from jiujiang_inspect.models import OutboundMessage
from jiujiang_inspect.outbox import REDACTED, outbox_deliver, outbox_replay
from subjects.imports import inspectors_import
from subjects.models import User
from subjects.tests.factories import UserFactory

from .test_imports import row, xlsx

pytestmark = pytest.mark.django_db


def with_login(n, username, **kwargs):
    return [*row(n, **kwargs), username]


def test_rows_with_a_login_name_get_an_account_and_an_sms(anna, agency_a, settings):
    settings.OUTBOX_CHANNELS = {**settings.OUTBOX_CHANNELS, "sms": {"adapter": "sms", "backend": "console"}}
    result = inspectors_import(fileobj=xlsx([with_login(1, "wangli", name="王丽"), row(2, name="李四")]), by=anna)
    assert (result["created"], result["accounts"]) == (2, 1)
    user = User.objects.get(username="wangli")
    assert (user.role, user.agency, user.inspector.name, user.must_change_password) == (
        "inspector", agency_a, "王丽", True)
    sms = OutboundMessage.objects.get(event="user.initial_password")
    assert sms.channel == "sms" and sms.recipient == "13900000000"
    password = re.search(r"初始密码 (\S+)，", sms.payload["text"]).group(1)
    client = Client()
    assert client.login(username="wangli", password=password)
    assert client.get("/").status_code == 302  # first: change the password
    outbox_deliver(sms.pk)
    sms.refresh_from_db()
    assert sms.status == "delivered" and sms.payload == REDACTED and password not in str(sms.payload)
    assert outbox_replay(messages=[sms], by=anna) == 0  # nothing left to send again
    again = inspectors_import(fileobj=xlsx([with_login(1, "wangli", name="王丽")]), by=anna)
    assert again["accounts"] == 0 and User.objects.filter(username="wangli").count() == 1


def test_conflicting_logins_refuse_the_file_and_create_nothing(anna, agency_a):
    UserFactory(username="taken")
    rows = [with_login(1, "taken"), with_login(2, "dup"), with_login(3, "DUP"), with_login(4, "bad name!")]
    rows.append(with_login(5, "nophone"))
    rows[-1][3] = None
    with pytest.raises(ValidationFailed) as refused:
        inspectors_import(fileobj=xlsx(rows), by=anna)
    messages = {(e["row"], e["message"]) for e in refused.value.detail["rows"]}
    assert (2, "登录账号已被使用。") in messages
    assert any(r == 4 and "重复" in m for r, m in messages)
    assert any(r == 5 and "字母" in m for r, m in messages)
    assert any(r == 6 and "手机号" in m for r, m in messages)
    assert not User.objects.filter(username__in=["dup", "nophone"]).exists()
    assert not OutboundMessage.objects.filter(event="user.initial_password").exists()
