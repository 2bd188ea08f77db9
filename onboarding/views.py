from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from onboarding.consents import current_choice
from onboarding.forms import AcceptForm, ChoicesForm, DocumentForm, IntakeForm, PhoneForm
from onboarding.models import Acceptance, ConsentKind, Intake, PracticeDocument
from onboarding.selectors import intake_and_choices_done
from onboarding.services import consent_record, document_publish, documents_accept, intake_phone_save, intake_save
from practice.access import client_required, owner_required


def current_documents(practice) -> list[PracticeDocument]:
    found = []
    for kind in PracticeDocument.Kind.values:
        document = PracticeDocument.objects.current(practice, kind)
        if document is not None:
            found.append(document)
    return found


def steps_for(client) -> dict:
    documents = current_documents(client.practice)
    accepted = set(
        Acceptance.objects.filter(client=client, document__in=documents).values_list("document_id", flat=True)
    )
    intake_done, choices_done = intake_and_choices_done(client)
    return {
        "documents": documents,
        "agreed": bool(documents) and all(d.id in accepted for d in documents),
        "intake_done": intake_done,
        "choices_done": choices_done,
    }


@client_required
def welcome(request):
    steps = steps_for(request.client)
    return render(request, "onboarding/welcome.html", {"steps": steps, "client": request.client})


@client_required
def agreement(request):
    client = request.client
    documents = current_documents(client.practice)
    accepted = {a.document_id: a for a in Acceptance.objects.filter(client=client, document__in=documents)}
    form = AcceptForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and documents and form.is_valid():
        documents_accept(client=client, documents=documents, request=request)
        messages.success(request, "Thank you. We've kept a dated record of what you agreed to.")
        return redirect("onboarding:welcome")
    return render(
        request,
        "onboarding/agreement.html",
        {
            "documents": [(d, accepted.get(d.id)) for d in documents],
            "all_accepted": bool(documents) and len(accepted) == len(documents),
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@client_required
def intake(request):
    client = request.client
    existing = Intake.objects.filter(client=client).first()
    initial = {"preferred_name": client.preferred_name}
    if existing:
        initial.update(
            {
                name: getattr(existing, name)
                for name in (
                    "pronouns",
                    "date_of_birth",
                    "phone",
                    "gp_details",
                    "emergency_contact",
                    "hopes",
                    "previous_support",
                )
            }
        )
    form = IntakeForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        intake_save(client=client, data=form.cleaned_data, request=request)
        messages.success(request, "Thank you for telling us. You can change this at any time.")
        return redirect("onboarding:welcome")
    return render(request, "onboarding/intake.html", {"form": form}, status=400 if form.errors else 200)


# The phone number's section of "My choices" posts this, so its button never changes a consent choice.
PHONE_SECTION = "phone"


def _phone_section(request, client):
    """The phone number's own small form on the choices page: (form, redirect once it is saved)."""
    posted = request.method == "POST" and request.POST.get("section") == PHONE_SECTION
    intake = Intake.objects.filter(client=client).first()
    form = PhoneForm(request.POST if posted else None, initial={"phone": intake.phone if intake else ""})
    if posted and form.is_valid():
        phone = form.cleaned_data["phone"]
        intake_phone_save(client=client, phone=phone, request=request)
        messages.success(request, "Your phone number is saved." if phone else "Your phone number is removed.")
        return form, redirect("onboarding:choices")
    return form, None


@client_required
def choices(request):
    client = request.client
    phone_form, saved = _phone_section(request, client)
    if saved is not None:
        return saved
    current = {kind: current_choice(client, kind) for kind in ConsentKind.values}
    initial = {kind: bool(choice and choice.granted) for kind, choice in current.items()}
    nudge = current.get(ConsentKind.BOOKING_NUDGE)
    initial["gap_days"] = nudge.gap_days if nudge and nudge.gap_days else 28
    form = ChoicesForm(request.POST if request.method == "POST" and not phone_form.is_bound else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        for kind in ConsentKind.values:
            consent_record(
                client=client,
                kind=kind,
                granted=data[kind],
                gap_days=data["gap_days"] if kind == ConsentKind.BOOKING_NUDGE and data[kind] else None,
                request=request,
            )
        messages.success(request, "Your choices are saved. You can change them here whenever you like.")
        return redirect("onboarding:choices")
    return render(
        request,
        "onboarding/choices.html",
        {"form": form, "current": [c for c in current.values() if c], "phone_form": phone_form},
        status=400 if form.errors or phone_form.errors else 200,
    )


@owner_required
def document_edit(request, kind):
    if kind not in PracticeDocument.Kind.values:
        raise Http404
    practice = request.staff.practice
    current = PracticeDocument.objects.current(practice, kind)
    form = DocumentForm(
        request.POST if request.method == "POST" else None, initial={"body": current.body if current else ""}
    )
    if request.method == "POST" and form.is_valid():
        if current and current.body.strip() == form.cleaned_data["body"].strip():
            messages.info(request, "Nothing changed, so no new version was published.")
        else:
            document = document_publish(
                practice=practice, kind=kind, body=form.cleaned_data["body"], staff=request.staff
            )
            messages.success(request, f"Version {document.version} is published. New clients will see it.")
        return redirect("onboarding:document_edit", kind=kind)
    return render(
        request,
        "onboarding/document_edit.html",
        {
            "form": form,
            "label": PracticeDocument.Kind(kind).label,
            "current": current,
            "versions": PracticeDocument.objects.filter(practice=practice, kind=kind),
        },
        status=400 if form.errors else 200,
    )
