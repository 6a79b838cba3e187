"""Until the lead adds "guidance" to INSTALLED_APPS, a plain `pytest` run (project settings) must not
import this app's models: its tests are collected only when the app is installed, e.g. with
`pytest guidance reports --ds=guidance.tests.settings_dev`."""
from django.conf import settings

collect_ignore_glob = [] if "guidance" in settings.INSTALLED_APPS else ["*"]
