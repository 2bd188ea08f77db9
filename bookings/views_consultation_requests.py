"""A free consultation asked for without a time: the visitor's form and the practice's list of waiting
requests, offering a time, and the visitor booking it from the email (``consultation_requests.py``)."""

from datetime import timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.core import signing
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from bookings.access import get_practice_public
from bookings.consultation_requests import (
    OfferEnded,
    consultation_ask,
    consultation_offer,
    consultation_offer_accept,
    consultation_request_close,
    get_waiting_request,
    offer_open,
    waited_enough_at,
    waiting_requests,
)
from bookings.forms import ConsultationAskForm, ConsultationOfferForm, valid_zone
from bookings.free_times import visitor_zone
from bookings.manage_links import manage_signature
from bookings.models import Mode
from bookings.services_appointments import BookingError
from bookings.views_front_door import _consulting_therapists, _rate_limited
from practice.access import staff_required
from practice.models import StaffMember

ASKED_SALT = "bookings.asked_without_time"


def consult_ask(request, slug):
    practice = get_practice_public(slug)
    zone_name, _explicit = visitor_zone(request, practice)
    form = ConsultationAskForm(request.POST or None, initial={"tz": zone_name})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = (
            reverse("bookings:consult_asked", kwargs={"slug": practice.slug})
            + "?"
            + urlencode({"asked": signing.dumps({"r": data["reach_by"]}, salt=ASKED_SALT)})
        )
        if data["website"]:
            return redirect(done)  # a bot: answer as if all went well, record nothing
        if _rate_limited(request):
            form.add_error(
                None,
                "We've had a lot of requests from your connection in the last hour. "
                "Please try again a little later, or email the practice.",
            )
            status = 429
        else:
            # Recorded, or (for an address that already has one) only emailed: the page is the same.
            consultation_ask(
                practice=practice,
                name=data["name"],
                email=data["email"],
                phone=data["phone"],
                usually_free=data["usually_free"],
                reach_by=data["reach_by"],
                time_zone=valid_zone(data["tz"]) or zone_name,
            )
            return redirect(done)
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "bookings/requests/ask.html",
        {"practice": practice, "public_practice": practice, "form": form, "zone_name": zone_name},
        status=status,
    )


def consult_asked(request, slug):
    practice = get_practice_public(slug)
    try:
        reach_by = signing.loads(request.GET.get("asked", ""), salt=ASKED_SALT, max_age=timedelta(days=1))["r"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        reach_by = ""
    return render(
        request,
        "bookings/requests/asked.html",
        {"practice": practice, "public_practice": practice, "reach_by": reach_by},
    )


@staff_required
def consult_requests(request):
    """The practice's waiting requests: who, when they are usually free, how to reach them; nothing clinical."""
    practice = request.staff.practice
    now = timezone.now()
    zone = practice.zone
    waiting = [
        {
            "consultation": c,
            "asked_local": c.created_at.astimezone(zone),
            "offered_local": c.offered_start.astimezone(zone) if c.offered_start else None,
            "long_wait": waited_enough_at(practice, c.created_at) <= now,
        }
        for c in waiting_requests(practice)
    ]
    return render(request, "bookings/requests/list.html", {"waiting": waiting, "practice": practice})


@staff_required
def consult_request_offer(request, consultation_uuid):
    practice = request.staff.practice
    consultation = get_waiting_request(practice, consultation_uuid)
    offering = [t.pk for t in _consulting_therapists(practice)]
    earlier = consultation.earlier_therapist
    if earlier is not None and earlier.pk not in offering:
        # A returning client's earlier therapist first (ending), if still practising with booking rules set.
        still = StaffMember.objects.therapists().filter(pk=earlier.pk, availability__accepts_bookings=True)
        offering += list(still.values_list("pk", flat=True))
    therapists = StaffMember.objects.filter(pk__in=offering, practice=practice)
    form = ConsultationOfferForm(
        request.POST or None,
        therapists=therapists.select_related("user", "availability").order_by("user__name"),
        initial={"therapist": earlier.uuid} if earlier is not None and earlier.pk in offering else None,
    )
    zone = practice.zone
    if request.method == "POST" and form.is_valid():
        start = form.cleaned_data["start"].replace(tzinfo=None).replace(tzinfo=zone)
        try:
            consultation_offer(
                consultation=consultation,
                staff=request.staff,
                therapist=form.cleaned_data["therapist"],
                start=start,
                mode=form.cleaned_data["mode"],
                request=request,
            )
        except BookingError as error:
            form.add_error("start", error.message)
        else:
            return redirect(reverse("bookings:consult_requests") + "?offered=1")
    return render(
        request,
        "bookings/requests/offer_form.html",
        {
            "consultation": consultation,
            "form": form,
            "practice": practice,
            "asked_local": consultation.created_at.astimezone(zone),
        },
        status=400 if form.errors else 200,
    )


def offer(request, signed):
    """The visitor's page for the time offered: what, when, with whom; booked with one button (never on GET,
    so a mail scanner opening the link books nothing)."""
    try:
        consultation = offer_open(signed)
    except OfferEnded as ended:
        practice = ended.practice
        return render(
            request,
            "bookings/requests/offer_ended.html",
            {"practice": practice, "public_practice": practice},
            status=410,
        )
    if consultation is None:
        raise Http404
    booked = consultation.appointments.order_by("-created_at").first()
    if booked is not None:
        return redirect("bookings:manage", signed=manage_signature(consultation))
    error = None
    if request.method == "POST":
        try:
            consultation_offer_accept(consultation=consultation)
        except BookingError as problem:
            error = problem.message
        else:
            return redirect(reverse("bookings:manage", kwargs={"signed": manage_signature(consultation)}))
    practice = consultation.practice
    zone_name = consultation.time_zone
    offered_start = consultation.offered_start
    return render(
        request,
        "bookings/requests/offer.html",
        {
            "practice": practice,
            "public_practice": practice,
            "consultation": consultation,
            "local_start": offered_start.astimezone(ZoneInfo(zone_name)) if offered_start else None,
            "zone_name": zone_name,
            "mode": Mode(consultation.offered_mode).label if consultation.offered_mode else "",
            "is_past": offered_start is not None and offered_start <= timezone.now(),
            "error": error,
        },
        status=409 if error else 200,
    )


@staff_required
@require_POST
def consult_request_close(request, consultation_uuid):
    """Close a waiting request without a booking (nothing is sent to the visitor)."""
    consultation = get_waiting_request(request.staff.practice, consultation_uuid)
    consultation_request_close(consultation=consultation, staff=request.staff, request=request)
    return redirect(reverse("bookings:consult_requests") + "?closed=1")
