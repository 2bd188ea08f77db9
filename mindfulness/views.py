from functools import lru_cache

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import audit_read
from core.compiled import CompiledRead
from core.links import address_keys
from mindfulness.access import (
    exercise_for_key,
    get_builtin_exercise,
    get_custom_exercise_for_author,
    get_custom_exercise_for_client,
    get_rw_recommendation_for_therapist,
)
from mindfulness.content import EXERCISES, GROUNDING_SLUG, builtin
from mindfulness.forms import CustomExerciseForm, ExerciseLogForm, RecommendForm
from mindfulness.models import CustomExercise, ExerciseLog, Recommendation
from mindfulness.offline import offline_page
from mindfulness.services import (
    custom_exercise_archive,
    custom_exercise_save,
    exercise_log_record,
    recommendation_create,
    recommendation_withdraw,
)
from mindfulness.summary import what_helps_rows
from practice.access import client_required, get_rw_client_for_clinician, staff_required, therapist_required
from practice.care_status import CareHasEnded

# A gap after which "what helps me" says welcome back (never "you missed").
WELCOME_BACK_DAYS = 14

# --- Client: the library and the player (these pages hold no private data and work offline) ---


# The library's "from your therapist", on every open of it: built by the ORM once (core/compiled.py).
_OWN = CompiledRead(
    CustomExercise,
    lambda shape, *, client, therapist: CustomExercise.objects.for_client_of(client, therapist),
    {"client": int, "therapist": int},
)


@lru_cache(maxsize=16)
def _library(prefix: str, resolver) -> str:
    """The library's list, the same for every client: written once per process, per script prefix and URLconf (keys
    only, as core/links.py's), rather than on every open of the page (six arrivals in a hundred of the mix)."""
    return render_to_string("mindfulness/_library.html", {"exercises": EXERCISES})


@client_required
@offline_page
def library(request):
    own = _OWN.objects(client=request.client.pk, therapist=request.client.therapist_id)
    library = _library(*address_keys())
    return render(request, "mindfulness/library.html", {"library": library, "own": own})


@client_required
def suggested(request):
    """What the client's therapist suggested, with their notes. Private, so loaded apart from the cached library."""
    recommendations = list(Recommendation.objects.for_client(request.client))
    template = "mindfulness/suggested.html#suggestions" if request.htmx else "mindfulness/suggested.html"
    return render(request, template, {"recommendations": recommendations})


def _player(request, exercise, length):
    steps = exercise.steps(length)
    after_url = (
        reverse("mindfulness:after", kwargs={"slug": exercise.slug})
        if exercise.is_builtin
        else reverse("mindfulness:after_custom", kwargs={"exercise_uuid": exercise.uuid})
    )
    return render(
        request,
        "mindfulness/player.html",
        {
            "exercise": exercise,
            "length": length,
            "steps": steps,
            "minutes": max(1, round(sum(step.seconds for step in steps) / 60)),
            "after_url": f"{after_url}?length={length}",
            "grounding": builtin(GROUNDING_SLUG),
            "breathing": "breath" in getattr(exercise, "tags", ()),
        },
    )


@client_required
@offline_page
def play(request, slug):
    return _player(request, get_builtin_exercise(slug), "short")


@client_required
@offline_page
def play_long(request, slug):
    return _player(request, get_builtin_exercise(slug), "long")


@client_required
@offline_page
def play_custom(request, exercise_uuid):
    return _player(request, get_custom_exercise_for_client(request.client, exercise_uuid), "short")


@client_required
@offline_page
def timer(request):
    return render(request, "mindfulness/timer.html", {"grounding": builtin(GROUNDING_SLUG)})


@client_required
def audio(request, exercise_uuid):
    """A therapist's recording, for that therapist's own clients only; never a public media URL."""
    exercise = get_custom_exercise_for_client(request.client, exercise_uuid)
    if not exercise.audio:
        raise Http404
    try:
        handle = exercise.audio.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=exercise.audio_content_type or "application/octet-stream")
    response["Content-Disposition"] = "inline"
    return response


# --- Client: after an exercise, and what helps ----------------------------------------------


def _after(request, exercise):
    length = request.GET.get("length") or request.POST.get("length") or "short"
    if length not in ExerciseLog.Length.values:
        length = "short"
    form = ExerciseLogForm(request.POST or None, initial={"length": length})
    if request.method == "POST" and form.is_valid():
        exercise_log_record(client=request.client, exercise=exercise, **form.cleaned_data)
        messages.success(request, "Thank you. That is noted, just for you.")
        return redirect("mindfulness:what_helps")
    return render(request, "mindfulness/after.html", {"exercise": exercise, "form": form})


@client_required
def after(request, slug):
    return _after(request, get_builtin_exercise(slug))


@client_required
def after_custom(request, exercise_uuid):
    return _after(request, get_custom_exercise_for_client(request.client, exercise_uuid))


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


# --- Therapist: their own exercises and recommendations --------------------------------------


@therapist_required
def manage(request):
    own = CustomExercise.objects.by_author(request.staff).live()
    return render(request, "mindfulness/manage.html", {"own": own, "library": EXERCISES})


@therapist_required
def custom_new(request):
    return _custom_form(request, None)


@therapist_required
def custom_edit(request, exercise_uuid):
    return _custom_form(request, get_custom_exercise_for_author(request.staff, exercise_uuid))


def _custom_form(request, exercise):
    form = CustomExerciseForm(request.POST or None, request.FILES or None, instance=exercise)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in CustomExerciseForm.Meta.fields}
        fields["audio"] = form.cleaned_data.get("audio")
        fields["remove_audio"] = form.cleaned_data.get("remove_audio", False)
        custom_exercise_save(author=request.staff, exercise=exercise, fields=fields, request=request)
        messages.success(request, "Saved. Your clients can find it in their practices.")
        return redirect("mindfulness:manage")
    return render(request, "mindfulness/custom_form.html", {"form": form, "exercise": exercise})


@therapist_required
@require_POST
def custom_archive(request, exercise_uuid):
    exercise = get_custom_exercise_for_author(request.staff, exercise_uuid)
    custom_exercise_archive(exercise=exercise, request=request)
    messages.success(request, f"“{exercise.title}” is no longer shown to your clients.")
    return redirect("mindfulness:manage")


@staff_required
def recommend(request, client_uuid):
    # Suggesting is writing to the record: emergency access (for reading) never reaches this page.
    client = get_rw_client_for_clinician(request.user, client_uuid)
    own = list(CustomExercise.objects.by_author(request.staff).live())
    form = RecommendForm(request.POST or None, own_exercises=own)
    if request.method == "POST" and form.is_valid():
        exercise = exercise_for_key(request.staff.id, form.cleaned_data["practice"])
        if exercise is None:
            form.add_error("practice", "Please choose a practice from the list.")
        else:
            try:
                recommendation_create(
                    therapist=request.staff,
                    client=client,
                    exercise=exercise,
                    note=form.cleaned_data["note"],
                    request=request,
                )
            except CareHasEnded as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request, f"{client.display_name} will see “{exercise.title}” first in their practices."
                )
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
