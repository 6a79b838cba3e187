"""Form input formats for zh-hans: the lenient date list of jiujiang_inspect.dates, ISO first, so a
`<input type=date>` is rendered with the stored value (Django renders with the first entry) and a
typed 2025/3/1, 2025.3.1 or 2025年3月1日 is read in every form."""
from django.conf.locale.zh_Hans.formats import *  # noqa: F403 (everything else as Django ships it)

from jiujiang_inspect.dates import DATE_INPUT_FORMATS, DATETIME_INPUT_FORMATS  # noqa: F401
