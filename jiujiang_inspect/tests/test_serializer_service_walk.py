"""Every field a write serializer accepts reaches its service, and every argument a service requires is
one the serializer requires (issue 10: the 500 class "the serializer accepts what the service cannot
take", e.g. `is_active` on inspectors, `/users/` without `role`, `/questions/` without `options`).

The walk: for each API view with `perform_create` / `perform_update`, the service functions its module
calls are replaced by autospec mocks (which raise TypeError on an argument the real function does not
take, or on a missing required one), and the view is run with validated data holding (a) every writable
field and (b) only the required ones. A TypeError from a signature check fails the test with the view
and the field.
"""
from unittest import mock

import pytest
from django.urls import get_resolver
from rest_framework import serializers

DEFAULT_METHODS = {"perform_create", "perform_update"}


def _views():
    found = {}

    def walk(patterns):
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
                continue
            cls = getattr(pattern.callback, "cls", None)
            if cls is not None and cls.__module__.split(".")[0] not in ("rest_framework", "drf_spectacular"):
                found[f"{cls.__module__}.{cls.__name__}"] = cls

    walk(get_resolver().url_patterns)
    return found


def _own(cls, name):
    """The view defines `name` itself (not DRF's mixin default that only calls serializer.save())."""
    for klass in cls.__mro__:
        if name in klass.__dict__:
            return not klass.__module__.startswith("rest_framework")
    return False


def _dummy(field):
    if isinstance(field, serializers.ListSerializer):
        return []
    if isinstance(field, serializers.Serializer):
        return {}
    if isinstance(field, serializers.ListField | serializers.MultipleChoiceField | serializers.ManyRelatedField):
        return []
    if isinstance(field, serializers.BooleanField):
        return True
    if isinstance(field, serializers.DictField | serializers.JSONField):
        return {}
    if isinstance(field, serializers.CharField | serializers.ChoiceField):
        return "x"
    return mock.MagicMock(name=field.field_name)


def _validated(serializer, *, only_required, partial):
    data = {}
    for field in serializer.fields.values():
        if field.read_only:
            continue
        if only_required and (partial or not field.required):
            continue
        target = data
        for attr in field.source_attrs[:-1]:
            target = target.setdefault(attr, {})
        target[field.source_attrs[-1]] = _dummy(field)
    return data


def _service_mocks(view_cls):
    """Autospec mocks for every service function reachable from the view's module."""
    import inspect
    import sys

    module = sys.modules[view_cls.__module__]
    patches, calls = [], []
    for name, value in vars(module).items():
        if inspect.ismodule(value) and "services" in value.__name__:
            for fname, func in vars(value).items():
                if inspect.isfunction(func) and not fname.startswith("_"):
                    patches.append(mock.patch.object(value, fname, _recording(func, calls)))
        elif inspect.isfunction(value) and ".services" in (value.__module__ or "") and not name.startswith("_"):
            patches.append(mock.patch.object(module, name, _recording(value, calls)))
    return patches, calls


def _recording(func, calls):
    spec = mock.create_autospec(func, return_value=mock.MagicMock(name=f"{func.__name__}()"))

    def side_effect(*args, **kwargs):
        calls.append(func.__name__)
        return mock.DEFAULT

    spec.side_effect = side_effect
    return spec


def _run(view_cls, method_name, *, only_required):
    partial = method_name == "perform_update"
    view = view_cls()
    view.request = mock.MagicMock(name="request")
    view.request.data = {}
    view.kwargs = {}
    view.format_kwarg = None
    view.action = "partial_update" if partial else "create"
    serializer_cls = view.get_serializer_class()
    serializer = serializer_cls(context={"request": view.request, "view": view})
    fake = mock.MagicMock(name="serializer")
    fake.validated_data = _validated(serializer, only_required=only_required, partial=partial)
    fake.instance = mock.MagicMock(name="instance") if partial else None
    patches, calls = _service_mocks(view_cls)
    for p in patches:
        p.start()
    try:
        getattr(view, method_name)(fake)
    except TypeError as exc:
        if "argument" in str(exc):
            return f"{view_cls.__name__}.{method_name}: {exc}", calls
        return None, calls
    except Exception:  # the view reacted to a dummy value after (or instead of) calling a service
        return None, calls
    finally:
        for p in patches:
            p.stop()
    return None, calls


CASES = [(path, method) for path, cls in sorted(_views().items()) for method in sorted(DEFAULT_METHODS)
         if _own(cls, method)]


@pytest.mark.parametrize(("path", "method_name"), CASES, ids=[f"{p.rsplit('.', 1)[1]}.{m}" for p, m in CASES])
def test_every_accepted_field_reaches_the_service(db, path, method_name):
    view_cls = _views()[path]
    problems, called = [], []
    for only_required in (False, True):
        problem, calls = _run(view_cls, method_name, only_required=only_required)
        called += calls
        if problem:
            problems.append(("required only: " if only_required else "every field: ") + problem)
    assert not problems, problems
    assert called, f"{path}.{method_name} reached no service with the serializer's data"


def test_the_walk_covers_the_write_endpoints():
    # The walk must see the API's writable resources, or it proves nothing.
    names = {p.rsplit(".", 1)[1] for p, _m in CASES}
    assert {"AgencyViewSet", "InspectorViewSet", "UserViewSet", "QuestionViewSet"} <= names
    assert len(CASES) >= 20
