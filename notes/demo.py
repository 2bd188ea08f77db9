"""Signed notes for Cara's past sessions with Ana: those the bookings demo made, or (when there are
none) three fortnightly sessions of our own."""

from datetime import datetime, time, timedelta

from django.utils import timezone

from bookings.models import Appointment, Kind
from notes import services as notes

ORDER = 210  # after bookings' demo sessions

NOTES = [
    {
        "mind": "Cara described the week as 'mostly fine' and then talked about a sharp moment of panic at work.",
        "body": "Tight chest, shallow breathing when describing the meeting. Sleep patchy.",
        "soul": "Some peace on Sunday walking by the river with her sister.",
        "themes": "Fear of getting it wrong in front of others.",
        "causes_work": "Named the inner critic together: 'you always mess it up'. Noticed how quickly it arrives.",
        "practices": "Soothing-rhythm breathing, short version, once a day if it feels right.",
        "risk": "Asked about thoughts of harm: none. Agreed she can use the crisis contacts if that changes.",
    },
    {
        "mind": "Fewer panic attacks this fortnight. Still very self-critical after a small mistake at home.",
        "body": "Breathing practice helped twice. Tension in shoulders.",
        "soul": "Enjoyed cooking for a friend.",
        "themes": "Shame after mistakes; wanting to please.",
        "causes_work": "Compassionate self practice: what would a kind friend say? Cara found it hard but stayed with it.",
        "practices": "Compassionate self, three minutes. Self-compassion break when the critic is loud.",
        "risk": "No thoughts of harm.",
    },
    {
        "mind": "No panic attacks for three weeks. Waking at 4am with her mind racing about work.",
        "body": "Sleep now the main difficulty: waking early most nights.",
        "soul": "Feels further from friends this month.",
        "themes": "Critic has moved from the day into the night.",
        "causes_work": "Wondered together whether the critic is showing up in another form.",
        "practices": "Body scan at bedtime (short version), grounding if she wakes.",
        "risk": "No thoughts of harm. Sleep checked.",
    },
]


def _local(practice, day, hour):
    return timezone.make_aware(datetime.combine(day, time(hour, 0)), practice.zone)


def _past_sessions(demo) -> list[Appointment]:
    cara, ana = demo.cara, demo.ana
    found = list(Appointment.objects.for_client(cara).sessions().active().past().filter(therapist=ana))
    if found:
        return sorted(found, key=lambda a: a.start)
    # No bookings demo yet: three fortnightly sessions of our own, at a quiet early hour.
    today = timezone.localdate()
    made = []
    for weeks in (6, 4, 2):
        start = _local(demo.practice, today - timedelta(weeks=weeks), 8)
        end = start + timedelta(minutes=50)
        if Appointment.objects.overlapping(ana, start, end + timedelta(minutes=10)).exists():
            continue
        made.append(
            Appointment.objects.create(
                practice=demo.practice,
                therapist=ana,
                client=cara,
                kind=Kind.SESSION,
                start=start,
                end=end,
                blocked_until=end + timedelta(minutes=10),
                status=Appointment.Status.COMPLETED,
                booked_by="therapist",
            )
        )
    return made


def _notes(demo) -> None:
    ana = demo.ana
    notes.template_ensure_default(therapist=ana)
    sessions = _past_sessions(demo)[-len(NOTES) :]
    if not sessions:
        return
    for appointment, text in zip(sessions, NOTES[-len(sessions) :], strict=True):
        note = notes.note_start(appointment=appointment, author=ana)
        if note.is_signed:
            continue
        notes.note_save(note=note, by=ana, text={**text, "free_text": ""})
        notes.note_sign(note=note, by=ana)


def seed(demo) -> None:
    _notes(demo)
