"""Bookings' step on the owner's "getting ready" list (practice/checklist.py): the public page is open."""

from django.db.models import Exists, OuterRef, Q

from bookings.models import Availability, WorkingHours
from core.compiled import CompiledRead
from core.links import constant_url
from core.panels import reading
from practice.checklist import Step
from practice.models import StaffMember


def _bookable(shape, *, practice):
    """The practice's therapists with working hours who take free consultations (no rules saved yet means yes)."""
    closed = Availability.objects.filter(therapist=OuterRef("pk")).filter(
        Q(accepts_bookings=False) | Q(offers_consultation=False)
    )
    return (
        StaffMember.objects.therapists()
        .in_practice(practice)
        .filter(Exists(WorkingHours.objects.filter(therapist=OuterRef("pk"))))
        .exclude(Exists(closed))
        .values_list("pk")[:1]
    )


# One therapist visitors can book, if there is one (kept reads: core/compiled.py).
_A_BOOKABLE = CompiledRead(StaffMember, _bookable, {"practice": int})


@reading(lambda request, staff: [_A_BOOKABLE.asked(practice=staff.practice_id)])
def public_page_step(staff):
    """Open once a therapist has working hours and takes free consultations (no rules saved yet means yes)."""
    if staff.is_therapist:
        how = "Set your working hours, and visitors can book a free consultation on your public page."
        url = constant_url("bookings:availability")
    else:
        how = "It opens once a therapist has set their working hours. See it as visitors do."
        url = constant_url("bookings:practice", slug=staff.practice.slug)
    return Step(
        order=40,
        title="Open your public page",
        how=how,
        url=url,
        done=bool(_A_BOOKABLE.rows(practice=staff.practice_id)),
    )


OWNER_CHECKLIST = [public_page_step]
