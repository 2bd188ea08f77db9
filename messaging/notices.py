"""Practice notices: the owner (or the administrator) tells every client something practical, such as a
holiday closure. Never clinical. Shown on each client's home until they say they have read it, or until
its last day has passed, or until it is withdrawn."""

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from core.compiled import CompiledRead
from messaging.models import Notice, NoticeRead

OBJECT_TYPE = "messaging.notice"


def notice_publish(*, staff, title: str, body: str, shown_until=None, request=None) -> Notice:
    with transaction.atomic():
        notice = Notice.objects.create(
            practice=staff.practice, title=title, body=body, shown_until=shown_until, published_by=staff
        )
        # The words stay out of the audit log: the notice itself keeps them.
        audit_record(
            action=AuditEvent.Action.CREATE,
            object_type=OBJECT_TYPE,
            object_id=notice.uuid,
            request=request,
            actor=staff.user,
            practice=staff.practice,
        )
    return notice


def notice_withdraw(*, notice: Notice, staff, request=None) -> Notice:
    with transaction.atomic():
        if notice.withdrawn_at is None:
            notice.withdrawn_at = timezone.now()
            notice.save(update_fields=["withdrawn_at"])
            audit_record(
                action=AuditEvent.Action.UPDATE,
                object_type=OBJECT_TYPE,
                object_id=notice.uuid,
                request=request,
                actor=staff.user,
                practice=staff.practice,
                detail={"fields": ["withdrawn_at"]},
            )
    return notice


def notice_read(*, notice: Notice, client) -> None:
    """The client has read the notice: it leaves their home. Twice is the same as once."""
    if NoticeRead.objects.filter(notice=notice, client=client).exists():
        return
    try:
        with transaction.atomic():
            NoticeRead.objects.create(notice=notice, client=client)
    except IntegrityError:  # the same tap twice at once
        pass


def current(practice, *, today):
    """Notices of ``practice`` still shown: not withdrawn, and their last day not passed."""
    return Notice.objects.filter(practice=practice, withdrawn_at__isnull=True).filter(
        Q(shown_until__isnull=True) | Q(shown_until__gte=today)
    )


def _unread(shape, *, practice, client, today):
    read = NoticeRead.objects.filter(notice=OuterRef("pk"), client=client)
    return current(practice, today=today).exclude(Exists(read)).order_by("-published_at")[: shape[0]]


# Read on every view of the client's home: built by the ORM once (core/compiled.py).
_UNREAD = CompiledRead(Notice, _unread, {"practice": int, "client": int, "today": date})


def unread_asked(client, *, today, limit: int = 5):
    """The read ``unread_for_client`` makes, to name to a page's panels (``core.panels.reading``)."""
    return _UNREAD.asked((limit,), practice=client.practice_id, client=client.pk, today=today)


def unread_for_client(client, *, today, limit: int = 5) -> list[Notice]:
    """The current notices ``client`` has not read yet, newest first. One query."""
    return unread_asked(client, today=today, limit=limit).objects()


def for_practice(practice):
    return Notice.objects.filter(practice=practice).select_related("published_by__user").order_by("-published_at")
