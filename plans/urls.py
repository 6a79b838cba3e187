"""plans pages: registry pages (urls_registry.py) and inspection pages (urls_inspections.py)."""
from importlib import import_module

app_name = "plans"

urlpatterns = []
for name in ("plans.urls_registry", "plans.urls_inspections"):
    try:
        urlpatterns += import_module(name).urlpatterns
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
