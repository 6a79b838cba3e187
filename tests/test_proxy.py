"""Issue 12 case 12: behind the shipped nginx every request comes from 127.0.0.1; the real client is the
address nginx appends to X-Forwarded-For (TRUSTED_PROXY_COUNT=1, jiujiang_inspect.clientip)."""
import pytest
from django.core.cache import cache
from django.test import override_settings
from rest_framework import throttling
from rest_framework.test import APIClient

from checkcode.models import CodeScan
from checkcode.services import checkcode_issue
from checkcode.tests.factories import approved_inspection
from jiujiang_inspect.clientip import client_ip

pytestmark = pytest.mark.django_db
NGINX = "127.0.0.1"
RATES = {"anon": "1000/minute", "user": "1000/minute", "public_verify": "1000/minute", "token": "1000/minute"}


def via_nginx(address, forged=""):
    """A client behind the shipped nginx: it may send its own X-Forwarded-For; nginx appends the real one."""
    client = APIClient(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR=f"{forged}, {address}" if forged else address)
    return client


@pytest.fixture(autouse=True)
def _fresh_throttles():
    cache.clear()
    yield
    cache.clear()


def test_client_ip_takes_the_entry_our_proxies_appended(rf, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(rf.get("/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(rf.get("/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.9, not-an-ip")) == NGINX
    assert client_ip(rf.get("/", REMOTE_ADDR="198.51.100.7")) == "198.51.100.7"
    settings.TRUSTED_PROXY_COUNT = 2  # variant: a load balancer in front of nginx
    assert client_ip(rf.get("/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9, 10.0.0.2")) == (
        "203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(rf.get("/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.9")) == NGINX


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=5, TRUSTED_PROXY_COUNT=1)
def test_an_outsider_with_made_up_usernames_locks_out_nobody_else(anna):
    outsider = via_nginx("203.0.113.66")
    for n in range(6):
        r = outsider.post("/api/v1/auth/token/", {"username": f"nobody{n}", "password": "x"}, format="json")
        assert r.status_code == 400 and r.json()["code"] == "invalid_credentials"
    colleague = via_nginx("203.0.113.66")  # same egress address, a real user
    r = colleague.post("/api/v1/auth/token/", {"username": "anna", "password": "Passw0rd!jj"}, format="json")
    assert r.status_code == 201, r.json()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, TRUSTED_PROXY_COUNT=1)
def test_a_username_is_locked_at_one_address_with_the_api_error_shape(anna):
    attacker = via_nginx("203.0.113.66", forged="10.9.9.9")
    for _ in range(3):
        attacker.post("/api/v1/auth/token/", {"username": "anna", "password": "wrong"}, format="json")
    r = attacker.post("/api/v1/auth/token/", {"username": "anna", "password": "Passw0rd!jj"}, format="json")
    assert r.status_code == 429 and r.json()["code"] == "throttled" and "锁定" in r.json()["message"]
    assert int(r["Retry-After"]) == r.json()["detail"]["retry_after_seconds"] > 0
    # The forged leftmost entry changes nothing; anna herself, from her own office, still gets in.
    r = via_nginx("198.51.100.10", forged="203.0.113.66").post(
        "/api/v1/auth/token/", {"username": "anna", "password": "Passw0rd!jj"}, format="json")
    assert r.status_code == 201


def rates(monkeypatch, **kw):
    # DRF binds the rates when the throttle classes are imported; patch them there.
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", {**RATES, **kw})


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_token_throttle_is_per_real_address_not_per_district(monkeypatch):
    rates(monkeypatch, token="2/minute")
    noisy = via_nginx("203.0.113.66")
    codes = [noisy.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json") for _ in range(3)]
    assert [r.status_code for r in codes] == [400, 400, 429]
    assert codes[-1].json()["code"] == "throttled" and int(codes[-1]["Retry-After"]) > 0
    quiet = via_nginx("198.51.100.10")
    assert quiet.post("/api/v1/auth/token/", {"username": "x", "password": "y"}, format="json").status_code == 400


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_authenticated_clients_are_throttled_per_user(monkeypatch, api, anna, rita):
    rates(monkeypatch, user="2/minute")
    first, second = api(anna), api(rita)
    for client in (first, second):
        client.defaults.update(REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="203.0.113.66")
    assert [first.get("/api/v1/enterprises/").status_code for _ in range(3)] == [200, 200, 429]
    assert second.get("/api/v1/enterprises/").status_code == 200


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_scans_record_the_address_nginx_appended_not_the_forged_one(client, alice, agency_a):
    code = checkcode_issue(inspection=approved_inspection(agency=agency_a), issued_by=alice)
    client.get(f"/c/{code.code}/", REMOTE_ADDR=NGINX, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert CodeScan.objects.get().ip_prefix == "203.0.113.0/24"
