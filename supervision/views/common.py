"""Small helpers shared by the supervision pages: the one `apply_errors` lives in jiujiang_inspect.web."""
from jiujiang_inspect.web import apply_errors

__all__ = ["apply_errors"]
