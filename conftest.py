"""Root pytest configuration: the plumbing fixtures (jiujiang_inspect.testing, .browser_testing) and the
personas every app's tests use (docs/style.md "Tests").

alice: inspector of agency A; anna: agency admin of A; bob: inspector of agency B (must see nothing
of A's); bert: agency admin of B; rita: 司法局 reviewer; a platform client with the `read` scope.
"""
import pytest

pytest_plugins = ["jiujiang_inspect.testing", "jiujiang_inspect.browser_testing"]


@pytest.fixture
def agency_a(db):
    from subjects.tests.factories import AgencyFactory

    return AgencyFactory(code="SCJG", name="鸠江区市场监督管理局", short_name="区市场监管局")


@pytest.fixture
def agency_b(db):
    from subjects.tests.factories import AgencyFactory

    return AgencyFactory(code="YJGL", name="鸠江区应急管理局", short_name="区应急管理局")


@pytest.fixture
def justice_bureau(db):
    from subjects.tests.factories import AgencyFactory

    return AgencyFactory(code="SFJ", name="鸠江区司法局", short_name="区司法局")


@pytest.fixture
def alice(agency_a):
    """Inspector of agency A, linked to a certified Inspector record."""
    from subjects.tests.factories import InspectorFactory, UserFactory

    inspector = InspectorFactory(agency=agency_a, name="王丽")
    return UserFactory(username="alice", role="inspector", agency=agency_a, inspector=inspector, display_name="王丽")


@pytest.fixture
def anna(agency_a):
    from subjects.tests.factories import UserFactory

    return UserFactory(username="anna", role="agency_admin", agency=agency_a, display_name="陈安")


@pytest.fixture
def bob(agency_b):
    from subjects.tests.factories import InspectorFactory, UserFactory

    inspector = InspectorFactory(agency=agency_b, name="赵博")
    return UserFactory(username="bob", role="inspector", agency=agency_b, inspector=inspector, display_name="赵博")


@pytest.fixture
def bert(agency_b):
    from subjects.tests.factories import UserFactory

    return UserFactory(username="bert", role="agency_admin", agency=agency_b, display_name="孙伯")


@pytest.fixture
def rita(justice_bureau):
    from subjects.tests.factories import UserFactory

    return UserFactory(username="rita", role="reviewer", agency=justice_bureau, display_name="李审")


@pytest.fixture
def platform_secret(db):
    from subjects.services import platform_client_create

    _token, secret = platform_client_create(name="zhihuidu", scopes=["read"])
    return secret
