"""The office's books: takings, what is waiting to be paid by age, payments by method, credit notes and
refunds, for a month or a year of one practice (docs/money.md, "Books and reports").

Takings and what was issued are read from the books kept as monthly sums as money moves (money/books.py):
a year is a few hundred rows however many clients, invoices and payments the practice has; what is
waiting is summed from the invoices waiting. Nothing here is clinical: amounts, dates, methods and
therapists' names.

- **Takings** are payments received less refunds given, by the month they were received.
- **By therapist**: the therapist of the invoice a payment was made against, or, for a payment named
  against none (and every refund), the client's therapist when it was recorded: a month's books do not
  change when a client later moves to another therapist.
- **Waiting to be paid** is as of today, whatever the period: each issued invoice's ``waiting`` (kept by
  money.ledger.settle), aged from its issue date (``tax_point``), as the overview's "days since" is.
  Erased clients' invoices are left out, as on the overview: nothing is asked of them.
"""

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum

from core.compiled import CompiledRead
from money.models import Invoice, IssuedMonth, Payment, TakingsMonth
from practice.models import Client
from practice.staff import staff_rows

MONTH_NAMES = ("January February March April May June July August September October November December").split()
# The oldest and newest years the chooser accepts: enough for six years of kept records either side.
EARLIEST_YEAR = 2000
# Ages of what is waiting, in days since the invoice was issued: 0–30, 31–60, over 60.
AGE_BANDS = (30, 60)

_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_YEAR = re.compile(r"^\s*(\d{4})\s*$")


class PeriodError(ValueError):
    """A period we could not read; its message is kind and says what to do."""


@dataclass(frozen=True)
class Period:
    """A calendar month or year: ``first`` and ``last`` days, both inside it."""

    first: date
    last: date
    is_year: bool = False

    @classmethod
    def month(cls, year: int, month: int) -> "Period":
        return cls(date(year, month, 1), date(year, month, monthrange(year, month)[1]))

    @classmethod
    def year(cls, year: int) -> "Period":
        return cls(date(year, 1, 1), date(year, 12, 31), is_year=True)

    @property
    def label(self) -> str:
        if self.is_year:
            return str(self.first.year)
        return f"{MONTH_NAMES[self.first.month - 1]} {self.first.year}"

    @property
    def slug(self) -> str:
        """For file names and links: "2026-11", or "2026" for a year."""
        return str(self.first.year) if self.is_year else f"{self.first:%Y-%m}"

    @property
    def query(self) -> dict:
        return {"year": self.slug} if self.is_year else {"month": self.slug}

    def months(self) -> list[date]:
        """The first day of each month in the period."""
        return [date(self.first.year, m, 1) for m in range(self.first.month, self.last.month + 1)]

    def previous(self) -> "Period":
        if self.is_year:
            return Period.year(self.first.year - 1)
        before = self.first - timedelta(days=1)
        return Period.month(before.year, before.month)

    def next(self) -> "Period":
        if self.is_year:
            return Period.year(self.first.year + 1)
        after = self.last + timedelta(days=1)
        return Period.month(after.year, after.month)


def period_from(params, today: date) -> Period:
    """The period asked for: ``month=YYYY-MM``, or ``year=YYYY``; this month when neither is given.

    Raises ``PeriodError`` (with a kind message) for anything else: a month 13, a word, a year far off.
    """
    month, year = (params.get("month") or "").strip(), (params.get("year") or "").strip()
    latest = today.year + 1
    if year:
        found = _YEAR.match(year)
        if not found or not EARLIEST_YEAR <= int(found[1]) <= latest:
            raise PeriodError(f"Please choose a year between {EARLIEST_YEAR} and {latest}, for example {today.year}.")
        return Period.year(int(found[1]))
    if month:
        found = _MONTH.match(month)
        if not found or not 1 <= int(found[2]) <= 12 or not EARLIEST_YEAR <= int(found[1]) <= latest:
            raise PeriodError(f"Please choose a month as year and month, for example {today:%Y-%m}.")
        return Period.month(int(found[1]), int(found[2]))
    return Period.month(today.year, today.month)


@dataclass
class Report:
    period: Period
    today: date
    # One row per month of the period: {"month", "received", "refunded", "takings"}.
    months: list = field(default_factory=list)
    # One row per therapist with takings: {"name", "received", "refunded", "takings"}, by name.
    therapists: list = field(default_factory=list)
    # One row per method used: {"method", "label", "payments", "received", "refunds", "refunded", "takings"}.
    methods: list = field(default_factory=list)
    received: int = 0
    refunded: int = 0
    refunds: int = 0
    invoices: int = 0
    invoiced: int = 0
    credit_notes: int = 0
    credited: int = 0
    # What is waiting to be paid today, by age: {"label", "count", "amount"}; and in all.
    ages: list = field(default_factory=list)
    waiting_count: int = 0
    waiting: int = 0

    @property
    def takings(self) -> int:
        return self.received - self.refunded


# The page's four sums are built by the ORM once and run with each request's practice and days (core/compiled.py):
# building and compiling them cost more than the database's work to answer them.
_PERIOD = {"practice": int, "first": date, "last": date}


def _months(model, practice, first, last):
    return model.objects.filter(practice=practice, month__range=(first, last)).order_by()


_TAKINGS = ("payments", "refunds", "received", "refunded")


def _by_month_and_method(shape, *, practice, first, last):
    return (
        _months(TakingsMonth, practice, first, last)
        .values("month", "method")
        .annotate(**{name: Sum(name, default=0) for name in _TAKINGS})
        .values_list("month", "method", *_TAKINGS)
    )


def _by_therapist(shape, *, practice, first, last):
    return (
        _months(TakingsMonth, practice, first, last)
        .values("therapist_id")
        .annotate(received=Sum("received", default=0), refunded=Sum("refunded", default=0))
        .values_list("therapist_id", "received", "refunded")
    )


def _issued(shape, *, practice, first, last):
    # Grouped by the practice (one group) so that the sums are a queryset: one row, or none.
    names = ("invoices", "invoiced", "credit_notes", "credited")
    return (
        _months(IssuedMonth, practice, first, last)
        .values("practice")
        .annotate(**{name: Sum(name, default=0) for name in names})
        .values_list(*names)
    )


_BANDS = ("new", "middle", "old")


def _waiting_by_age(shape, *, practice, recent, older):
    bands = {
        "new": Q(tax_point__gte=recent),
        "middle": Q(tax_point__lt=recent, tax_point__gte=older),
        "old": Q(tax_point__lt=older),
    }
    return (
        Invoice.objects.invoices()
        .issued()
        .unpaid()
        .filter(practice=practice)
        .exclude(client__in=Client.objects.erased())
        .order_by()
        .values("practice")
        .annotate(
            **{f"{key}_count": Count("pk", filter=bands[key]) for key in _BANDS},
            **{f"{key}_amount": Sum("waiting", filter=bands[key], default=0) for key in _BANDS},
        )
        .values_list(*(f"{key}_count" for key in _BANDS), *(f"{key}_amount" for key in _BANDS))
    )


_BY_MONTH_AND_METHOD = CompiledRead(TakingsMonth, _by_month_and_method, _PERIOD)
_BY_THERAPIST = CompiledRead(TakingsMonth, _by_therapist, _PERIOD)
_ISSUED = CompiledRead(IssuedMonth, _issued, _PERIOD)
_WAITING_BY_AGE = CompiledRead(Invoice, _waiting_by_age, {"practice": int, "recent": date, "older": date})


def practice_report(practice, period: Period, today: date) -> Report:
    """The practice's books for ``period``, and what is waiting as of ``today``: five queries."""
    report = Report(period=period, today=today)
    span = {"practice": practice.pk, "first": period.first, "last": period.last}

    # Takings by month and by method, from one grouped query (a year: at most twelve rows a method).
    columns = ("month", "method", "payments", "refunds", "received", "refunded")
    grouped = [dict(zip(columns, row, strict=True)) for row in _BY_MONTH_AND_METHOD.rows(**span)]
    by_month, by_method = {}, {}
    for row in grouped:
        for key, into in ((row["month"], by_month), (row["method"], by_method)):
            found = into.setdefault(key, {"payments": 0, "refunds": 0, "received": 0, "refunded": 0})
            for name in found:
                found[name] += row[name]
    for first in period.months():
        row = by_month.get(first, {"received": 0, "refunded": 0})
        report.months.append(
            {
                "month": first,
                "label": f"{MONTH_NAMES[first.month - 1]} {first.year}",
                "received": row["received"],
                "refunded": row["refunded"],
                "takings": row["received"] - row["refunded"],
            }
        )

    # By method, with the period's totals and the refunds from the same rows.
    for method, row in sorted(by_method.items()):
        report.methods.append(
            {
                "method": method,
                **row,
                "label": Payment.Method(method).label if method in Payment.Method.values else "Other",
                "takings": row["received"] - row["refunded"],
            }
        )
        report.received += row["received"]
        report.refunded += row["refunded"]
        report.refunds += row["refunds"]
    order = {value: n for n, value in enumerate(Payment.Method.values)}
    report.methods.sort(key=lambda row: order.get(row["method"], len(order)))

    # By therapist: the invoice's, else the client's. Names in one more query (a join per row would
    # group by the name too, and two therapists may share one).
    by_therapist = [dict(zip(("who", "received", "refunded"), row, strict=True)) for row in _BY_THERAPIST.rows(**span)]
    names = {staff.pk: staff.name for staff in staff_rows(practice.pk)} if by_therapist else {}
    report.therapists = sorted(
        (
            {
                "name": names.get(row["who"], "No therapist"),
                "received": row["received"],
                "refunded": row["refunded"],
                "takings": row["received"] - row["refunded"],
            }
            for row in by_therapist
        ),
        key=lambda row: row["name"].casefold(),
    )

    # Invoices and credit notes issued in the period (void ones count for nothing).
    report.invoices, report.invoiced, report.credit_notes, report.credited = _ISSUED.row(default=(0, 0, 0, 0), **span)

    # What is waiting to be paid, today, by days since issue: 0–30, 31–60, over 60.
    recent, older = (today - timedelta(days=days) for days in AGE_BANDS)
    ages = _WAITING_BY_AGE.row(practice=practice.pk, recent=recent, older=older, default=(0,) * 6)
    labels = {"new": "0 to 30 days", "middle": "31 to 60 days", "old": "Over 60 days"}
    # The row holds the three bands' counts, then their amounts.
    for key, count, amount in zip(_BANDS, ages[:3], ages[3:], strict=True):
        report.ages.append({"label": labels[key], "count": count, "amount": amount})
    report.waiting_count = sum(row["count"] for row in report.ages)
    report.waiting = sum(row["amount"] for row in report.ages)
    return report
