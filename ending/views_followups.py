"""The client's follow-ups ("how are you doing now?") and asking to come back (followups.py, returning.py)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from crisis.contacts import contacts_for
from ending.followups import (
    follow_up_answer,
    follow_up_results,
    follow_up_share,
    get_follow_up_for_client,
    is_available,
    next_instrument,
)
from ending.returning import come_back_ask, return_request_waiting
from measures.forms import QuestionnaireForm
from measures.instruments import INSTRUMENTS
from measures.scoring import ScoringError
from practice.access import client_required

RISK_LINE = (
    "Thank you for answering honestly; that takes courage, and you don't have to hold this alone. "
    "Our work together has ended, so nobody at the practice will see this answer. "
    "If you might act on thoughts of harming yourself, please contact someone now."
)


def _open_for_answering(request, follow_up) -> bool:
    today = timezone.localdate(timezone=request.client.practice.zone)
    return request.client.care_has_ended and is_available(follow_up, today)


def _form(instrument, data=None):
    form = QuestionnaireForm(instrument, data)
    # A follow-up keeps the scored items only: the optional difficulty question has nowhere to go.
    form.fields.pop("difficulty", None)
    return form


@client_required
def follow_up(request, follow_up_uuid):
    """The follow-up's questionnaires, one after another; then its results."""
    follow_up = get_follow_up_for_client(request.client, follow_up_uuid)
    if follow_up.answered_at is not None:
        return redirect("ending:follow_up_results", follow_up_uuid=follow_up.uuid)
    if not _open_for_answering(request, follow_up):
        today = timezone.localdate(timezone=request.client.practice.zone)
        not_yet = request.client.care_has_ended and follow_up.cancelled_at is None and follow_up.due_on > today
        return render(request, "ending/follow_up_closed.html", {"follow_up": follow_up, "not_yet": not_yet})
    instrument_id = next_instrument(follow_up)
    if instrument_id is None:  # pragma: no cover - answering the last one answers the follow-up
        return redirect("ending:follow_up_results", follow_up_uuid=follow_up.uuid)
    instrument = INSTRUMENTS[instrument_id]
    posted = request.method == "POST"
    if posted and request.POST.get("instrument") != instrument_id:
        # Sent twice, or from an earlier page: that one is already kept.
        return redirect("ending:follow_up", follow_up_uuid=follow_up.uuid)
    form = _form(instrument, request.POST if posted else None)
    if posted and form.is_valid():
        try:
            answer = follow_up_answer(
                follow_up=follow_up, instrument_id=instrument_id, answers=form.answers(), request=request
            )
        except ScoringError:
            form.add_error(None, "Something in the answers didn't look right. Please check them and try again.")
        else:
            if answer.risk_flag:
                return redirect("ending:follow_up_support", follow_up_uuid=follow_up.uuid)
            return redirect("ending:follow_up", follow_up_uuid=follow_up.uuid)
    instruments = [i for i in follow_up.instruments if i in INSTRUMENTS]
    return render(
        request,
        "ending/follow_up_fill.html",
        {
            "follow_up": follow_up,
            "form": form,
            "instrument": instrument,
            "step": instruments.index(instrument_id) + 1,
            "steps": len(instruments),
        },
        status=400 if posted else 200,
    )


@client_required
def follow_up_support(request, follow_up_uuid):
    """Shown at once after PHQ-9 question 9 is answered above "Not at all": the crisis contacts, warmly, with
    the plain words that nobody at the practice will see this answer. No risk alert is raised."""
    follow_up = get_follow_up_for_client(request.client, follow_up_uuid)
    if not follow_up.answers.filter(risk_flag=True).exists():
        return redirect("ending:follow_up", follow_up_uuid=follow_up.uuid)
    return render(
        request,
        "ending/follow_up_support.html",
        {
            "follow_up": follow_up,
            "country": contacts_for(request.client.practice.country),
            "risk_line": RISK_LINE,
            "more_to_answer": follow_up.answered_at is None,
        },
    )


@client_required
def follow_up_results_view(request, follow_up_uuid):
    follow_up = get_follow_up_for_client(request.client, follow_up_uuid)
    if follow_up.answered_at is None:
        return redirect("ending:follow_up", follow_up_uuid=follow_up.uuid)
    rows = follow_up_results(follow_up)
    return render(
        request,
        "ending/follow_up_results.html",
        {
            "follow_up": follow_up,
            "rows": rows,
            "risk": any(row["answer"].risk_flag for row in rows),
            "country": contacts_for(request.client.practice.country),
            "risk_line": RISK_LINE,
        },
    )


@client_required
@require_POST
def follow_up_share_view(request, follow_up_uuid):
    follow_up = get_follow_up_for_client(request.client, follow_up_uuid)
    if follow_up.answered_at is None:
        raise Http404
    share = request.POST.get("share") == "1"
    follow_up_share(follow_up=follow_up, share=share, request=request)
    if share:
        messages.success(request, "Thank you. These results are now on your record for the practice to see.")
    else:
        messages.success(request, "You've stopped sharing these results. They're yours alone again.")
    return redirect("ending:follow_up_results", follow_up_uuid=follow_up.uuid)


@client_required
def come_back(request):
    """Ask about coming back: a page explaining it, and one button. Only once our work together has ended."""
    client = request.client
    if not client.care_has_ended:
        raise Http404
    if request.method == "POST":
        _consultation, created = come_back_ask(client=client)
        if created:
            messages.success(
                request, "We've let the practice know. Someone will be in touch by email within two working days."
            )
        else:
            messages.info(request, "You've already asked, and the practice has your request. Nothing has changed.")
        return redirect("ending:come_back")
    return render(request, "ending/come_back.html", {"waiting": return_request_waiting(client)})
