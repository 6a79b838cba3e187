"""Bulk inserts for the large imports (issue 13: 100,000 enterprises in one file).

`bulk_insert` does what `QuerySet.bulk_create` does for models whose columns are plain (text, numbers,
booleans, dates and times, foreign keys), and on PostgreSQL sends each batch with COPY, its ids drawn
from the table's sequence first: Django's per-value compilation of a bulk insert cost more than the
database's work (about a third of a 100,000-row import here), and a multi-row INSERT still half of
it. Any other database, or a model with another kind of column, goes through `bulk_create` unchanged.
"""
import io
from datetime import date, datetime

from django.db import connections, models, router

PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BigIntegerField,
         models.PositiveIntegerField, models.PositiveSmallIntegerField, models.SmallIntegerField,
         models.BooleanField, models.DateField, models.DateTimeField, models.ForeignKey)


def _plain(field) -> bool:
    # DateTimeField is a DateField; JSON, decimal, file and the like are not plain.
    return isinstance(field, PLAIN) and not isinstance(field, models.FileField)


def copy_text(v) -> str:
    """One value in PostgreSQL's COPY text format (NULL, booleans, numbers, dates and times, escaped text)."""
    if v is None:
        return r"\N"
    t = type(v)
    if t is str:
        if "\\" in v or "\t" in v or "\n" in v or "\r" in v:
            return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
        return v
    if t is bool:
        return "t" if v else "f"
    if t is int:
        return str(v)
    if t is datetime or t is date:
        return v.isoformat()
    return copy_text(str(v))  # lazy translations and the like


def bulk_insert(model, objs: list, *, batch_size: int = 1000) -> list:
    """Insert the unsaved instances `objs` of `model` and set their primary keys, like
    `model.objects.bulk_create(objs, batch_size=batch_size)` (auto_now and auto_now_add columns
    filled the same way, constraints checked by the database as ever); returns `objs`. No signals, no
    save(): as bulk_create. On PostgreSQL each batch takes its ids from the table's sequence and is sent
    with COPY."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not f.primary_key]
    if (connection.vendor != "postgresql" or not isinstance(opts.pk, models.AutoField)
            or not all(_plain(f) for f in fields) or not objs):
        model.objects.using(alias).bulk_create(objs, batch_size=batch_size)
        return objs
    for obj in objs:
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                f.pre_save(obj, add=True)
    qn = connection.ops.quote_name
    copy = (f"COPY {qn(opts.db_table)} ({qn(opts.pk.column)}, {', '.join(qn(f.column) for f in fields)}) "
            "FROM STDIN")
    attnames = [f.attname for f in fields]
    with connection.cursor() as cur:
        cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [opts.db_table, opts.pk.column])
        sequence = cur.fetchone()[0]
        for start in range(0, len(objs), batch_size):
            batch = objs[start:start + batch_size]
            cur.execute("SELECT nextval(%s) FROM generate_series(1, %s)", [sequence, len(batch)])
            buf = io.StringIO()
            for obj, (pk,) in zip(batch, cur.fetchall(), strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, alias
                buf.write("\t".join([str(pk), *(copy_text(getattr(obj, a)) for a in attnames)]) + "\n")
            buf.seek(0)
            cur.cursor.copy_expert(copy, buf)
    return objs
