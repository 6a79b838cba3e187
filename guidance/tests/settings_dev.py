"""Test settings until the lead wires guidance and reports into the project settings.

`guidance` sits between checkcode and supervision; `reports` is the top app.
"""
from jiujiang_inspect.test_settings import *  # noqa: F403
from jiujiang_inspect.test_settings import INSTALLED_APPS as _APPS

INSTALLED_APPS = list(_APPS)
if "guidance" not in INSTALLED_APPS:
    INSTALLED_APPS.insert(INSTALLED_APPS.index("supervision"), "guidance")
if "reports" not in INSTALLED_APPS:
    INSTALLED_APPS.append("reports")
ROOT_URLCONF = "guidance.tests.urls_dev"
