"""Ready for a distributed PostgreSQL: every table of a practice's data carries the practice, and a
request's queries are scoped to it (issue 22, "Ready for a distributed PostgreSQL"; docs/scale.md).

Two checks.

1. **The models** (``test_every_model_carries_the_practice_or_is_listed_global``). For every
   installed model of our own apps (an app whose code lives in this repository), one of:

   - it *is* the tenant (``practice.Practice``);
   - it carries the practice: a path of **non-null** foreign keys from the model reaches
     ``practice.Practice`` (``checkins.CheckIn.client -> practice.Client.practice``), the shortest
     such path being its *chain*; a nullable key never counts, since a row without it would belong
     to no practice;
   - it carries the practice by value where a foreign key cannot be kept (``CARRIES_BY_VALUE``:
     the audit log keeps UUIDs so that erasing a person never rewrites history);
   - it is global, listed in ``GLOBAL_TABLES`` with the reason.

   A new model that is none of these fails with a message saying what to do.

2. **A request's queries** (``QueryScopingTests``). With two practices in the database (Willow and
   Oak, the persona world of ``tending.testing.personas``), Willow's therapist, client A and owner each
   open every GET page of the route lists (``<app>/tests/routes*.py``, through
   ``tending.testing.matrix.all_routes``) that is theirs to open (the route's expected answer for them is
   200), under ``CaptureQueriesContext``. Each SQL statement is classified by the tables it names
   (``FROM``, ``JOIN``, ``UPDATE``, ``INSERT INTO``, ``DELETE FROM``; quoted names as Django writes
   them):

   - *global*: it names no table of a practice's data (sessions, the cache, users, ...): not checked;
   - *insert*: an ``INSERT`` into a practice table: the new row names its chain column (non-null), so it
     is scoped by construction: not checked further;
   - *scoped*: a ``SELECT``/``UPDATE``/``DELETE`` whose text after its first ``WHERE`` or in a
     ``JOIN ... ON`` compares a **scoping column** to a value (``= 5``, ``= '…'``, ``IN (…)``, ``IN
     (SELECT …)``), not to another column. Scoping columns are ``practice_id`` and the column of every
     non-null foreign key between practice tables (``client_id``, ``therapist_id``, ``note_id``, …: a
     key of a row that is itself scoped), plus ``practice_practice``'s own ``id``/``uuid``/``slug``
     (resolving the tenant). A join to a scoped parent counts when the parent's scoping column is
     compared to a value (``JOIN practice_client ... WHERE practice_client.practice_id = 3``);
   - *known*: unscoped statements of the shapes listed in ``KNOWN_UNSCOPED`` (with why);
   - anything else fails the test, naming the page, the persona and the statement.

   What this proves, and what it does not. It proves every statement a page runs either names no
   practice table or restricts itself by a value of the practice's key chain, which is what a router
   of a distributed PostgreSQL needs to send it to one shard *once every table carries the
   distribution column itself* (docs/scale.md, "Sharding by practice"): today a filter on
   ``client_id`` is scoped by the chain but would fan out on Citus until ``checkins_checkin`` also
   has ``practice_id`` and the query names it. It does not prove the value belongs to the right
   practice (the access tests, ``test_url_matrix``, do that), nor that a predicate ``OR``-ed with an
   unscoped one still scopes (Django's ``OR`` filters are rare here and none show on these pages), and
   it reads SQL text with regular expressions, not a parser: a statement of an unusual shape could be
   classified wrongly either way. Only GET pages are opened, and only as these three personas; writes
   (POST) are scoped by the same service code but not checked here.
"""

import re
from collections import deque
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.models import ForeignKey, OneToOneField
from django.test import SimpleTestCase, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tending.testing.matrix import OK, all_routes
from tending.testing.personas import TendingTestCase

TENANT = "practice.Practice"

# Models of our apps that hold no practice's data, or hold data of several practices, and why.
GLOBAL_TABLES = {
    # A person signs in with one email before any practice is known, and an address is unique across
    # the whole service; a user reaches their practice through their membership (StaffMember or Client,
    # one each). Under sharding: a reference table (small, read at sign-in), or kept on a coordinator.
    "accounts.User": "sign-in identity, unique across practices; the membership carries the practice",
    # The head row of each audit chain, named by the practice's UUID or "system"/"legacy" (audit.models):
    # one row per practice, locked by each append of that practice only.
    "audit.AuditChain": "one head row per chain; its name is the practice's UUID (or system/legacy)",
    # When each periodic job last ran (core.scheduled): the clock's bookkeeping, not a practice's data.
    "core.ScheduledRun": "the scheduler's own bookkeeping, one row per job",
    # Stripe's event ids, kept so a webhook delivered twice is handled once; the event names its
    # invoice, which is looked up (and scoped) when the event is handled.
    "money.StripeEvent": "webhook deduplication by Stripe's event id, before the invoice is known",
    # Emails of no practice (a password reset of an account) share the table with a practice's emails:
    # the practice is a nullable key. The sender (outbox.sending) drains all of them.
    "outbox.Email": "the outbox of the whole service; practice is nullable (account emails have none)",
    # allauth's tables hang off the user (global, above).
    "account.EmailAddress": "allauth: a user's addresses (the user is global)",
    "account.EmailConfirmation": "allauth: confirmations of an address (the user is global)",
    "mfa.Authenticator": "allauth: a user's TOTP and recovery codes (the user is global)",
    "accounts.User_groups": "Django: a user's groups (unused; the user is global)",
    "accounts.User_user_permissions": "Django: a user's permissions (unused; the user is global)",
    # Django's own.
    "auth.Group": "Django: permission groups (unused, global by design)",
    "auth.Permission": "Django: permissions (global by design)",
    "contenttypes.ContentType": "Django: the model registry",
    "sessions.Session": "Django: sessions are keyed by a random id and looked up before the practice is known",
}
# Tables Django or a library keeps that are not models of our apps, listed so docs/scale.md can name
# them all: the database cache (settings.CACHES), migrations, the task queue.
OTHER_GLOBAL_TABLES = {
    "tending_cache": "the database cache (keys may name a practice, the table does not)",
    "django_migrations": "Django's record of applied migrations",
    "django_tasks_database_dbtaskresult": "the task queue (django-tasks' database backend)",
}
# Models that carry the practice as a value, not a key, and the field that holds it.
CARRIES_BY_VALUE = {
    # Audit rows keep UUIDs, never foreign keys: erasing a person must not rewrite history (audit.models).
    "audit.AuditEvent": "practice_id",
}


def our_models():
    """Installed models whose app lives in this repository (not in the virtualenv)."""
    root = Path(settings.BASE_DIR).resolve()
    venv = root / ".venv"
    for model in apps.get_models(include_auto_created=True):
        path = Path(apps.get_app_config(model._meta.app_label).path).resolve()
        if root in path.parents and venv not in path.parents and path != venv:
            yield model


def _required_keys(model):
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, ForeignKey | OneToOneField) and not field.null
    ]


def chain_to_practice(model) -> list[str] | None:
    """The shortest path of non-null foreign keys from ``model`` to the practice, as ``Model.field`` steps."""
    if model._meta.label == TENANT:
        return []
    queue = deque([(model, [])])
    seen = {model}
    while queue:
        current, path = queue.popleft()
        for field in _required_keys(current):
            step = [*path, f"{current._meta.label}.{field.name}"]
            target = field.related_model
            if target._meta.label == TENANT:
                return step
            if target not in seen:
                seen.add(target)
                queue.append((target, step))
    return None


def practice_tables() -> dict[str, list[str]]:
    """Each practice table's name and its chain (empty for the tenant itself, the field for by-value)."""
    tables = {}
    for model in apps.get_models(include_auto_created=True):
        label = model._meta.label
        if label in CARRIES_BY_VALUE:
            tables[model._meta.db_table] = [f"{label}.{CARRIES_BY_VALUE[label]}"]
            continue
        chain = chain_to_practice(model)
        if chain is not None:
            tables[model._meta.db_table] = chain
    return tables


class PracticeTablesTests(SimpleTestCase):
    def test_every_model_carries_the_practice_or_is_listed_global(self):
        problems = []
        for model in our_models():
            label = model._meta.label
            chain = chain_to_practice(model)
            if label in GLOBAL_TABLES:
                if chain is not None:
                    problems.append(f"{label} is listed in GLOBAL_TABLES but carries the practice ({chain}): unlist it")
                continue
            if label in CARRIES_BY_VALUE:
                field = CARRIES_BY_VALUE[label]
                if field not in {f.name for f in model._meta.concrete_fields}:
                    problems.append(f"{label} has no field {field!r} (CARRIES_BY_VALUE)")
                continue
            if chain is None:
                problems.append(
                    f"{label} ({model._meta.db_table}) neither carries the practice nor is listed global: give it a "
                    "non-null key to the practice or to a row that carries it (a client, a staff member), or list it "
                    "in GLOBAL_TABLES of tending/tests/test_practice_scoping.py with the reason (and in docs/scale.md)"
                )
        self.assertEqual(problems, [], "\n".join(problems))

    def test_the_chains_we_rely_on(self):
        """Spot checks of the walk itself, so a broken walk cannot pass the test above vacuously."""
        self.assertEqual(chain_to_practice(apps.get_model("practice.Practice")), [])
        self.assertEqual(chain_to_practice(apps.get_model("practice.Client")), ["practice.Client.practice"])
        self.assertEqual(
            chain_to_practice(apps.get_model("checkins.CheckIn")),
            ["checkins.CheckIn.client", "practice.Client.practice"],
        )
        self.assertEqual(len(chain_to_practice(apps.get_model("messaging.Attachment"))), 4)
        # A nullable key never carries the practice: outbox.Email.practice is nullable.
        self.assertIsNone(chain_to_practice(apps.get_model("outbox.Email")))
        self.assertIsNone(chain_to_practice(apps.get_model("accounts.User")))

    def test_global_lists_name_real_models(self):
        labels = {model._meta.label for model in apps.get_models(include_auto_created=True)}
        self.assertEqual(sorted(set(GLOBAL_TABLES) - labels), [])
        self.assertEqual(sorted(set(CARRIES_BY_VALUE) - labels), [])


class EveryTableTests(TestCase):
    def test_every_table_in_the_database_is_accounted_for(self):
        """Tables made outside models (the cache table, a hand-made partition) must be listed too."""
        ours = set(our_models())
        accounted = set(practice_tables()) | set(OTHER_GLOBAL_TABLES)
        accounted |= {model._meta.db_table for model in apps.get_models(include_auto_created=True) if model not in ours}
        accounted |= {apps.get_model(label)._meta.db_table for label in GLOBAL_TABLES}
        found = set(connection.introspection.table_names())
        self.assertEqual(sorted(found - accounted), [], "list these in OTHER_GLOBAL_TABLES or give them a practice")


# ---------------------------------------------------------------------------------------------------
# The query log

_TABLE_RE = re.compile(r'\b(?:FROM|JOIN|UPDATE|INSERT INTO|DELETE FROM)\s+"(\w+)"')
_NOT_ALIAS = r"(?!(?:WHERE|INNER|LEFT|RIGHT|FULL|CROSS|ON|ORDER|GROUP|LIMIT|HAVING|UNION|WINDOW|FOR|SET|AS)\b)"
_ALIAS_RE = re.compile(r'\b(?:FROM|JOIN)\s+"(\w+)"\s+(?:AS\s+)?"?' + _NOT_ALIAS + r'([A-Za-z]\w*)"?')
# A column compared to a value (= 5, = '…', IN (…), IN (SELECT …)), never to another column.
_COMPARISON_RE = re.compile(r'(?:"?(\w+)"?\.)?"(\w+)"\s*(?:=|IN\b)\s*(?!\(?\s*"?\w+"?\.")')


def scoping_columns(tables: dict) -> dict[str, set[str]]:
    """For each practice table, the columns whose value scopes a statement (see the module docstring)."""
    columns = {}
    for model in apps.get_models(include_auto_created=True):
        table = model._meta.db_table
        if table not in tables:
            continue
        keys = {
            field.column
            for field in model._meta.concrete_fields
            if isinstance(field, ForeignKey | OneToOneField) and field.related_model._meta.db_table in tables
        }
        columns[table] = {"practice_id", model._meta.pk.column, *keys}
    columns["practice_practice"] |= {"uuid", "slug"}
    columns["audit_auditevent"] |= {"chain", "client_id"}  # the chain is named by the practice's UUID
    return columns


def _short(sql: str) -> str:
    """A statement without its column list, for messages."""
    start = sql.find(" FROM ")
    return (sql[:7] + " …" + sql[start:] if sql.startswith("SELECT") and start > 0 else sql)[:700]


def _comparisons(sql: str):
    """(table, column) of each column compared to a value in ``sql`` after its first FROM (or in an UPDATE
    or DELETE), qualifiers resolved through the statement's aliases."""
    aliases = {alias: table for table, alias in _ALIAS_RE.findall(sql)}
    touched = _TABLE_RE.findall(sql)
    start = sql.find(" FROM ")
    text = sql[start:] if start >= 0 and sql.startswith("SELECT") else sql
    for qualifier, column in _COMPARISON_RE.findall(text):
        if qualifier:
            yield aliases.get(qualifier, qualifier), column
        elif len(set(touched)) == 1:
            yield touched[0], column


# Statements that touch a practice table without a scoping filter, and why that is acceptable now.
# Each is (a regular expression the statement matches, why). Keep these few; docs/scale.md lists them too.
KNOWN_UNSCOPED = [
    (
        re.compile(
            r'(?:WHERE|AND) \(?"accounts_user"\."(?:id|uuid)" (?:=|IN)|'
            r'WHERE "practice_(?:client|staffmember)"\."user_id" = '
        ),
        "the signed-in user and their membership (the session's user, loaded with its StaffMember or Client), "
        "or people named by their user: the lookup that finds the practice, by a global row. Under sharding: "
        "a user -> practice map on the coordinator (users as a reference table), then the practice is known",
    ),
    (
        re.compile(r'"(?:manage_token|feed_token|stop_token|token|token_hash|key)" = '),
        "a secret token from an emailed link or a calendar feed: the token is all the request has. Under "
        "sharding: put the practice in the link (or a token -> practice map on the coordinator)",
    ),
    (
        re.compile(r'WHERE "money_(?:invoice|payment)"\."uuid" = .* LIMIT 1$'),
        "a document named by a signed link from an email (money.views_client._linked): the link is all the "
        "request has. Under sharding: put the practice in the signed link",
    ),
    (
        re.compile(r'WHERE "messaging_attachment"\."uuid" = '),
        "an attachment by its UUID (messaging.access.get_attachment_for_user), checked against the person's "
        "conversation after it is read; to scope it, filter by the person's practice first (not done here: "
        "messaging/access.py was being changed by another helper this session)",
    ),
    (
        re.compile(
            r'FROM "audit_auditevent" WHERE \("audit_auditevent"\."action" = .* "audit_auditevent"\."actor_id" = '
        ),
        "the caseload's 'shared entries not yet read': a therapist's own reads, by their actor UUID (audit rows keep "
        "UUIDs, not keys); adding practice_id = the therapist's practice would scope it",
    ),
    (
        re.compile(r'^SELECT .* FROM "practice_practice" ORDER BY'),
        "the front door lists every practice hosted here: the practices table is a reference table",
    ),
]


# An insert inside a WITH (PostgreSQL's audit append writes its row there and moves its chain's head: audit/services.py).
_INSERT_WITHIN = re.compile(r"^\s*WITH\s+\w+\s+AS\s+\(\s*INSERT\b", re.IGNORECASE)


def classify(sql: str, tables: dict, columns: dict) -> str:
    touched = set(_TABLE_RE.findall(sql))
    if not touched & set(tables):
        return "global"
    if sql.lstrip().upper().startswith("INSERT") or _INSERT_WITHIN.match(sql):
        return "insert"
    for table, column in _comparisons(sql):
        if column in columns.get(table, ()):
            return "scoped"
    for pattern, _why in KNOWN_UNSCOPED:
        if pattern.search(sql):
            return "known"
    return "unscoped"


class ClassifyTests(SimpleTestCase):
    """The classifier on statements of the shapes Django writes, so the rule is what the docstring says."""

    tables = {"practice_client": ["practice.Client.practice"], "checkins_checkin": ["x", "y"]}
    columns = {"practice_client": {"id", "practice_id", "therapist_id"}, "checkins_checkin": {"id", "client_id"}}

    def check(self, sql):
        return classify(sql, self.tables, self.columns)

    def test_shapes(self):
        self.assertEqual(
            self.check('SELECT 1 FROM "django_session" WHERE "django_session"."session_key" = \'x\''), "global"
        )
        self.assertEqual(self.check('INSERT INTO "checkins_checkin" ("client_id") VALUES (3)'), "insert")
        self.assertEqual(
            self.check('WITH w AS (INSERT INTO "checkins_checkin" ("client_id") VALUES (3) RETURNING "id") UPDATE x'),
            "insert",
        )
        self.assertEqual(
            self.check('SELECT * FROM "checkins_checkin" WHERE "checkins_checkin"."client_id" = 3'), "scoped"
        )
        self.assertEqual(
            self.check(
                'SELECT * FROM "checkins_checkin" INNER JOIN "practice_client" ON ("checkins_checkin"."client_id" = '
                '"practice_client"."id") WHERE "practice_client"."practice_id" = 2'
            ),
            "scoped",
        )
        # A join condition alone compares two columns: not scoped.
        self.assertEqual(
            self.check(
                'SELECT * FROM "checkins_checkin" INNER JOIN "practice_client" ON ("checkins_checkin"."client_id" = '
                '"practice_client"."id") WHERE "checkins_checkin"."uuid" = \'ab\''
            ),
            "unscoped",
        )
        self.assertEqual(
            self.check('SELECT * FROM "practice_client" WHERE "practice_client"."uuid" = \'ab\''), "unscoped"
        )
        self.assertEqual(
            self.check('SELECT * FROM "practice_client" WHERE "practice_client"."user_id" = 7 LIMIT 21'), "known"
        )
        self.assertEqual(
            self.check(
                'SELECT * FROM "checkins_checkin" WHERE "checkins_checkin"."client_id" IN (SELECT U0."id" FROM x)'
            ),
            "scoped",
        )
        # A practice table's own integer key (only ever taken from a row already read), through an alias too.
        self.assertEqual(self.check('SELECT * FROM "practice_client" WHERE "practice_client"."id" = 5'), "scoped")
        self.assertEqual(self.check('SELECT c."id" FROM "practice_client" c WHERE c."id" IN (1)'), "scoped")
        # The user's own key scopes nothing: the session's user with its membership is a known entry point.
        self.assertEqual(
            self.check(
                'SELECT * FROM "accounts_user" LEFT OUTER JOIN "practice_client" ON ("accounts_user"."id" = '
                '"practice_client"."user_id") WHERE "accounts_user"."id" = 5 LIMIT 21'
            ),
            "known",
        )


PERSONAS_OF_PRACTICE_A = ("therapist", "client_a", "owner")


class QueryScopingTests(TendingTestCase):
    """Willow's therapist, client A and owner open every GET page that is theirs, Oak (practice B) present."""

    maxDiff = None

    def test_every_statement_of_every_page_is_scoped(self):
        tables = practice_tables()
        columns = scoping_columns(tables)
        routes = [route for route in all_routes() if "GET" in route.methods]
        counts = {"global": 0, "insert": 0, "scoped": 0, "known": 0}
        unscoped = []
        pages = 0
        prepared_for = {}
        for persona in PERSONAS_OF_PRACTICE_A:
            browser = self.as_(persona)
            for route in routes:
                if route.expected(persona) != OK:
                    continue
                if route.name not in prepared_for:
                    prepared_for[route.name] = route.setup(self.w) if route.setup else None
                prepared = prepared_for[route.name]
                kwargs = route.kwargs(self.w, prepared) if route.kwargs else {}
                url = reverse(route.name, kwargs=kwargs) + (f"?{route.query}" if route.query else "")
                with CaptureQueriesContext(connection) as captured:
                    response = browser.get(url)
                self.assertEqual(response.status_code, OK, f"{persona} {url}")
                pages += 1
                for query in captured.captured_queries:
                    kind = classify(query["sql"], tables, columns)
                    if kind == "unscoped":
                        unscoped.append(f"{persona} {route.name}: {_short(query['sql'])}")
                    else:
                        counts[kind] += 1
        self.assertGreater(pages, 60, "too few pages opened to mean anything")
        self.assertGreater(counts["scoped"], 500)
        self.assertEqual(unscoped, [], "\n\n".join(unscoped))
