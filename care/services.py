"""Writes that move care: away periods, handing a client over, a therapist leaving and coming back.

Each is one transaction that also writes its audit event; emails go once it has committed. See
care/README.md for what moves with a client and why.
"""

from datetime import date, timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from audit.models import AuditEvent
from audit.services import audit_change, audit_record
from bookings.services_front_door import consultations_of_leaving_therapist
from bookings.services_sessions import feed_token_revoke, sessions_hand_over
from care.models import Handover
from messaging.models import Conversation
from messaging.services import conversation_for
from notes.services import notes_hand_over
from outbox.services import email_queue
from practice.models import AwayPeriod, Client, StaffMember
from risk.services import risk_alerts_hand_over, risk_alerts_to_owners, risk_route_while_away


class CareError(Exception):
    """A change of care that cannot be made; ``message`` says kindly why and what to do."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Away periods ---------------------------------------------------------------


def _check_cover(staff: StaffMember, cover: StaffMember | None, starts_on: date, ends_on: date) -> None:
    if cover is None:
        return
    if cover.pk == staff.pk:
        raise CareError("Please choose a colleague to cover, not the person who is away.")
    if cover.practice_id != staff.practice_id or not cover.is_active or not cover.is_therapist:
        raise CareError("Please choose a therapist of the practice to cover.")
    clash = cover.away_periods.overlapping(starts_on, ends_on).first()
    if clash is not None:
        raise CareError(
            f"{cover.display_name} is away from {clash.starts_on:%-d %B} to {clash.ends_on:%-d %B} too. "
            "Please choose someone else, or leave cover empty so alerts go to the practice's owners."
        )


def away_period_save(
    *,
    staff: StaffMember,
    starts_on: date,
    ends_on: date,
    cover: StaffMember | None,
    message: str,
    by: StaffMember,
    period: AwayPeriod | None = None,
    request=None,
) -> AwayPeriod:
    """Record (or change) dates ``staff`` is away. Open alerts go to the cover at once if it has begun."""
    if ends_on < starts_on:
        raise CareError("The last day away can't be before the first.")
    if ends_on < staff.today():
        raise CareError("Those dates are in the past. Please choose today or later.")
    if ends_on - starts_on > timedelta(days=366):
        raise CareError("Please record at most a year at a time.")
    with transaction.atomic():
        StaffMember.objects.select_for_update().filter(pk=staff.pk).first()  # one writer per person at a time
        overlapping = staff.away_periods.overlapping(starts_on, ends_on)
        if period is not None:
            overlapping = overlapping.exclude(pk=period.pk)
        if overlapping.exists():
            raise CareError("These dates overlap another time away. Please change that one instead.")
        _check_cover(staff, cover, starts_on, ends_on)
        creating = period is None
        period = period or AwayPeriod(staff=staff, created_by=by)
        period.starts_on, period.ends_on, period.cover, period.message = starts_on, ends_on, cover, message.strip()
        period.save()
        audit_record(
            action=AuditEvent.Action.CREATE if creating else AuditEvent.Action.UPDATE,
            object_type="practice.awayperiod",
            object_id=period.uuid,
            request=request,
            actor=by.user,
            practice=staff.practice,
            detail={
                "staff": str(staff.uuid),
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "cover": str(cover.uuid) if cover else None,
            },
        )
        if starts_on <= staff.today():
            risk_route_while_away(therapist=staff)
    return period


def away_period_end(*, period: AwayPeriod, by: StaffMember, request=None) -> AwayPeriod | None:
    """Back early, or plans changed: a period not yet begun goes; one under way ends yesterday."""
    today = period.staff.today()
    with transaction.atomic():
        if period.starts_on >= today:
            uuid = period.uuid
            period.delete()
            result = None
        else:
            period.ends_on = min(period.ends_on, today - timedelta(days=1))
            period.save(update_fields=["ends_on"])
            uuid, result = period.uuid, period
        audit_record(
            action=AuditEvent.Action.DELETE if result is None else AuditEvent.Action.UPDATE,
            object_type="practice.awayperiod",
            object_id=uuid,
            request=request,
            actor=by.user,
            practice=period.staff.practice,
            detail={"staff": str(period.staff.uuid), "ended_early": True},
        )
    return result


# --- Handing a client over -------------------------------------------------------


def client_hand_over(
    *,
    client: Client,
    to_therapist: StaffMember,
    notes_go: bool,
    future: str,
    reason: str,
    by: StaffMember,
    messages_go: bool = False,
    request=None,
) -> Handover:
    """Move ``client`` into ``to_therapist``'s care.

    The safety plan, the formulation, questionnaires and their rhythms, and shared journal entries are
    the client's and follow ``Client.therapist`` at once; open risk alerts move to the new therapist;
    the earlier session notes go or stay as chosen; future appointments move or are cancelled. The
    former therapist's access ends with the commit (every read checks ``Client.therapist``).
    """
    if not by.is_owner or by.practice_id != client.practice_id:
        raise PermissionError("Only an owner of the client's practice may hand their care over")
    if future not in Handover.Future.values:
        raise CareError("Please choose what happens to the sessions already booked.")
    if not reason.strip():
        raise CareError("Please say briefly why the care is moving.")
    with transaction.atomic():
        # The client's row is the lock: two handovers of one client cannot interleave.
        client = Client.objects.select_for_update().select_related("user", "practice").get(pk=client.pk)
        if client.is_erased:
            raise CareError("This client's record has been erased, so their care can't move.")
        if (
            to_therapist.practice_id != client.practice_id
            or not to_therapist.is_active
            or not to_therapist.is_therapist
        ):
            raise CareError("Please choose a therapist of the practice.")
        former = StaffMember.objects.select_related("user").get(pk=client.therapist_id)
        if former.pk == to_therapist.pk:
            raise CareError(f"{client.display_name} is already in {to_therapist.display_name}'s care.")
        Client.objects.filter(pk=client.pk).update(therapist=to_therapist)
        client.therapist = to_therapist
        notes_hand_over(client=client, from_therapist=former, to_therapist=to_therapist, notes_go=notes_go)
        alerts = risk_alerts_hand_over(client=client, to_therapist=to_therapist)
        moved, cancelled = sessions_hand_over(
            client=client, from_therapist=former, to_therapist=to_therapist, move=future == Handover.Future.MOVE
        )
        now = timezone.now()
        if not messages_go:
            # The new therapist reads the care conversation from the handover on (the client keeps it all).
            conversation = conversation_for(client=client, kind=Conversation.Kind.CARE)
            Conversation.objects.filter(pk=conversation.pk).update(staff_sees_from=now)
        handover = Handover.objects.create(
            client=client,
            from_therapist=former,
            to_therapist=to_therapist,
            notes_go=notes_go,
            messages_go=messages_go,
            at=now,
            future=future,
            reason=reason.strip(),
            by=by,
            sessions_moved=len(moved),
            sessions_cancelled=len(cancelled),
            alerts_moved=alerts,
        )
        audit_change(
            AuditEvent.Action.HANDOVER,
            client,
            actor=by.user,
            client=client,
            request=request,
            detail={
                "handover": str(handover.uuid),
                "from": str(former.uuid),
                "to": str(to_therapist.uuid),
                "notes_go": notes_go,
                "messages_go": messages_go,
                "sessions_moved": len(moved),
                "sessions_cancelled": len(cancelled),
                "alerts_moved": alerts,
            },
        )
        _tell_about_handover(handover, moved=moved, cancelled=cancelled)
    return handover


def _tell_about_handover(handover: Handover, *, moved, cancelled) -> None:
    """The client in plain words (no clinical detail; nothing while their care is paused), and the new
    therapist with a link to the record."""
    client, practice = handover.client, handover.client.practice
    context = {
        "client": client,
        "practice": practice,
        "handover": handover,
        "moved": moved,
        "cancelled": cancelled,
        "home_url": settings.SITE_URL + reverse("practice:client_home"),
        "record_url": settings.SITE_URL + reverse("practice:client_detail", kwargs={"client_uuid": client.uuid}),
        "zone": practice.zone,
    }
    emails = [
        (
            f"{practice.name}: {client.display_name} is now in your care",
            "care/email/handover_therapist.txt",
            handover.to_therapist.user.email,
            "Handover to the new therapist",
        )
    ]
    if client.care_status != Client.CareStatus.PAUSED:
        emails.append(
            (
                f"{practice.name}: your therapist is now {handover.to_therapist.display_name}",
                "care/email/handover_client.txt",
                client.user.email,
                "Handover to the client",
            )
        )
    for subject, template, to, kind in emails:
        message = EmailMessage(subject=subject, body=render_to_string(template, context), to=[to])
        email_queue(message, kind=kind, practice=practice, about=("care.handover", handover.uuid))


# --- A therapist leaving, and coming back ------------------------------------------


def clients_in_care(staff: StaffMember):
    """Clients whose care is not ended and whose record is not erased: each must move or end first."""
    return (
        Client.objects.filter(therapist=staff)
        .exclude(care_status=Client.CareStatus.ENDED)
        .not_erased()
        .select_related("user")
    )


def staff_deactivate(*, staff: StaffMember, by: StaffMember, request=None) -> StaffMember:
    """``staff`` leaves the practice: signed out everywhere at once and unable to sign in.

    Refused while any client is still in their care. Their open alerts (for clients whose care has
    ended) go to the owners; their future consultations are cancelled with each visitor told; their
    calendar feed stops; they leave the public page; a colleague's away cover that names them is
    cleared (alerts then go to the owners). Their signed notes stay under the practice's retention.
    """
    if not by.is_owner or by.practice_id != staff.practice_id:
        raise PermissionError("Only an owner of the practice may deactivate a member of staff")
    with transaction.atomic():
        staff = StaffMember.objects.select_for_update().select_related("user", "practice").get(pk=staff.pk)
        if not staff.is_active:
            return staff
        waiting = list(clients_in_care(staff).order_by("user__name")[:5])
        if waiting:
            names = ", ".join(client.display_name for client in waiting)
            raise CareError(
                f"{staff.display_name} still has clients in their care ({names}). "
                "Please hand each over to a colleague, or end their care, first."
            )
        if (
            staff.is_owner
            and not StaffMember.objects.owners().in_practice(staff.practice).exclude(pk=staff.pk).exists()
        ):
            raise CareError("The practice needs at least one other owner before this one can be deactivated.")
        staff.is_active = False
        staff.save(update_fields=["is_active"])
        staff.user.is_active = False
        staff.user.save(update_fields=["is_active"])
        alerts = risk_alerts_to_owners(therapist=staff, reason="therapist_left")
        cancelled = consultations_of_leaving_therapist(therapist=staff)
        if hasattr(staff, "availability"):
            feed_token_revoke(therapist=staff)
        AwayPeriod.objects.filter(cover=staff, ends_on__gte=staff.today()).update(cover=None)
        _revoke_client_invitations(staff)
        audit_record(
            action=AuditEvent.Action.DEACTIVATE,
            object_type="practice.staffmember",
            object_id=staff.uuid,
            request=request,
            actor=by.user,
            practice=staff.practice,
            detail={"alerts_to_owners": alerts, "consultations_cancelled": len(cancelled)},
        )
        user_id = staff.user_id
        transaction.on_commit(lambda: end_sessions_of(user_id))
    return staff


def _revoke_client_invitations(staff: StaffMember) -> None:
    """Client invitations to their caseload stop working; the link says the practice withdrew it."""
    now = timezone.now()
    Invitation.objects.open().filter(therapist=staff).update(revoked_at=now, cancelled_at=now)


def end_sessions_of(user_id: int) -> int:
    """Delete every stored session signed in as ``user_id``. (An inactive user is refused on their next
    request anyway, by the authentication backend; this leaves nothing behind to reuse.)"""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator(chunk_size=500):
        if str(session.get_decoded().get("_auth_user_id")) == str(user_id):
            session.delete()
            ended += 1
    return ended


def staff_reactivate(*, staff: StaffMember, by: StaffMember, request=None) -> StaffMember:
    """A former member of staff comes back: they sign in with their old password (or reset it)."""
    if not by.is_owner or by.practice_id != staff.practice_id:
        raise PermissionError("Only an owner of the practice may reactivate a member of staff")
    with transaction.atomic():
        staff = StaffMember.objects.select_for_update().select_related("user").get(pk=staff.pk)
        if staff.is_active:
            return staff
        staff.is_active = True
        staff.save(update_fields=["is_active"])
        staff.user.is_active = True
        staff.user.save(update_fields=["is_active"])
        audit_record(
            action=AuditEvent.Action.REACTIVATE,
            object_type="practice.staffmember",
            object_id=staff.uuid,
            request=request,
            actor=by.user,
            practice=staff.practice,
        )
    return staff
