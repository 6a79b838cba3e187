"""plans API: enterprises/pools/caps/plans (api_registry.py) and inspections (api_inspections.py).
Each module exposes `register(router)`; modules not written yet are skipped."""
from importlib import import_module

from rest_framework.routers import SimpleRouter

router = SimpleRouter(trailing_slash=True)
extra_urls = []
for name in ("plans.api_registry", "plans.api_inspections"):
    try:
        module = import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        continue
    module.register(router)
    extra_urls += getattr(module, "urlpatterns", [])

urlpatterns = extra_urls + router.urls
