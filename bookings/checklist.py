"""Bookings' step on the owner's "getting ready" list (practice/checklist.py): the public page is open."""

from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from bookings.models import Availability, WorkingHours
from practice.checklist import Step
from practice.models import StaffMember


def public_page_step(staff):
    """Open once a therapist has working hours and takes free consultations (no rules saved yet means yes)."""
    closed = Availability.objects.filter(therapist=OuterRef("pk")).filter(
        Q(accepts_bookings=False) | Q(offers_consultation=False)
    )
    bookable = (
        StaffMember.objects.therapists()
        .in_practice(staff.practice)
        .filter(Exists(WorkingHours.objects.filter(therapist=OuterRef("pk"))))
        .exclude(Exists(closed))
    )
    if staff.is_therapist:
        how = "Set your working hours, and visitors can book a free consultation on your public page."
        url = reverse("bookings:availability")
    else:
        how = "It opens once a therapist has set their working hours. See it as visitors do."
        url = reverse("bookings:practice", kwargs={"slug": staff.practice.slug})
    return Step(order=40, title="Open your public page", how=how, url=url, done=bookable.exists())


OWNER_CHECKLIST = [public_page_step]
