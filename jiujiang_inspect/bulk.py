"""Bulk inserts for the large imports (issue 13: 100,000 enterprises in one file).

`bulk_insert` does what `QuerySet.bulk_create` does for models whose columns are plain (text, numbers,
booleans, dates and times, foreign keys), and on PostgreSQL sends each batch as one multi-row
`INSERT … RETURNING id` through psycopg2's `execute_values`: Django's per-value compilation of a bulk
insert costs more than the database's work (about a third of a 100,000-row import here). Any other
database, or a model with another kind of column, goes through `bulk_create` unchanged.
"""
from django.db import connections, models, router

PLAIN = (models.CharField, models.TextField, models.IntegerField, models.BigIntegerField,
         models.PositiveIntegerField, models.PositiveSmallIntegerField, models.SmallIntegerField,
         models.BooleanField, models.DateField, models.DateTimeField, models.ForeignKey)


def _plain(field) -> bool:
    # DateTimeField is a DateField; JSON, decimal, file and the like are not plain.
    return isinstance(field, PLAIN) and not isinstance(field, models.FileField)


def bulk_insert(model, objs: list, *, batch_size: int = 1000) -> list:
    """Insert the unsaved instances `objs` of `model` and set their primary keys, like
    `model.objects.bulk_create(objs, batch_size=batch_size)` (auto_now and auto_now_add columns
    filled the same way); returns `objs`. No signals, no save(): as bulk_create."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    opts = model._meta
    fields = [f for f in opts.concrete_fields if not (f.primary_key and isinstance(f, models.AutoField))]
    if connection.vendor != "postgresql" or not all(_plain(f) for f in fields) or not objs:
        model.objects.using(alias).bulk_create(objs, batch_size=batch_size)
        return objs
    from psycopg2.extras import execute_values

    for obj in objs:
        for f in fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                f.pre_save(obj, add=True)
    qn = connection.ops.quote_name
    sql = (f"INSERT INTO {qn(opts.db_table)} ({', '.join(qn(f.column) for f in fields)}) VALUES %s "
           f"RETURNING {qn(opts.pk.column)}")
    attnames = [f.attname for f in fields]
    texts = [isinstance(f, models.CharField | models.TextField) for f in fields]

    def value(obj, attname, text):
        v = getattr(obj, attname)
        return str(v) if text and v is not None and type(v) is not str else v  # lazy translations too

    with connection.cursor() as cur:
        for start in range(0, len(objs), batch_size):
            batch = objs[start:start + batch_size]
            rows = [tuple(value(o, a, t) for a, t in zip(attnames, texts, strict=True)) for o in batch]
            ids = execute_values(cur.cursor, sql, rows, page_size=len(rows), fetch=True)
            for obj, (pk,) in zip(batch, ids, strict=True):
                obj.pk = pk
                obj._state.adding, obj._state.db = False, alias
    return objs
