from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import audit_read
from mindfulness.access import (
    get_builtin_practice,
    get_custom_practice_for_author,
    get_custom_practice_for_client,
    get_rw_recommendation_for_therapist,
    practice_for_key,
)
from mindfulness.content import GROUNDING_SLUG, PRACTICES, builtin
from mindfulness.forms import CustomPracticeForm, PracticeLogForm, RecommendForm
from mindfulness.models import CustomPractice, PracticeLog, Recommendation
from mindfulness.offline import offline_page
from mindfulness.services import (
    custom_practice_archive,
    custom_practice_save,
    practice_log_record,
    recommendation_create,
    recommendation_withdraw,
)
from mindfulness.summary import what_helps_rows
from practice.access import client_required, get_rw_client_for_clinician, staff_required, therapist_required

# A gap after which "what helps me" says welcome back (never "you missed").
WELCOME_BACK_DAYS = 14

# --- Client: the library and the player (these pages hold no private data and work offline) ---


@client_required
@offline_page
def library(request):
    own = list(CustomPractice.objects.for_client(request.client))
    return render(request, "mindfulness/library.html", {"practices": PRACTICES, "own": own})


@client_required
def suggested(request):
    """What the client's therapist suggested, with their notes. Private, so loaded apart from the cached library."""
    recommendations = list(Recommendation.objects.for_client(request.client))
    template = "mindfulness/suggested.html#suggestions" if request.htmx else "mindfulness/suggested.html"
    return render(request, template, {"recommendations": recommendations})


def _player(request, practice, length):
    steps = practice.steps(length)
    after_url = (
        reverse("mindfulness:after", kwargs={"slug": practice.slug})
        if practice.is_builtin
        else reverse("mindfulness:after_custom", kwargs={"practice_uuid": practice.uuid})
    )
    return render(
        request,
        "mindfulness/player.html",
        {
            "practice": practice,
            "length": length,
            "steps": steps,
            "minutes": max(1, round(sum(step.seconds for step in steps) / 60)),
            "after_url": f"{after_url}?length={length}",
            "grounding": builtin(GROUNDING_SLUG),
            "breathing": "breath" in getattr(practice, "tags", ()),
        },
    )


@client_required
@offline_page
def play(request, slug):
    return _player(request, get_builtin_practice(slug), "short")


@client_required
@offline_page
def play_long(request, slug):
    return _player(request, get_builtin_practice(slug), "long")


@client_required
@offline_page
def play_custom(request, practice_uuid):
    return _player(request, get_custom_practice_for_client(request.client, practice_uuid), "short")


@client_required
@offline_page
def timer(request):
    return render(request, "mindfulness/timer.html", {"grounding": builtin(GROUNDING_SLUG)})


@client_required
def audio(request, practice_uuid):
    """A therapist's recording, for that therapist's own clients only; never a public media URL."""
    practice = get_custom_practice_for_client(request.client, practice_uuid)
    if not practice.audio:
        raise Http404
    try:
        handle = practice.audio.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=practice.audio_content_type or "application/octet-stream")
    response["Content-Disposition"] = "inline"
    return response


# --- Client: after a practice, and what helps ------------------------------------------------


def _after(request, practice):
    length = request.GET.get("length") or request.POST.get("length") or "short"
    if length not in PracticeLog.Length.values:
        length = "short"
    form = PracticeLogForm(request.POST or None, initial={"length": length})
    if request.method == "POST" and form.is_valid():
        practice_log_record(client=request.client, practice=practice, **form.cleaned_data)
        messages.success(request, "Thank you. That is noted, just for you.")
        return redirect("mindfulness:what_helps")
    return render(request, "mindfulness/after.html", {"practice": practice, "form": form})


@client_required
def after(request, slug):
    return _after(request, get_builtin_practice(slug))


@client_required
def after_custom(request, practice_uuid):
    return _after(request, get_custom_practice_for_client(request.client, practice_uuid))


@client_required
def what_helps(request):
    rows, last = what_helps_rows(request.client)
    welcome_back = last is not None and (timezone.now() - last).days >= WELCOME_BACK_DAYS
    rated = [row for row in rows if row.score is not None]
    unrated = [row for row in rows if row.score is None]
    return render(
        request,
        "mindfulness/what_helps.html",
        {"rated": rated, "unrated": unrated, "welcome_back": welcome_back, "anything": bool(rows)},
    )


# --- Therapist: their own practices and recommendations --------------------------------------


@therapist_required
def manage(request):
    own = CustomPractice.objects.by_author(request.staff).live()
    return render(request, "mindfulness/manage.html", {"own": own, "library": PRACTICES})


@therapist_required
def custom_new(request):
    return _custom_form(request, None)


@therapist_required
def custom_edit(request, practice_uuid):
    return _custom_form(request, get_custom_practice_for_author(request.staff, practice_uuid))


def _custom_form(request, practice):
    form = CustomPracticeForm(request.POST or None, request.FILES or None, instance=practice)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CustomPracticeForm.Meta.fields}
        fields["audio"] = form.cleaned_data.get("audio")
        fields["remove_audio"] = form.cleaned_data.get("remove_audio", False)
        custom_practice_save(author=request.staff, practice=practice, fields=fields, request=request)
        messages.success(request, "Saved. Your clients can find it in their practices.")
        return redirect("mindfulness:manage")
    return render(request, "mindfulness/custom_form.html", {"form": form, "practice": practice})


@therapist_required
@require_POST
def custom_archive(request, practice_uuid):
    practice = get_custom_practice_for_author(request.staff, practice_uuid)
    custom_practice_archive(practice=practice, request=request)
    messages.success(request, f"“{practice.title}” is no longer shown to your clients.")
    return redirect("mindfulness:manage")


@staff_required
def recommend(request, client_uuid):
    # Suggesting is writing to the record: emergency access (for reading) never reaches this page.
    client = get_rw_client_for_clinician(request.user, client_uuid)
    own = list(CustomPractice.objects.by_author(request.staff).live())
    form = RecommendForm(request.POST or None, own_practices=own)
    if request.method == "POST" and form.is_valid():
        practice = practice_for_key(request.staff.id, form.cleaned_data["practice"])
        if practice is None:
            form.add_error("practice", "Please choose a practice from the list.")
        else:
            recommendation_create(
                therapist=request.staff,
                client=client,
                practice=practice,
                note=form.cleaned_data["note"],
                request=request,
            )
            messages.success(request, f"{client.display_name} will see “{practice.title}” first in their practices.")
            return redirect("mindfulness:recommend", client_uuid=client.uuid)
    recommendations = list(Recommendation.objects.for_client(client))
    audit_read(request, client, client=client, object_type="mindfulness.recommendations")
    return render(
        request,
        "mindfulness/recommend.html",
        {"client": client, "form": form, "recommendations": recommendations},
    )


@staff_required
@require_POST
def recommendation_remove(request, recommendation_uuid):
    recommendation = get_rw_recommendation_for_therapist(request.user, recommendation_uuid)
    recommendation_withdraw(recommendation=recommendation, request=request)
    messages.success(request, "That suggestion is no longer shown.")
    return redirect("mindfulness:recommend", client_uuid=recommendation.client.uuid)
