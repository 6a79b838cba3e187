"""Small helpers shared by the supervision pages (access decorators: jiujiang_inspect.web)."""


def apply_errors(form, exc):
    placed = False
    for field, msgs in (exc.detail or {}).items():
        if not isinstance(msgs, (list, tuple)):
            continue
        for m in msgs:
            form.add_error(field if field in form.fields else None, str(m))
            placed = True
    if not placed:
        form.add_error(None, exc.message)
