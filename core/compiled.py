"""A read every page makes, written by the ORM once per process and run with each request's own values.

For the small indexed lookups a page shell makes, building and compiling the queryset costs the ORM several
times what the database takes to answer: the navigation's count of open risk alerts took 0.56 ms to build,
0.39 ms to compile and 0.28 ms to run on PostgreSQL (docs/benchmarks.md). A ``CompiledRead`` builds its
queryset once for each *shape* (the few flags that change the query's structure) with stand-in values in
place of the request's, keeps the SQL, and afterwards only swaps the values in. The SQL is still the ORM's:
the rule that chooses the rows lives in one place, the model's queryset methods.

``rows()`` gives tuples of the queryset's columns, converted as the ORM converts them; ``objects()`` the model
instances iterating the queryset would give (with what it selects related, defers and annotates), made as Django's
``ModelIterable`` makes them. On PostgreSQL the SQL is a prepared statement of the connection (``_PreparedCursor``):
the server parses and plans it once, not on every request, where planning a page's small lookups took longer than
running them. A read whose query would keep a date or time of the moment it was first compiled is
refused then: such values must not be baked in. A shape may hold a page's bounds (LIMIT and OFFSET are written into
the SQL): each read keeps at most ``MAX_SHAPES``.

``reads_ahead`` answers several kept reads in one statement on PostgreSQL, before the code that makes them: a page
of panels (core/panels.py) asks each panel's reads together. A statement costs the app server and the database far
more than a small read's own work (docs/benchmarks.md, twenty-ninth pass).
"""

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from uuid import UUID

import psycopg
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Page, Paginator
from django.db import connections, router
from django.db.backends.utils import CursorDebugWrapper, CursorWrapper
from django.db.models import Count, Model, QuerySet
from django.db.models.query import ModelIterable, _get_from_db, get_related_populators
from django.utils import timezone

_DATE_TEXT = re.compile(r"\d{4}-\d{2}-\d{2}")
# Stand-ins, one per value the query takes. Keys: whole numbers no key here reaches, inside every integer column's
# range (Django compiles a lookup with a value out of its column's range as matching nothing). Days: in the year 1001.
# Times: in its first minute. UUIDs: those numbers as UUIDs. Text: "stand-in" and the number.
_STAND_IN = 2_147_000_000
# Shapes kept by one read.
MAX_SHAPES = 64
# A moment before anything Tending holds: the lower bound a read "from a moment on" takes for the whole history, so
# that one kept query serves both.
EVER = datetime(1970, 1, 1, tzinfo=UTC)


def counted(queryset: QuerySet, by: str) -> QuerySet:
    """``queryset``'s rows counted as a queryset a ``CompiledRead`` can keep: grouped by ``by`` (the one value the
    rows share, such as their client), one row ``(n,)``, or none when nothing matches (read it with
    ``row(default=(0,))``). ``count()`` runs at once and cannot be kept."""
    return queryset.order_by().values(by).annotate(n=Count("pk")).values_list("n")


def first_or_create(read: "CompiledRead", practice, *, defaults: dict | None = None):
    """A practice's one settings row (``BookingSettings``, ``BillingSettings``): read through ``read`` (a kept read
    taking ``practice``) on the pages that need it every time, made with ``defaults`` the first time it is asked for,
    and given the practice object already in hand."""
    found = read.first(practice=practice.pk)
    if found is None:
        found, _ = read.model.objects.get_or_create(practice=practice, defaults=defaults or {})
    found.practice = practice
    return found


def _stand_in(kind: type, n: int):
    if kind is int:
        return _STAND_IN + n
    if kind is date:
        return date(1001, 1, 1 + n)
    if kind is datetime:
        return datetime(1001, 1, 1, 0, 0, n, tzinfo=UTC)
    return UUID(int=_STAND_IN + n) if kind is UUID else f"stand-in {_STAND_IN + n}"


def _hashable(param) -> bool:
    return isinstance(param, int | str | date | UUID) and not isinstance(param, bool)


class CompiledRead:
    def __init__(
        self, model: type[Model], build: Callable[..., QuerySet], values: dict[str, type], *, alone: bool = False
    ):
        """``build(shape, **values)`` returns the queryset; ``values`` names each value it takes and its kind,
        ``int`` (a key or a number), ``str``, ``date`` (a day), ``datetime`` (aware) or ``UUID``.

        ``alone``: never read ahead with others (``reads_ahead``), for a read PostgreSQL plans afresh on every run
        (its plan for any values estimated dearer than those for the values it is given, ``bench/queries.py
        --plans``): among others it has the whole statement planned afresh on every run, which costs more than the
        statements it saves (docs/benchmarks.md, thirtieth pass)."""
        self.model = model
        self.build = build
        self.values = values
        self.alone = alone
        self._sql: dict[tuple, _Compiled] = {}

    def _compile(self, alias: str, shape: tuple) -> "_Compiled":
        stand_ins = {name: _stand_in(kind, n) for n, (name, kind) in enumerate(self.values.items())}
        queryset = self.build(shape, **stand_ins)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            # A shape that can match nothing whatever the values (an empty page): no query at all, as Django does.
            return _Compiled("", [], [], None, False)
        # The stand-ins as the database is sent them (SQLite is sent days and UUIDs as text).
        connection = connections[alias]
        by_value = {_sent(connection, self.values[name], value): name for name, value in stand_ins.items()}
        for value in stand_ins.values():
            # A value written into the SQL itself, not passed as a parameter, could not be swapped.
            if str(value) in sql:
                raise ValueError(f"{self.model.__name__}: a stand-in was written into the SQL: {sql}")
        # Each parameter is either one of the request's values (by name) or a constant of the query.
        slots = [
            (by_value[param], None) if _hashable(param) and param in by_value else (None, param) for param in params
        ]
        constants = [str(param) for name, param in slots if name is None]
        if any(str(value) in constant for value in (*stand_ins.values(), *by_value) for constant in constants):
            # A value the lookup changed before sending it (``startswith`` adds a wildcard) could not be swapped.
            raise ValueError(f"{self.model.__name__}: a value is sent changed by its lookup; use the queryset")
        if any(isinstance(param, date | time) or _DATE_TEXT.match(str(param)) for name, param in slots if name is None):
            # A day or time worked out when the query was built (today, a month ago) would be the same on every
            # later request: it must be one of the values.
            raise ValueError(f"{self.model.__name__}: a date or time in the query would be kept; pass it as a value")
        if timezone.get_current_timezone_name() in {str(param) for name, param in slots if name is None}:
            # A lookup in the active time zone (``__date``, ``TruncDay``) sends the zone's name: the first request's
            # zone would be used for every practice's. Compare with an aware time worked out for the practice.
            raise ValueError(f"{self.model.__name__}: the time zone in the query would be kept; pass aware times")
        # What the ORM does to each column's value as it reads it (an aggregate's whole number, a date on SQLite).
        converters = compiler.get_converters([column[0] for column in compiler.select])
        return _Compiled(
            sql, slots, list(converters.items()), _instances(queryset, compiler, alias), _preparable(connection, sql)
        )

    def _compiled(self, alias: str, shape: tuple) -> "_Compiled":
        key = (alias, connections[alias].vendor, shape)
        found = self._sql.get(key)
        if found is None:
            found = self._compile(alias, shape)
            # A shape may hold a page number: past this many, the rarer ones are compiled each time they are asked.
            if len(self._sql) < MAX_SHAPES:
                self._sql[key] = found
        return found

    def asked(self, shape: tuple = (), **values) -> "Asked":
        """This read with a shape and values, to run (``Asked.first`` and the rest) or to name to ``reads_ahead``."""
        return Asked(self, shape, values)

    def rows(self, shape: tuple = (), **values) -> list[tuple]:
        """The rows for these values, as tuples in the order of the queryset's columns."""
        alias = router.db_for_read(self.model)
        return self._rows(alias, self._compiled(alias, shape), values)

    def row(self, shape: tuple = (), *, default: tuple, **values) -> tuple:
        """The first row, or ``default`` when there is none (a grouped sum over no rows gives no row)."""
        found = self.rows(shape, **values)
        return found[0] if found else default

    def first(self, shape: tuple = (), **values):
        """The first instance ``objects()`` gives, or None."""
        found = self.objects(shape, **values)
        return found[0] if found else None

    def objects(self, shape: tuple = (), **values) -> list:
        """The model instances iterating the queryset would give, with what it selects related and annotates."""
        alias = router.db_for_read(self.model)
        compiled = self._compiled(alias, shape)
        if not compiled.sql:
            return []
        if compiled.instances is None:
            raise ValueError(f"{self.model.__name__}: this read gives values, not instances; use rows()")
        make, start, end, init_list, populators, annotations = compiled.instances
        found = []
        for row in self._rows(alias, compiled, values):
            instance = make(alias, init_list, row[start:end])
            for populator in populators:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    def pages(self, shape: tuple = (), **values) -> "Pages":
        """What a ``Paginator`` slices: each page read by ``objects()`` with its bounds last in the shape (the build
        slices its queryset ``[shape[-2]:shape[-1]]``). ``Pages.page`` gives one, told the count."""
        return Pages(self, shape, values)

    def row_pages(self, shape: tuple = (), **values) -> "Pages":
        """As ``pages()``, each page read by ``rows()``: for a read of values, not instances."""
        return Pages(self, shape, values, as_rows=True)

    def statement(self, shape: tuple = (), **values) -> tuple[str, list]:
        """The SQL and the parameters this read sends for these values (to explain its plan, say)."""
        alias = router.db_for_read(self.model)
        compiled = self._compiled(alias, shape)
        return compiled.sql, self._params(connections[alias], compiled, values)

    def _params(self, connection, compiled: "_Compiled", values: dict) -> list:
        return [
            constant if name is None else _sent(connection, self.values[name], values[name])
            for name, constant in compiled.slots
        ]

    def _rows(self, alias: str, compiled: "_Compiled", values: dict) -> list[tuple]:
        if not compiled.sql:
            return []
        connection = connections[alias]
        params = self._params(connection, compiled, values)
        rows = _read_ahead(compiled, params)
        if rows is None:
            with _cursor(connection, compiled.prepare) as cursor:
                cursor.execute(compiled.sql, params)
                rows = cursor.fetchall()
        if not compiled.converters:
            return rows
        converted = []
        for row in rows:
            row = list(row)
            for position, (functions, expression) in compiled.converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            converted.append(tuple(row))
        return converted


@dataclass(frozen=True)
class Asked:
    """A kept read with its shape and values."""

    read: CompiledRead
    shape: tuple = ()
    values: dict = field(default_factory=dict)

    def rows(self) -> list[tuple]:
        return self.read.rows(self.shape, **self.values)

    def row(self, *, default: tuple) -> tuple:
        return self.read.row(self.shape, default=default, **self.values)

    def objects(self) -> list:
        return self.read.objects(self.shape, **self.values)

    def first(self):
        return self.read.first(self.shape, **self.values)


# The rows read ahead for the block ``reads_ahead`` runs: {(id of the compiled read, its parameters): (the compiled
# read, its rows)}, the compiled read kept so that an id reused by another object never matches.
_AHEAD: ContextVar[dict | None] = ContextVar("kept_reads_ahead", default=None)
# Each set of kept reads read together, by their SQL: the statement that reads them, and where each read's columns are
# in its rows.
_TOGETHER: dict[tuple[str, ...], tuple[str, list[tuple[int, int]]]] = {}
MAX_TOGETHER = 256
# psycopg keeps how it converted a query's placeholders, but only for queries up to 4,096 characters: the statement
# reading the client's record's reads together is about 60,000, and would be converted again on every page (its cache
# stays bounded at 128 queries).
if getattr(psycopg._queries, "MAX_CACHED_STATEMENT_LENGTH", 0) < 131_072:
    psycopg._queries.MAX_CACHED_STATEMENT_LENGTH = 131_072
# The name of the column before each read's own in the statement that reads them together: its rows' numbers.
_PLACE = "kept_read_"


@contextmanager
def reads_ahead(asked: Iterable[Asked]) -> Iterator[None]:
    """Inside the block, each read of ``asked`` gives the rows read for it before the block began: on PostgreSQL
    all of them in one statement. The same read with other values, or any other read, runs as usual, and so does
    everything on SQLite, where a statement is a call inside the process. Inside another block, a read the outer one
    read already is not read again."""
    found = _read_together(list(asked))
    if not found:
        yield
        return
    outer = _AHEAD.get()
    token = _AHEAD.set(found if outer is None else {**outer, **found})
    try:
        yield
    finally:
        _AHEAD.reset(token)


def _read_ahead(compiled: "_Compiled", params: list) -> list | None:
    ahead = _AHEAD.get()
    if ahead is None:
        return None
    try:
        kept, rows = ahead.get((id(compiled), tuple(params)), (None, None))
    except TypeError:  # a parameter that is not hashable was not read ahead
        return None
    return rows if kept is compiled else None


def _read_together(asked: list[Asked]) -> dict:
    """{(id of the compiled read, its parameters): (the compiled read, its rows)} for the reads of ``asked``, read
    in one statement; empty where there are fewer than two to read (or not on PostgreSQL)."""
    parts, alias, outer = {}, None, _AHEAD.get() or {}
    for item in asked:
        alias, earlier = router.db_for_read(item.read.model), alias
        connection = connections[alias]
        if connection.vendor != "postgresql" or earlier not in (None, alias):
            return {}
        compiled = item.read._compiled(alias, item.shape)
        if not compiled.prepare or item.read.alone:  # no SQL at all, not to be prepared (``_preparable``), or alone
            continue
        params = item.read._params(connection, compiled, item.values)
        try:
            key = (id(compiled), tuple(params))
            if outer.get(key, (None,))[0] is not compiled:  # not read already by a block around this one
                parts.setdefault(key, (compiled, params))
        except TypeError:
            continue
    if len(parts) < 2:
        return {}
    sqls = tuple(compiled.sql for compiled, _params in parts.values())
    params = [param for _compiled, params in parts.values() for param in params]
    kept = _TOGETHER.get(sqls)
    with _cursor(connections[alias], kept is not None) as cursor:
        if kept is None:
            # The first time in this process: joined, to learn where each read's columns are and their types.
            cursor.execute(_joined(sqls), params)
            rows = cursor.fetchall()
            kept = _remember(sqls, cursor.description, connections[alias].connection)
        else:
            cursor.execute(kept[0], params)
            rows = cursor.fetchall()
    bounds = kept[1]
    found = {key: (compiled, []) for key, (compiled, _params) in parts.items()}
    read = list(found.values())
    # In each read's order: the rows' numbers were given as each read gave them.
    for row in sorted(
        (row for row in rows if row[bounds[row[0]][0]] is not None), key=lambda row: (row[0], row[bounds[row[0]][0]])
    ):
        start, end = bounds[row[0]]
        read[row[0]][1].append(row[start + 1 : end])
    return found


def _joined(sqls: tuple[str, ...]) -> str:
    """One statement giving every row of each of ``sqls``: a row per read's row, the read's place first and its
    columns in a block of their own (NULL in the others), each block after a column of its rows' numbers. A read that
    finds no rows still gives one row of NULLs, its number NULL."""
    places = ", ".join(f"({n})" for n in range(len(sqls)))
    blocks = " ".join(
        f"LEFT JOIN (SELECT row_number() OVER () AS {_PLACE}{n}, r.* FROM ({sql}) r) b{n} ON k.n = {n}"  # noqa: S608  # nosec B608
        for n, sql in enumerate(sqls)
    )
    return f"SELECT k.n, {', '.join(f'b{n}.*' for n in range(len(sqls)))} FROM (VALUES {places}) k(n) {blocks}"  # noqa: S608  # nosec B608: the reads' own SQL, every value a parameter


def _remember(sqls: tuple[str, ...], description, raw) -> tuple[str, list[tuple[int, int]]]:
    """The statement for reading ``sqls`` together from now on, and each read's block in its rows (the column of its
    rows' numbers, and the end of its own), from the first statement's columns.

    From then on the reads are joined by ``UNION ALL``, each branch giving its read's block and NULL, of each other
    column's type, in the others: the columns where the first statement had them. Joined, the server estimated the
    rows of each read times those of the others, and a statement whose reads each keep one plan for any values was
    planned again on every run (``plan_cache_mode``'s choice: docs/benchmarks.md, thirtieth pass); a union's estimate
    is the sum of its reads', as a page's reads cost alone. A column of a type psycopg does not know keeps the joined
    statement."""
    starts = [n for n, column in enumerate(description) if column.name.startswith(_PLACE)]
    bounds = list(zip(starts, [*starts[1:], len(description)], strict=True))
    types = [_type_name(raw, column.type_code) for column in description]
    statement = _joined(sqls) if None in types else _union(sqls, bounds, types)
    if len(_TOGETHER) < MAX_TOGETHER:
        _TOGETHER[sqls] = (statement, bounds)
    return statement, bounds


def _type_name(raw, oid: int) -> str | None:
    """The name of type ``oid`` in a cast, as psycopg knows it (``int8``, ``timestamptz[]``), or None."""
    info = raw.adapters.types.get(oid)
    if info is None:
        return None
    return info.name if info.oid == oid else f"{info.name}[]" if info.array_oid == oid else None


def _union(sqls: tuple[str, ...], bounds: list[tuple[int, int]], types: list[str]) -> str:
    """``sqls`` as one ``UNION ALL``: branch n is read n's place, NULL in the other reads' columns, and its own rows
    numbered in its block (``bounds``), so that every row has the columns the joined statement gave. The first
    branch's NULLs are cast to their columns' types; the union gives the later branches' NULLs the same."""
    branches = []
    for n, (sql, (start, end)) in enumerate(zip(sqls, bounds, strict=True)):
        null = [f"NULL::{name}" for name in types] if n == 0 else ["NULL"] * len(types)
        before, after = null[1:start], null[end:]
        columns = [str(n), *before, f"row_number() OVER () AS {_PLACE}{n}", "r.*", *after]
        branches.append(f"SELECT {', '.join(columns)} FROM ({sql}) r")  # noqa: S608  # nosec B608
    return " UNION ALL ".join(branches)


class _PreparedCursor(psycopg.Cursor):
    """psycopg's cursor that binds on the server, preparing every statement it runs (Django's own cursors bind in
    the client and prepare nothing). psycopg keeps the latest ``prepared_max`` of a connection's statements."""

    def execute(self, query, params=None, *, prepare=True, binary=None):
        return super().execute(query, params, prepare=prepare, binary=binary)


def _sent(connection, kind: type, value):
    """``value`` as the database is sent it: a key as a whole number, text as it is, a day, a time and a UUID as
    Django sends them."""
    if kind is int:
        return int(value)
    if kind is str:
        return str(value)
    if kind is date:
        if type(value) is not date:
            raise TypeError(f"expected a date, not {value!r}")
        return connection.ops.adapt_datefield_value(value)
    if kind is datetime:
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise TypeError(f"expected an aware datetime, not {value!r}")
        return connection.ops.adapt_datetimefield_value(value)
    # A UUID from an address may be malformed: ValueError, as the ORM's lookup would raise (a ValidationError).
    value = value if isinstance(value, UUID) else UUID(str(value))
    return value if connection.features.has_native_uuid_field else value.hex


@dataclass(frozen=True)
class _Compiled:
    sql: str
    slots: list
    converters: list
    # For a queryset of model instances: how Django's ModelIterable makes each (django/db/models/query.py).
    instances: tuple | None
    # Sent as a prepared statement (PostgreSQL).
    prepare: bool


# Statements a connection keeps prepared: every shape of every kept read (psycopg's default is a hundred; a few
# hundred cost the server a few megabytes a connection).
_PREPARED_MAX = 1000
_NEVER = 2**62
_AFTER_GROUPING = re.compile(r"\b(?:GROUP|ORDER) BY\b.*%s", re.DOTALL)


def _preparable(connection, sql: str) -> bool:
    """Whether ``sql`` may be a prepared statement: on PostgreSQL, unless turned off (TENDING_PREPARED_READS) or the
    query groups or is distinct with a parameter after its GROUP or ORDER BY. The server then binds a parameter in
    SELECT and the same one in GROUP BY as two, and refuses the grouping (Django's ticket #34255)."""
    if connection.vendor != "postgresql" or not settings.TENDING_PREPARED_READS:
        return False
    return not (("GROUP BY" in sql or "DISTINCT" in sql) and _AFTER_GROUPING.search(sql))


def kept_cursor(connection, sql: str):
    """A cursor for ``sql``, SQL of our own written once per process with every value a parameter: prepared on
    PostgreSQL as a kept read's is."""
    return _cursor(connection, _preparable(connection, sql))


def _cursor(connection, prepare: bool):
    """A cursor of ``connection`` as ``connection.cursor()`` makes it (wrapped for Django's query log and errors),
    binding its parameters on the server and preparing what it runs when ``prepare``."""
    if not prepare:
        return connection.cursor()
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # Django turns psycopg's preparing off (None). Its own cursors bind in the client and never prepare, so a
        # threshold never reached leaves preparing to the statements asked for by name: this cursor's.
        raw.prepare_threshold = _NEVER
    if raw.prepared_max < _PREPARED_MAX:
        raw.prepared_max = _PREPARED_MAX
    with connection.wrap_database_errors:
        cursor = _PreparedCursor(raw)
    return _LoggedCursor(cursor, connection) if connection.queries_logged else connection.make_cursor(cursor)


class _LoggedCursor(CursorDebugWrapper):
    """Django's query log (tests, DEBUG) writing a prepared statement with its values in, as it writes the rest."""

    def execute(self, sql, params=None):
        with self.debug_sql(self.db.ops.compose_sql(sql, params), params):
            return CursorWrapper.execute(self, sql, params)


def _instances(queryset, compiler, alias: str) -> tuple | None:
    if queryset._iterable_class is not ModelIterable:
        return None
    if queryset._fetch_mode.track_peers or queryset._known_related_objects or queryset._prefetch_related_lookups:
        raise ValueError(f"{queryset.model.__name__}: fetch modes with peers and prefetches are not kept")
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    make = _get_from_db(klass_info["model"], queryset._fetch_mode)
    populators = get_related_populators(klass_info, select, alias, queryset._fetch_mode)
    annotations = tuple((compiler.annotation_col_map or {}).items())
    return make, start, end, init_list, populators, annotations


def kept_page(
    read: "CompiledRead", count: "CompiledRead", number, per_page: int, shape: tuple = (), *, rows=False, **values
):
    """Page ``number`` of ``per_page`` from the paged kept read ``read`` (its bounds last in the shape; as instances,
    or as tuples with ``rows``), the paginator told what the kept read ``count`` counts (``counted`` over the same
    rows: one row, or none for nothing)."""
    (found,) = count.row(shape, default=(0,), **values)
    pages = read.row_pages(shape, **values) if rows else read.pages(shape, **values)
    return pages.page(number, per_page, count=found)


@dataclass(frozen=True)
class Pages:
    read: CompiledRead
    shape: tuple
    values: dict
    as_rows: bool = False

    def __getitem__(self, bounds: slice) -> list:
        read = self.read.rows if self.as_rows else self.read.objects
        return read((*self.shape, bounds.start, bounds.stop), **self.values)

    def page(self, number, per_page: int, *, count: int) -> Page:
        """Page ``number`` (as a request gives it: a page out of range is the last, anything else the first) of
        ``per_page`` rows, the paginator told the ``count`` the caller has read (set, it is not counted again)."""
        paginator = Paginator(self, per_page)
        paginator.count = count  # a cached_property
        return paginator.get_page(number)
