"""The therapist's ending page for one client: the summary as the client has written it so far, the
letter, "No longer ending" and "End our work together".

Only the client's own therapist may change anything; an owner with emergency access reads it (and every
write is a 404 for them); anyone else gets a 404 (practice.access.clinical_access).
"""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.services import audit_read
from ending import services
from ending.forms import EndForm, LetterForm, StartForm
from ending.models import Ending
from ending.selectors import ending_for, score_lines, shared_causes, staff_view
from practice.access import care_team_required, clinical_access, get_rw_client_for_clinician, therapist_required


def _end_initial(ending: Ending | None, today) -> dict:
    planned = ending.planned_on if ending is not None else None
    return {"ended_on": planned if planned is not None and planned <= today else today}


def _page(
    request, client, can_write: bool, *, start_form=None, letter_form=None, end_form=None, kept_letter="", status=200
):
    ending = ending_for(client)
    today = request.staff.today()
    preparing = ending is not None and ending.state == Ending.State.PREPARING
    context = {
        "client": client,
        "ending": ending,
        "can_write": can_write,
        "preparing": preparing,
        "ended": ending is not None and ending.state == Ending.State.ENDED,
        "care_ended": client.care_has_ended,
        "kept_letter": kept_letter,
    }
    if ending is not None:
        context.update(view=staff_view(ending), scores=score_lines(client), causes=shared_causes(client))
        audit_read(request, ending, client=client)
    if can_write:
        context.update(
            start_form=start_form
            or StartForm(initial={"planned_on": ending.planned_on if preparing else None}, today=today),
            letter_form=letter_form or LetterForm(initial={"letter": ending.letter if preparing else ""}),
            end_form=end_form or EndForm(initial=_end_initial(ending, today), today=today),
        )
    return render(request, "ending/staff/summary.html", context, status=status)


@care_team_required
def staff_summary(request, client_uuid):
    client, can_write = clinical_access(request.user, client_uuid)
    return _page(request, client, can_write)


@therapist_required
@require_POST
def staff_start(request, client_uuid):
    client = get_rw_client_for_clinician(request.user, client_uuid)
    if client.care_has_ended:
        messages.info(request, "Our work together has already ended.")
        return redirect("ending:staff_summary", client_uuid=client.uuid)
    already = _preparing(client) is not None
    form = StartForm(request.POST, today=request.staff.today())
    if not form.is_valid():
        return _page(request, client, True, start_form=form)
    services.ending_start(
        client=client, staff=request.staff, planned_on=form.cleaned_data["planned_on"], request=request
    )
    if already:
        messages.success(request, "Planned date saved.")
    else:
        messages.success(request, "You have started preparing for the ending. The client can add their own words now.")
    return redirect("ending:staff_summary", client_uuid=client.uuid)


def _preparing(client) -> Ending | None:
    ending = ending_for(client)
    return ending if ending is not None and ending.state == Ending.State.PREPARING else None


@therapist_required
@require_POST
def staff_letter(request, client_uuid):
    client = get_rw_client_for_clinician(request.user, client_uuid)
    form = LetterForm(request.POST)
    if not form.is_valid():
        return _page(request, client, True, letter_form=form)
    ending = _preparing(client)
    try:
        if ending is None:
            raise services.EndingNotPreparing
        services.letter_save(ending=ending, staff=request.staff, letter=form.cleaned_data["letter"], request=request)
    except services.EndingNotPreparing:
        # Nothing typed is lost: the letter is shown back with the reason it was not kept.
        messages.info(request, "The ending is no longer being prepared, so the letter was not saved. It is below.")
        return _page(request, client, True, kept_letter=form.cleaned_data["letter"], status=409)
    messages.success(request, "Letter saved.")
    return redirect("ending:staff_summary", client_uuid=client.uuid)


@therapist_required
@require_POST
def staff_withdraw(request, client_uuid):
    client = get_rw_client_for_clinician(request.user, client_uuid)
    ending = _preparing(client)
    if ending is not None:
        try:
            services.ending_withdraw(ending=ending, staff=request.staff, request=request)
        except services.EndingNotPreparing:
            pass
        else:
            messages.success(request, "The ending is no longer being prepared. What the client wrote is kept.")
    return redirect("ending:staff_summary", client_uuid=client.uuid)


@therapist_required
@require_POST
def staff_end(request, client_uuid):
    client = get_rw_client_for_clinician(request.user, client_uuid)
    if client.care_has_ended:
        messages.info(request, "Our work together has already ended.")
        return redirect("ending:staff_summary", client_uuid=client.uuid)
    form = EndForm(request.POST, today=request.staff.today())
    if not form.is_valid():
        return _page(request, client, True, end_form=form)
    services.care_end(client=client, staff=request.staff, on=form.cleaned_data["ended_on"], request=request)
    messages.success(request, "Our work together has ended. The client keeps their summary and their space.")
    return redirect("ending:staff_summary", client_uuid=client.uuid)
