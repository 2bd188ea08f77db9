"""Pending risk checks: a client's saved words are always checked, and the alert raised, whatever fails.

Saving words writes a ``RiskCheck`` row in the same transaction (``risk_check_request``). Just after
commit the worker runs it (the ``risk_check_run`` task below), and the clock's ``risk_checks`` job
(every minute, risk/jobs.py) runs every row still due. Running a row claims it with a conditional update, reads the words,
runs detection, raises the alert when risk words are found and the client agreed, and marks the row
done, all in one transaction. Any failure (detection, the database, raising) leaves the row due again
after a backoff of 1, 2, 5, 10 and 30 minutes, then every 30 minutes: it never gives up.

The risk app never imports the apps whose words it checks. Each registers a text source in its
``AppConfig.ready()`` (``register_text_source``): how to read one item's words, which consent lets
the therapist be told, and (the journal) which drafts have waited unsaved long enough to be checked.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.tasks import task
from django.utils import timezone

from onboarding.consents import has_consent
from practice.models import Client
from risk import detection
from risk.models import RiskAlert, RiskCheck
from risk.services import risk_alert_raise

logger = logging.getLogger(__name__)

BACKOFF = tuple(timedelta(minutes=m) for m in (1, 2, 5, 10, 30))
# A draft with risk words that stays unsaved this long is checked as if it had been saved (issue 14).
UNSAVED_AFTER = timedelta(minutes=30)


@dataclass(frozen=True)
class TextSource:
    # The words of one item and whose they are, or None when the item is gone.
    read: Callable[[str], tuple[Client, str] | None]
    # The consent kind (onboarding.consents) that lets the therapist be told.
    consent: str
    # (client_id, source_id) of the words kept unsaved since before the given time and not checked since.
    unsaved: Callable[[datetime], Iterable[tuple[int, str]]] | None = None


_SOURCES: dict[str, TextSource] = {}


def register_text_source(source: str, *, read, consent: str, unsaved=None) -> None:
    """Called from an app's ``ready()``; ``source`` is a ``RiskAlert.Source`` value."""
    if source not in RiskAlert.Source.values:
        raise ValueError(f"unknown risk source {source!r}")
    _SOURCES[source] = TextSource(read=read, consent=consent, unsaved=unsaved)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th attempt began before trying again."""
    return BACKOFF[min(max(attempts, 1), len(BACKOFF)) - 1]


def risk_check_request(
    *, client: Client, source: str, source_id, findings: detection.Findings | None = None, now=None
) -> RiskCheck | None:
    """Ask for the words of ``source_id`` to be checked. Call it inside the transaction that saves them,
    so the words are never saved without their check. ``findings``: what the saving request's own detection
    found in exactly the words it saves, or None if it ran none.

    Words the request checked and found clear need nothing more: detection is a pure function of the words,
    so the worker would read the same words and find the same. Their row is written done, and no task is
    queued (issue 22: that task was most of the worker's time). Everything else waits for the worker as before:
    words with risk (the alert is raised there, with its consent and its retries) and words whose detection
    failed in the request.

    None, and no row, once the client's care has ended: nothing written after the ending reaches anyone
    at the practice (issue 21); the saving page shows the crisis contacts itself."""
    if client.care_has_ended:
        return None
    now = now or timezone.now()
    found = findings is not None and findings.risk
    clear = findings is not None and not findings.risk and not findings.failed
    check = RiskCheck.objects.create(
        client=client,
        source=source,
        source_id=str(source_id),
        created_at=now,
        next_attempt_at=now,
        found=False if clear else (True if found else None),
        done_at=now if clear else None,
    )
    if not clear:
        check_id = check.pk
        transaction.on_commit(lambda: _run_soon(check_id))
    return check


def _run_soon(check_id: int) -> None:
    try:
        risk_check_run.enqueue(check_id=check_id)
    except Exception:  # noqa: BLE001 - the words are saved; the row stays due for the clock
        logger.exception("could not queue risk check %s; manage.py risk_checks will run it", check_id)


def risk_checks_run(now=None) -> int:
    """Check risky drafts left unsaved, then run every due check. Returns how many checks finished."""
    now = now or timezone.now()
    risk_checks_for_unsaved(now=now)
    due = list(RiskCheck.objects.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True))
    return sum(risk_check_run_one(check_id=check_id, now=now) for check_id in due)


def risk_checks_for_unsaved(*, now=None) -> int:
    """A check for each draft kept unsaved for ``UNSAVED_AFTER`` and not checked since it last changed."""
    now = now or timezone.now()
    found = [
        (source, client_id, source_id)
        for source, text_source in _SOURCES.items()
        if text_source.unsaved is not None
        for client_id, source_id in text_source.unsaved(now - UNSAVED_AFTER)
    ]
    # Words kept unsaved by a client whose care has ended are theirs alone (issue 21): no check, no alert.
    ended = set(
        Client.objects.filter(
            pk__in={client_id for _source, client_id, _id in found}, care_status=Client.CareStatus.ENDED
        ).values_list("pk", flat=True)
    )
    rows = [
        RiskCheck(client_id=client_id, source=source, source_id=str(source_id), created_at=now, next_attempt_at=now)
        for source, client_id, source_id in found
        if client_id not in ended
    ]
    RiskCheck.objects.bulk_create(rows)
    return len(rows)


def risk_check_run_one(*, check_id: int, now=None) -> bool:
    """Run one due check unless another worker has it. True when this call finished it; never raises."""
    now = now or timezone.now()
    try:
        check = RiskCheck.objects.select_related("client").filter(pk=check_id, done_at__isnull=True).first()
        if check is None:
            return False
        attempt = check.attempts + 1
        # The claim: only one worker's update matches, and the new next_attempt_at is the retry time
        # should this attempt fail or its worker die.
        claimed = RiskCheck.objects.filter(
            pk=check.pk, done_at__isnull=True, attempts=check.attempts, next_attempt_at__lte=now
        ).update(attempts=attempt, next_attempt_at=now + backoff(attempt))
        if not claimed:
            return False
    except Exception:  # noqa: BLE001 - the row stays due
        logger.exception("could not claim risk check %s", check_id)
        return False
    try:
        with transaction.atomic():
            _check(check, now)
    except Exception as error:  # noqa: BLE001 - tried again after the backoff, never given up
        logger.exception(
            "risk check %s (%s %s) failed on attempt %s; trying again after %s",
            check.pk,
            check.source,
            check.source_id,
            attempt,
            now + backoff(attempt),
        )
        try:
            RiskCheck.objects.filter(pk=check.pk).update(last_error=_error_name(error))
        except Exception:  # noqa: BLE001 - the claim already set the retry time
            logger.exception("could not record the failure of risk check %s", check.pk)
        return False
    return True


@task
def risk_check_run(*, check_id: int) -> bool:
    """Check one piece of saved words just after they were committed (queued by ``_run_soon``).

    If this fails, or never runs, the row stays due and the clock's ``risk_checks`` job runs it.
    A task that this module queues lives here, not in a tasks module that would import it back.
    """
    return risk_check_run_one(check_id=check_id)


def _check(check: RiskCheck, now) -> None:
    source = _SOURCES.get(check.source)
    if source is None:
        raise LookupError(f"no text source is registered for {check.source!r}")
    # Checks of the same words wait for each other (PostgreSQL; SQLite's IMMEDIATE transactions
    # already queue), so two rows for one entry never both find "no alert yet" and both raise.
    list(
        RiskCheck.objects.select_for_update()
        .for_source(check.source, check.source_id)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    client, found = check.client, check.found
    words = source.read(check.source_id)
    if words is not None:
        client, text = words
        # Raises when detection itself is broken: the row stays due and the words are checked again later.
        found = bool(found) or detection.detect(text).risk
    # Words deleted before they were checked: an alert still comes if the saving request saw risk in them.
    if found and has_consent(client, source.consent) and not _alert_raised(client, check):
        risk_alert_raise(client=client, source=check.source, source_id=check.source_id)
    RiskCheck.objects.filter(pk=check.pk).update(done_at=now, found=found)


def _alert_raised(client, check: RiskCheck) -> bool:
    """An alert was raised for these words before (open or acknowledged): the same words never alert twice.
    One that was never raised (a failure, or consent given later) is raised now."""
    return RiskAlert.objects.filter(client=client, source=check.source, source_id=check.source_id).exists()


def _error_name(error: BaseException) -> str:
    # The class only: a message might quote what it was working on.
    kind = type(error)
    return f"{kind.__module__}.{kind.__qualname__}"[:200]
