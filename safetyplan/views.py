from django.contrib import messages
from django.shortcuts import redirect, render

from audit.services import audit_read
from crisis.contacts import contacts_for
from practice.access import client_required, staff_required
from practice.models import Client
from safetyplan.access import get_client_for_plan, get_rw_client_for_plan, plan_for, version_for_staff
from safetyplan.forms import SafetyPlanForm
from safetyplan.models import SafetyPlanVersion
from safetyplan.services import safety_plan_save


def _plan_context(request, client, *, as_staff: bool = False) -> dict:
    plan = plan_for(client)
    if plan is None:
        version = None
    else:
        version = version_for_staff(plan, client) if as_staff else plan.current()
    if version is not None:
        audit_read(request, plan, client=client, detail={"version": version.number})
    return {
        "client": client,
        "plan": plan,
        "version": version,
        "steps": version.steps() if version is not None else [],
        "crisis": contacts_for(client.practice.country),
        "practice": client.practice,
        "therapist": client.therapist,
    }


@client_required
def mine(request):
    """The signed-in client's own plan (also the page kept offline on their phone)."""
    # With its practice and therapist in one query: step 5 shows both.
    client = Client.objects.with_people().get(pk=request.client.pk)
    context = _plan_context(request, client)
    context["is_own"] = context["can_write"] = True
    response = render(request, "safetyplan/plan.html", context)
    # The service worker keeps this page (and only the signed-in client's own copy) for offline use.
    response["X-Tending-Offline"] = "private"
    return response


@client_required
def edit(request):
    client = request.client
    return _edit(request, client, author=SafetyPlanVersion.Author.CLIENT, done=redirect("safetyplan:mine"))


@staff_required
def client_plan(request, client_uuid):
    client, can_write = get_client_for_plan(request.user, client_uuid)
    context = _plan_context(request, client, as_staff=True)
    context["is_own"] = False
    context["can_write"] = can_write
    return render(request, "safetyplan/plan.html", context)


@staff_required
def client_edit(request, client_uuid):
    client = get_rw_client_for_plan(request.user, client_uuid)
    return _edit(
        request,
        client,
        author=SafetyPlanVersion.Author.IN_SESSION,
        done=redirect("safetyplan:client_plan", client_uuid=client.uuid),
    )


def _edit(request, client, *, author, done):
    plan = plan_for(client)
    version = plan.current() if plan is not None else None
    if request.method == "POST":
        form = SafetyPlanForm(request.POST)
        if form.is_valid():
            saved = safety_plan_save(
                client=client, content=form.cleaned_data, written_by=request.user, author=author, request=request
            )
            if version is not None and saved.pk == version.pk:
                messages.info(request, "Nothing had changed, so your plan is just as it was.")
            else:
                messages.success(request, "Your safety plan is saved.")
            return done
    else:
        if version is not None:
            audit_read(request, plan, client=client, detail={"version": version.number, "for": "edit"})
        form = SafetyPlanForm(initial=version.content() if version is not None else None)
    return render(
        request,
        "safetyplan/edit.html",
        {"form": form, "client": client, "version": version, "is_own": author == SafetyPlanVersion.Author.CLIENT},
    )
