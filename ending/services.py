"""Writes to the ending summary: starting to prepare, the letter, the client's words and choices, the end.

Every write is keyword-only, in one transaction, and audited with field names only (never what was
written). Ending care itself is ``practice.care_status.care_status_change``; this app hears of it on
``care_status_changed`` (receivers.py) and marks the ending ended there, whichever page ended care.
"""

from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change
from ending.followups import follow_ups_cancel, follow_ups_plan
from ending.models import Ending
from ending.selectors import CHOICES, WORDS, staff_copy_of
from practice.care_status import care_status_change
from practice.models import CareChange

WORD_FIELDS = tuple(name for name, _heading in WORDS)


class EndingNotPreparing(Exception):
    """The ending has already ended or been withdrawn (in another window, say): nothing was changed."""


def _locked(ending: Ending) -> Ending:
    return Ending.objects.select_for_update().get(pk=ending.pk)


def ending_start(*, client, staff, planned_on=None, request=None) -> Ending:
    """Start preparing for the ending (the client's therapist). One at a time (the database refuses a
    second, ``ending_one_being_prepared``): for an ending already being prepared this changes its planned
    date, when one is given."""
    with transaction.atomic():
        existing = Ending.objects.select_for_update().filter(client=client, state=Ending.State.PREPARING).first()
        if existing is not None:
            if planned_on is not None and existing.planned_on != planned_on:
                existing.planned_on = planned_on
                existing.save(update_fields=["planned_on"])
                audit_change(
                    AuditEvent.Action.UPDATE,
                    existing,
                    client=client,
                    actor=staff.user,
                    request=request,
                    fields=["planned_on"],
                )
            return existing
        try:
            with transaction.atomic():
                ending = Ending.objects.create(
                    client=client, therapist=client.therapist, started_by=staff, planned_on=planned_on
                )
        except IntegrityError:  # started a moment ago in another window
            return Ending.objects.for_client(client).get(state=Ending.State.PREPARING)
        audit_change(
            AuditEvent.Action.CREATE,
            ending,
            client=client,
            actor=staff.user,
            request=request,
            detail={"planned_on": planned_on.isoformat() if planned_on else None},
        )
    return ending


def ending_withdraw(*, ending, staff, request=None) -> Ending:
    """ "No longer ending": the preparation stops; what the client wrote stays on the (withdrawn) row."""
    with transaction.atomic():
        ending = _locked(ending)
        if ending.state != Ending.State.PREPARING:
            raise EndingNotPreparing
        ending.state = Ending.State.WITHDRAWN
        ending.withdrawn_at = timezone.now()
        ending.save(update_fields=["state", "withdrawn_at"])
        audit_change(
            AuditEvent.Action.UPDATE,
            ending,
            client=ending.client,
            actor=staff.user,
            request=request,
            fields=["state", "withdrawn_at"],
            detail={"state": ending.state},
        )
    return ending


def letter_save(*, ending, staff, letter: str, request=None) -> Ending:
    """The therapist's short letter (sealed). Written while the ending is being prepared."""
    with transaction.atomic():
        ending = _locked(ending)
        if ending.state != Ending.State.PREPARING:
            raise EndingNotPreparing
        ending.letter = letter.strip()
        ending.letter_updated_at = timezone.now()
        ending.save(update_fields=["letter", "letter_updated_at"])
        audit_change(
            AuditEvent.Action.UPDATE,
            ending,
            client=ending.client,
            actor=staff.user,
            request=request,
            fields=["letter"],
        )
    return ending


def words_save(*, ending, words: dict, choices: dict, request=None) -> Ending:
    """The client's own words and which parts go in. Theirs before and after the ending: after it, the
    therapist's page keeps showing what stood on the day care ended (``staff_copy``)."""
    with transaction.atomic():
        ending = _locked(ending)
        if ending.state == Ending.State.WITHDRAWN:
            raise EndingNotPreparing
        changed = []
        for name in WORD_FIELDS:
            value = (words.get(name) or "").strip()
            if getattr(ending, name) != value:
                setattr(ending, name, value)
                changed.append(name)
        for name in CHOICES:
            value = bool(choices.get(name))
            if getattr(ending, name) != value:
                setattr(ending, name, value)
                changed.append(name)
        if changed:
            ending.client_updated_at = timezone.now()
            ending.save(update_fields=[*changed, "client_updated_at"])
            audit_change(AuditEvent.Action.UPDATE, ending, client=ending.client, request=request, fields=changed)
    return ending


def follow_up_choose(*, ending, follow_up: bool, request=None) -> Ending:
    """The client's choice of a follow-up at three and six months. After the ending, choosing it plans the
    follow-ups and turning it off cancels those not yet answered (ending.followups)."""
    with transaction.atomic():
        ending = _locked(ending)
        if ending.state == Ending.State.WITHDRAWN:
            raise EndingNotPreparing
        if ending.follow_up == follow_up:
            return ending
        ending.follow_up = follow_up
        ending.follow_up_chosen_at = timezone.now()
        ending.save(update_fields=["follow_up", "follow_up_chosen_at"])
        audit_change(
            AuditEvent.Action.UPDATE,
            ending,
            client=ending.client,
            request=request,
            fields=["follow_up"],
            detail={"follow_up": follow_up},
        )
        if ending.state == Ending.State.ENDED:
            if follow_up:
                follow_ups_plan(ending=ending)
            else:
                follow_ups_cancel(ending=ending)
    return ending


def care_end(*, client, staff, on, request=None) -> Ending:
    """ "End our work together" from the ending page: ends the client's care from ``on`` (practice), which
    marks the ending ended through ``care_status_changed`` (``ending_mark_ended``)."""
    with transaction.atomic():
        care_status_change(client=client, status="ended", since=on, staff=staff, request=request)
    return Ending.objects.for_client(client).filter(state=Ending.State.ENDED).order_by("-ended_at").first()


def _care_went_on_after(ending: Ending) -> bool:
    """Whether the client's care was active or paused again after this ending ended."""
    return (
        CareChange.objects.filter(client=ending.client, changed_at__gt=ending.ended_at).exclude(status="ended").exists()
    )


def ending_mark_ended(*, client, since) -> Ending:
    """Care has ended from ``since`` (receivers.py, in care_status_change's transaction).

    The ending being prepared is marked ended, with ``staff_copy``: the client's words and choices and the
    letter as they stand, which is what the therapist's page shows from now on. With none being prepared,
    an ending is made already ended, so every client whose care ends has the ending space. Care marked
    ended again without having gone on (a corrected date) moves the date of the ending it already has.
    Then the follow-ups the client chose are planned (ending.followups).
    """
    with transaction.atomic():
        ending = Ending.objects.select_for_update().filter(client=client, state=Ending.State.PREPARING).first()
        fields = ["state", "ended_on", "ended_at", "staff_copy"]
        if ending is None:
            latest = (
                Ending.objects.select_for_update()
                .filter(client=client, state=Ending.State.ENDED)
                .order_by("-ended_at")
                .first()
            )
            if latest is not None and not _care_went_on_after(latest):
                latest.ended_on = since
                latest.save(update_fields=["ended_on"])
                audit_change(AuditEvent.Action.UPDATE, latest, client=client, fields=["ended_on"])
                follow_ups_plan(ending=latest)
                return latest
            ending = Ending(client=client, therapist=client.therapist)
            action = AuditEvent.Action.CREATE
        else:
            action = AuditEvent.Action.UPDATE
        ending.state = Ending.State.ENDED
        ending.ended_on = since
        ending.ended_at = timezone.now()
        ending.staff_copy = staff_copy_of(ending)
        if action == AuditEvent.Action.CREATE:
            ending.save()
        else:
            ending.save(update_fields=fields)
        audit_change(action, ending, client=client, fields=fields, detail={"state": ending.state})
        follow_ups_plan(ending=ending)
    return ending
