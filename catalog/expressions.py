"""Query expressions that carry a large constant (a thousand ids, or a value per row) as one
parameter: used by search (candidates and their ranks) and by the published counts."""

import json

from django.db.models import BooleanField, FloatField, Func, IntegerField
from django.utils.functional import cached_property


class _WithConstant(Func):
    """A function of one expression and a large constant (a thousand ids or positions).

    Django identifies an expression by its constructor arguments and hashes or compares it
    many times while it builds a query; for a thousand-entry constant that cost more than the
    query itself. The constant is never changed once built and every copy of the expression
    shares it, so the constant object itself identifies it.
    """

    arity = 1

    @cached_property
    def identity(self):
        (expression, constant), _kwargs = self._constructor_args
        return (type(self), expression, id(constant))


class InIds(_WithConstant):
    """`expression IN ids` as one parameter (an array on PostgreSQL, JSON on SQLite), so a
    thousand candidates cost neither a thousand placeholders nor their planning time."""

    output_field = BooleanField()

    def __init__(self, expression, ids):
        super().__init__(expression)
        self.ids = [int(pk) for pk in ids]

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        if not self.ids:
            return "1 = 0", []
        if connection.vendor == "postgresql":
            return f"{sql} = ANY(%s::bigint[])", [*params, self.ids]
        if connection.vendor == "sqlite":
            return f"{sql} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.ids)]
        placeholders = ", ".join(["%s"] * len(self.ids))
        return f"{sql} IN ({placeholders})", [*params, *self.ids]


class Mapped(_WithConstant):
    """The value `mapping` gives the row's `expression` (a primary key), one parameter for the
    whole mapping: a jsonb constant on PostgreSQL, a JSON text on SQLite.

    `mapping` is kept as given ({pk: value}, never changed): JSON writes its keys as text
    when the query is compiled, for the twenty rows of a page (`narrowed`) rather than the
    thousand candidates of every search each request builds it for."""

    def __init__(self, expression, mapping):
        super().__init__(expression)
        self.mapping = mapping
        kinds = {type(value) for value in mapping.values()}
        self.is_float = float in kinds
        self.output_field = FloatField() if self.is_float else IntegerField()

    def narrowed(self, keys):
        """A copy holding only the entries of `keys` (the rows a query can still return)."""
        mapping = {key: self.mapping[key] for key in keys}
        copy = self.copy()
        copy.mapping = mapping
        copy._constructor_args = ((self._constructor_args[0][0], mapping), {})
        copy.__dict__.pop("identity", None)
        return copy

    def as_sql(self, compiler, connection, **extra):
        sql, params = compiler.compile(self.source_expressions[0])
        data = json.dumps(self.mapping)
        if connection.vendor == "postgresql":
            cast = "double precision" if self.is_float else "integer"
            return f"((%s::jsonb ->> ({sql})::text)::{cast})", [data, *params]
        return f"json_extract(%s, '$.\"' || {sql} || '\"')", [data, *params]
