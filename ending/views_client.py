"""The client's ending page: their own words, what goes in, the follow-up they may choose, and the PDF.

Before and after the ending the summary is theirs to change; a form with a problem is shown back with
everything typed in it, so nothing is lost.
"""

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.models import AuditEvent
from audit.services import audit_record
from core.replica import reading_from_replica
from ending import services
from ending.followups import follow_ups_for_client
from ending.forms import FollowUpChoiceForm, WordsForm
from ending.models import Ending
from ending.pdf import summary_filename, summary_pdf
from ending.selectors import CHOICES, WORDS, ending_for, summary_parts
from practice.access import client_required


def _words_initial(ending: Ending) -> dict:
    return {name: getattr(ending, name) for name in (*(n for n, _h in WORDS), *CHOICES)}


def _page(request, ending, *, words_form=None, follow_up_form=None, status=200):
    context = {"ending": ending}
    if ending is not None:
        context.update(
            words_form=words_form or WordsForm(initial=_words_initial(ending)),
            follow_up_form=follow_up_form or FollowUpChoiceForm(initial={"follow_up": ending.follow_up}),
            parts=summary_parts(ending),
            ended=ending.state == Ending.State.ENDED,
            answered_follow_ups=follow_ups_for_client(ending.client),
        )
    return render(request, "ending/summary.html", context, status=status)


@client_required
def summary(request):
    return _page(request, ending_for(request.client))


def _own_ending(request) -> Ending:
    ending = ending_for(request.client)
    if ending is None:
        raise Http404
    return ending


@client_required
@require_POST
def summary_words(request):
    ending = _own_ending(request)
    form = WordsForm(request.POST)
    if not form.is_valid():
        return _page(request, ending, words_form=form)
    try:
        services.words_save(ending=ending, words=form.words(), choices=form.choices(), request=request)
    except services.EndingNotPreparing:
        messages.info(request, "This summary has changed in the meantime. Here it is as it stands now.")
        return redirect("ending:mine")
    messages.success(request, "Saved. Your words and choices are kept.")
    return redirect("ending:mine")


@client_required
@require_POST
def summary_follow_up(request):
    ending = _own_ending(request)
    form = FollowUpChoiceForm(request.POST)
    if not form.is_valid():  # a checkbox cannot be invalid; kept for the pattern's sake
        return _page(request, ending, follow_up_form=form)
    chosen = form.cleaned_data["follow_up"]
    try:
        services.follow_up_choose(ending=ending, follow_up=chosen, request=request)
    except services.EndingNotPreparing:
        return redirect("ending:mine")
    if chosen:
        messages.success(request, "Saved. We will invite you to a check-in at three and at six months.")
    else:
        messages.success(request, "Saved. There will be no follow-up check-ins.")
    return redirect("ending:mine")


@client_required
@reading_from_replica()  # a caught-up replica, else the primary (core/replica.py)
def summary_download(request):
    ending = _own_ending(request)
    response = HttpResponse(summary_pdf(ending), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{summary_filename(ending)}"'
    audit_record(
        action=AuditEvent.Action.EXPORT,
        object_type="ending.summary_pdf",
        object_id=ending.uuid,
        request=request,
        client=request.client,
        detail={"parts": [name for name in CHOICES if getattr(ending, name)]},
    )
    return response
