from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts.people import object_, refer
from audit.services import audit_read
from crisis.contacts import contacts_for
from measures.access import get_open_request_for_client, get_response_for_clinician, get_rw_schedule_for_clinician
from measures.forms import QuestionnaireForm, SendForm
from measures.models import MeasureRequest
from measures.scoring import ScoringError, score
from measures.services import CareEnded, measure_response_record, measure_schedule_stop, measure_send
from practice.access import client_required, get_rw_client_for_clinician, staff_required
from risk.support import safety_plan_url

SUBSCALE_LABELS = {
    "self_kindness": "Self-kindness",
    "self_judgment": "Self-judgment",
    "common_humanity": "Common humanity",
    "isolation": "Isolation",
    "mindfulness": "Mindfulness",
    "over_identification": "Over-identification",
}

# --- Client ---------------------------------------------------------------------------------


@client_required
def waiting(request):
    pending = list(MeasureRequest.objects.pending().for_client(request.client).order_by("requested_at"))
    return render(request, "measures/list.html", {"pending": pending})


@client_required
def fill(request, request_uuid):
    measure_request = get_open_request_for_client(request.client, request_uuid)
    instrument = measure_request.definition
    form = QuestionnaireForm(instrument, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            response = measure_response_record(
                client=request.client,
                instrument=instrument.id,
                answers=form.answers(),
                difficulty=form.cleaned_data.get("difficulty", ""),
                measure_request=measure_request,
                request=request,
            )
        except ScoringError:
            form.add_error(None, "Something in the answers didn't look right. Please check them and try again.")
        else:
            if response.risk_flag:
                return redirect("measures:support")
            if request.client.care_has_ended:
                messages.success(request, "Thank you. Your answers are saved, for you to keep.")
            else:
                messages.success(request, "Thank you. Your answers are saved, and your therapist can see them.")
            return redirect("journey:mine")
    return render(
        request, "measures/fill.html", {"form": form, "instrument": instrument, "measure_request": measure_request}
    )


@client_required
def support(request):
    """Shown at once after PHQ-9 question 9 is answered above "Not at all" (instruments.md §2.1)."""
    return render(
        request,
        "measures/support.html",
        {
            "country": contacts_for(request.client.practice.country),
            "practice": request.client.practice,
            "therapist": request.client.therapist,
            "safety_plan_url": safety_plan_url(),
        },
    )


# --- Therapist ------------------------------------------------------------------------------


@staff_required
def send(request, client_uuid):
    client = get_rw_client_for_clinician(request.user, client_uuid)
    form = SendForm(request.POST or None)
    if client.care_has_ended:
        # No questionnaires after the ending (issue 21): said kindly, nothing sent, whatever was posted.
        status = 400 if request.method == "POST" else 200
        return render(
            request, "measures/send.html", {"form": None, "client": client, "care_ended": True}, status=status
        )
    if request.method == "POST" and form.is_valid():
        try:
            measure_send(
                client=client,
                instrument=form.cleaned_data["instrument"],
                rhythm=form.cleaned_data["rhythm"],
                sent_by=request.staff,
                request=request,
            )
        except CareEnded:
            # Care ended between loading the client and sending: the same kind page.
            return render(
                request, "measures/send.html", {"form": None, "client": client, "care_ended": True}, status=400
            )
        messages.success(
            request,
            f"Sent to {client.display_name}. {refer(client, 'They')} can fill it in whenever suits {object_(client)}.",
        )
        return redirect("practice:client_detail", client_uuid=client.uuid)
    return render(request, "measures/send.html", {"form": form, "client": client})


@staff_required
@require_POST
def stop(request, schedule_uuid):
    schedule = get_rw_schedule_for_clinician(request.user, schedule_uuid)
    measure_schedule_stop(schedule=schedule, request=request)
    messages.success(request, "That questionnaire won't be sent again.")
    return redirect("practice:client_detail", client_uuid=schedule.client.uuid)


@staff_required
def response_detail(request, response_uuid):
    response, _can_write = get_response_for_clinician(request.user, response_uuid)
    audit_read(request, response, client=response.client, object_type="measures.measureresponse")
    instrument = response.definition
    result = score(instrument.id, response.answers)
    items = []
    for index, (text, value) in enumerate(zip(instrument.items, response.answers, strict=True)):
        labels = {option.value: option.label for option in instrument.options_for(index)}
        items.append({"number": index + 1, "text": text, "value": value, "label": labels.get(value, "")})
    return render(
        request,
        "measures/response.html",
        {
            "response": response,
            "instrument": instrument,
            "result": result,
            "band_label": instrument.band_label(response.band),
            "subscales": [(SUBSCALE_LABELS[name], value) for name, value in result.get("subscales", {}).items()],
            "items": items,
            "client": response.client,
        },
    )
