"""The caseload's stored facts (caseload.facts) are never silently stale.

After every kind of change, made through the domains' real services (or the views that call them), each
client's stored facts either equal a fresh computation or are known to be stale (marked changed, computed
for another therapist, past ``valid_until``, or missing), so the next view refreshes them; and after that
view they all equal a fresh computation. Open risk alerts are read live, never from a stored fact.
"""

import uuid
from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from bookings.models import Appointment
from bookings.services_appointments import appointment_book, appointment_cancel, appointment_confirm, appointment_move
from bookings.services_sessions import sessions_cancel_from
from care.services import client_hand_over
from caseload.facts import FIELDS, compute, is_stale
from caseload.jobs import refresh as refresh_job
from caseload.models import ClientFacts
from caseload.selectors import caseload_for
from formulation.models import Insight
from formulation.services import insight_dismiss
from journal.models import Entry
from journal.services import entry_delete, entry_save, entry_share, entry_unshare
from measures.services import measure_response_record
from messaging.services import conversation_for, message_send
from practice.care_status import care_status_change
from practice.models import Client, ClientChange
from risk.models import RiskAlert
from risk.services import risk_alert_acknowledge, risk_alert_raise
from tending.testing.factories import ClientFactory
from tending.testing.personas import build_world

COMPARED = [name for name in FIELDS if name != "refreshed_at"]


def _values(facts: ClientFacts) -> dict:
    return {name: getattr(facts, f"{name}_id" if name == "therapist" else name) for name in COMPARED}


def _clients(w):
    return list(
        Client.objects.filter(practice=w.practice)
        .select_related("attention_facts")
        .annotate(changed=Exists(ClientChange.objects.filter(client=OuterRef("pk"))))
        .order_by("pk")
    )


def assert_never_silently_stale(w):
    """Every client's stored facts equal a fresh computation unless they are known to be stale."""
    now = timezone.now()
    clients = _clients(w)
    fresh = {f.client_id: f for f in compute([(c.pk, c.therapist_id) for c in clients], now=now)}
    for client in clients:
        stored = getattr(client, "attention_facts", None)
        if not is_stale(client, stored, changed=client.changed, now=now):
            assert _values(stored) == _values(fresh[client.pk]), f"client {client.pk}: stale facts not marked"


def assert_caseload_is_fresh(w):
    """After the therapists' views, every client in their care reads facts equal to a fresh computation, and
    every open risk alert of their clients is on their caseload."""
    for staff in (w.therapist, w.colleague):
        found = caseload_for(staff)
        alerted = {item.client.pk for item in found.attention for r in item.reasons if r.kind == "alert"}
        expected = set(
            RiskAlert.objects.open()
            .filter(client__therapist=staff)
            .exclude(client__care_status="ended")
            .values_list("client_id", flat=True)
        )
        assert alerted == expected
    now = timezone.now()
    clients = [
        c for c in _clients(w) if c.care_status != "ended" and c.therapist_id in (w.therapist.pk, w.colleague.pk)
    ]
    fresh = {f.client_id: f for f in compute([(c.pk, c.therapist_id) for c in clients], now=now)}
    for client in clients:
        assert _values(client.attention_facts) == _values(fresh[client.pk]), f"client {client.pk}"


def _therapist_browser(w, staff=None):
    browser = Browser()
    browser.force_login((staff or w.therapist).user, backend="accounts.backends.ModelBackend")
    return browser


# Each operation changes one of the sources the facts are computed from, as the app does.
def op_alert_raise(w, who):
    risk_alert_raise(client=who, source="journal_words")


def op_alert_acknowledge(w, who):
    alert = RiskAlert.objects.open().filter(client=who).first() or risk_alert_raise(client=who, source="journal_words")
    if alert is not None:
        risk_alert_acknowledge(alert=alert, user=who.therapist.user, action_taken=RiskAlert.Action.CONTACTED)


def op_client_writes(w, who):
    message_send(conversation=conversation_for(client=who), body="A question for you", idempotency_key=uuid.uuid4())


def op_client_writes_risky(w, who):
    message_send(conversation=conversation_for(client=who), body="I want to kill myself", idempotency_key=uuid.uuid4())


def op_therapist_answers(w, who):
    message_send(
        conversation=conversation_for(client=who), body="Thank you", idempotency_key=uuid.uuid4(), staff=who.therapist
    )


def op_therapist_reads_messages(w, who):
    _therapist_browser(w, who.therapist).get(reverse("messaging:conversation", kwargs={"client_uuid": who.uuid}))


def op_questionnaire_returned(w, who):
    measure_response_record(client=who, instrument="phq9", answers=[1] * 9)


def op_questionnaires_deteriorate(w, who):
    measure_response_record(
        client=who, instrument="phq9", answers=[0] * 9, completed_at=timezone.now() - timedelta(days=60)
    )
    measure_response_record(client=who, instrument="phq9", answers=[2] * 9)


def op_insight_found(w, who):
    # The formulation's watch saves each finding with save() (formulation.services.insights_refresh).
    Insight(client=who, kind=Insight.Kind.SYMPTOM_SHIFT, key=f"k-{uuid.uuid4()}").save(force_insert=True)


def op_insight_set_aside(w, who):
    insight = Insight.objects.waiting().filter(client=who).first()
    if insight is None:
        op_insight_found(w, who)
        insight = Insight.objects.waiting().filter(client=who).first()
    insight_dismiss(insight=insight, by=who.therapist, note="Talked it over")


def op_journal_shared(w, who):
    if who.care_has_ended:
        return  # sharing closes when care ends (journal.services.SharingClosed)
    entry, _ = entry_save(client=who, body="For my therapist", prompt="")
    entry_share(entry=entry)


def op_journal_read(w, who):
    if not Entry.objects.shared().filter(client=who).exists():
        op_journal_shared(w, who)
    _therapist_browser(w, who.therapist).get(reverse("journal:shared", kwargs={"client_uuid": who.uuid}))


def op_journal_unshared(w, who):
    entry = Entry.objects.shared().filter(client=who).first()
    if entry is not None:
        entry_unshare(entry=entry)


def op_journal_deleted(w, who):
    entry = Entry.objects.filter(client=who).first()
    if entry is not None:
        entry_delete(entry=entry)


def _book(who, start, status=Appointment.Status.CONFIRMED):
    return appointment_book(
        therapist=who.therapist,
        client=who,
        kind="session",
        mode="video",
        start=start,
        status=status,
        booked_by="therapist",
    )


def _free_start(days):
    start = (timezone.now() + timedelta(days=days)).replace(minute=0, second=0, microsecond=0)
    while Appointment.objects.filter(start__lt=start + timedelta(hours=2), end__gt=start - timedelta(hours=2)).exists():
        start += timedelta(hours=3)
    return start


def op_session_booked(w, who):
    _book(who, _free_start(9))


def op_session_requested_then_confirmed(w, who):
    appointment_confirm(appointment=_book(who, _free_start(12), status=Appointment.Status.REQUESTED))


def op_session_cancelled(w, who):
    upcoming = Appointment.objects.active().filter(client=who, start__gt=timezone.now()).first()
    if upcoming is None:
        upcoming = _book(who, _free_start(10))
    appointment_cancel(appointment=upcoming, by="therapist")


def op_session_moved(w, who):
    upcoming = Appointment.objects.active().filter(client=who, start__gt=timezone.now()).first()
    if upcoming is None:
        upcoming = _book(who, _free_start(11))
    appointment_move(appointment=upcoming, start=_free_start(20), by="therapist", check_slot=False)


def op_sessions_cancelled_from(w, who):
    sessions_cancel_from(client=who, since=timezone.localdate())


def op_care_paused(w, who):
    care_status_change(client=who, status="paused", since=timezone.localdate(), staff=who.therapist)


def op_care_ended(w, who):
    care_status_change(client=who, status="ended", since=timezone.localdate(), staff=who.therapist)


def op_handed_over(w, who):
    to = w.colleague if who.therapist_id == w.therapist.pk else w.therapist
    client_hand_over(client=who, to_therapist=to, notes_go=True, future="move", reason="Moving nearer", by=w.owner)


OPS = {name[3:]: fn for name, fn in globals().items() if name.startswith("op_")}

# What each change needs to find before the baseline view, so that it changes something already stored.
PREPARE = {
    "alert_acknowledge": op_alert_raise,
    "therapist_answers": op_client_writes_risky,
    "therapist_reads_messages": op_client_writes,
    "insight_set_aside": op_insight_found,
    "journal_read": op_journal_shared,
    "journal_unshared": op_journal_shared,
    "journal_deleted": op_journal_shared,
    "session_cancelled": op_session_booked,
    "session_moved": op_session_booked,
    "sessions_cancelled_from": op_session_booked,
    "handed_over": op_journal_shared,
    "care_ended": op_session_booked,  # ending care cancels the sessions booked after it
}
# Read live from the alerts and the client's row, never stored: these change no stored fact.
LIVE = {"alert_raise", "alert_acknowledge", "care_paused"}


def _setup(w):
    """Baseline: both therapists' caseloads viewed once, so every client has stored facts."""
    for staff in (w.therapist, w.colleague):
        caseload_for(staff)
    assert not ClientChange.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OPS))
def test_after_each_kind_of_change_the_stored_facts_equal_a_fresh_computation(name):
    w = build_world()
    who = Client.objects.select_related("therapist__user").get(pk=w.client_a.pk)
    if name in PREPARE:
        PREPARE[name](w, who)
    _setup(w)
    before = _values(ClientFacts.objects.get(client=who))
    OPS[name](w, who)
    who.refresh_from_db()
    if name not in LIVE:
        fresh = compute([(who.pk, who.therapist_id)], now=timezone.now())[0]
        assert _values(fresh) != before, "the change should change a stored fact"
    assert_never_silently_stale(w)
    assert_caseload_is_fresh(w)
    assert_never_silently_stale(w)


class SequenceTests(HypothesisTestCase):
    @settings(
        max_examples=15,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(
        st.lists(
            st.tuples(
                st.sampled_from(sorted(OPS)), st.sampled_from(["client_a", "client_b", "client_c"]), st.booleans()
            ),
            min_size=1,
            max_size=8,
        )
    )
    def test_any_sequence_of_changes_leaves_no_silently_stale_fact(self, steps):
        w = build_world()
        _setup(w)
        for name, persona, look in steps:
            who = Client.objects.select_related("therapist__user").get(pk=getattr(w, persona).pk)
            OPS[name](w, who)
            assert_never_silently_stale(w)
            if look:  # sometimes a therapist looks in between, sometimes several changes come first
                assert_caseload_is_fresh(w)
        assert_caseload_is_fresh(w)


@pytest.mark.django_db
def test_an_open_risk_alert_is_on_the_caseload_even_when_the_stored_facts_were_never_told():
    w = build_world()
    _setup(w)
    # An alert written behind every service's back (no mark, no signal): the caseload still shows it.
    RiskAlert.objects.bulk_create(
        [
            RiskAlert(
                client=w.client_a,
                therapist=w.therapist,
                source="journal_words",
                escalate_after=timezone.now() + timedelta(hours=4),
            )
        ]
    )
    assert not ClientChange.objects.exists()
    found = caseload_for(w.therapist)
    assert [item.client.pk for item in found.attention] == [w.client_a.pk]
    assert found.attention[0].top == "alert"


@pytest.mark.django_db
def test_the_caseload_reads_the_same_number_of_queries_for_3_or_30_clients():
    w = build_world()

    def grow(n):
        for _ in range(n):
            client = ClientFactory(therapist=w.therapist)
            measure_response_record(client=client, instrument="phq9", answers=[1] * 9)
            risk_alert_raise(client=client, source="journal_words")
            message_send(conversation=conversation_for(client=client), body="Hello", idempotency_key=uuid.uuid4())

    grow(1)  # with client_a and client_b: three clients
    with CaptureQueriesContext(connection) as few_refreshing:
        caseload_for(w.therapist)
    with CaptureQueriesContext(connection) as few:
        assert len(caseload_for(w.therapist).attention) == 1
    grow(27)
    with CaptureQueriesContext(connection) as many_refreshing:
        caseload_for(w.therapist)
    with CaptureQueriesContext(connection) as many:
        assert len(caseload_for(w.therapist).attention) == 28
    assert len(many) == len(few)
    assert len(many_refreshing) == len(few_refreshing)
    # Stored: the client list (with its facts and marks), open alerts, waiting suggestions, this week's and
    # later requested appointments.
    assert len(few) == 5


@pytest.mark.django_db
def test_the_clock_refreshes_facts_that_change_with_time_alone():
    w = build_world()
    cara = w.client_a
    start = _free_start(2)
    _book(cara, start)
    measure_response_record(client=cara, instrument="phq9", answers=[1] * 9)
    _setup(w)
    facts = ClientFacts.objects.get(client=cara)
    assert facts.next_session == start and facts.valid_until == start
    assert facts.measures_returned == 1  # never met: every questionnaire counts
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        # The session has begun: the questionnaire came before it, so nothing is "returned since" any more.
        assert refresh_job() >= 1
        facts = ClientFacts.objects.get(client=cara)
        assert facts.last_session == start and facts.next_session is None
        assert facts.measures_returned == 0
        assert facts.valid_until is None
        assert refresh_job() == 0  # nothing due again
        assert_caseload_is_fresh(w)


@pytest.mark.django_db
def test_a_view_after_the_time_refreshes_by_itself_when_the_clock_has_not_run():
    w = build_world()
    cara = w.client_a
    start = _free_start(2)
    _book(cara, start)
    measure_response_record(client=cara, instrument="phq9", answers=[1] * 9)
    _setup(w)
    assert any(r.kind == "measures" for item in caseload_for(w.therapist).attention for r in item.reasons)
    with time_machine.travel(start + timedelta(minutes=5), tick=False):
        assert not any(r.kind == "measures" for item in caseload_for(w.therapist).attention for r in item.reasons)
        assert_caseload_is_fresh(w)


@pytest.mark.django_db
def test_an_unread_shared_entry_leaves_the_caseload_after_the_lookback():
    w = build_world()
    op_journal_shared(w, w.client_a)
    _setup(w)
    assert ClientFacts.objects.get(client=w.client_a).journal_unread == 1
    with time_machine.travel(timezone.now() + timedelta(days=91), tick=False):
        refresh_job()
        assert ClientFacts.objects.get(client=w.client_a).journal_unread == 0


@pytest.mark.django_db
def test_the_rebuild_command_recomputes_every_client():
    w = build_world()
    _setup(w)
    # Facts made wrong behind the app's back (as after loading a backup without signals).
    ClientFacts.objects.update(insights_waiting=7, deterioration=True)
    Insight.objects.bulk_create([Insight(client=w.client_a, kind=Insight.Kind.SYMPTOM_SHIFT, key="k")])
    out = []
    call_command("caseload_rebuild", stdout=type("Out", (), {"write": lambda self, s: out.append(s)})())
    assert f"Rebuilt the caseload facts of {Client.objects.count()} client(s)." in "".join(out)
    facts = {f.client_id: f for f in ClientFacts.objects.all()}
    assert facts[w.client_a.pk].insights_waiting == 1
    assert all(not f.deterioration for f in facts.values())
    assert_caseload_is_fresh(w)


@pytest.mark.django_db
def test_the_refresh_command_reports_what_it_did():
    w = build_world()
    out = []
    call_command("caseload_refresh", stdout=type("Out", (), {"write": lambda self, s: out.append(s)})())
    missing = Client.objects.exclude(care_status="ended").count()
    assert f"Refreshed the caseload facts of {missing} client(s)." in "".join(out)
    assert ClientFacts.objects.count() == missing
    assert_caseload_is_fresh(w)


@pytest.mark.django_db
def test_deleting_a_client_deletes_their_facts_and_marks_without_a_dangling_mark():
    w = build_world()
    op_session_booked(w, w.client_a)
    _setup(w)
    op_journal_shared(w, w.client_a)
    w.client_a.delete()
    assert not ClientFacts.objects.filter(client_id=w.client_a.pk).exists()
    assert not ClientChange.objects.filter(client_id=w.client_a.pk).exists()
