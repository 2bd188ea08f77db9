"""Risk words in a client's message: the crisis contacts for them at once (what ``message_send`` returns), the
message at the top of the therapist's list, and an alert only with the client's ``message_risk_alerts``
consent. The practice's messages are never checked; detection failing never fails a send."""

import datetime
import uuid
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from messaging.models import Conversation, Message
from messaging.risk_words import message_alert_details, message_words
from messaging.services import conversation_for, message_send
from onboarding.consents import has_consent
from onboarding.services import WORDING, consent_record
from risk.checks import risk_checks_run
from risk.models import RiskAlert, RiskCheck
from tending.testing.factories import ClientFactory

pytestmark = pytest.mark.django_db

RISKY = "I want to end it all"


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    # The check runs on the worker once the message is committed (the immediate backend in tests).
    def send(conversation, body, staff=None):
        with django_capture_on_commit_callbacks(execute=True):
            return message_send(conversation=conversation, body=body, idempotency_key=uuid.uuid4(), staff=staff)

    return send


def test_risk_words_with_consent_raise_one_alert_about_the_message(send):
    client = ClientFactory()
    consent_record(client=client, kind="message_risk_alerts", granted=True)
    conversation = conversation_for(client=client)
    message, _, findings = send(conversation, RISKY)
    assert findings.risk and message.risk_found
    alert = RiskAlert.objects.get()
    assert (alert.source, alert.source_id, alert.client) == ("message_words", str(message.uuid), client)
    conversation.refresh_from_db()
    assert conversation.risk_waiting


def test_without_consent_no_alert_but_the_message_still_goes_to_the_top_of_the_list(send):
    client = ClientFactory()
    conversation = conversation_for(client=client)
    message, _, findings = send(conversation, RISKY)
    assert findings.risk
    assert not RiskAlert.objects.exists()
    assert RiskCheck.objects.get().done_at is not None  # checked, and nothing raised
    conversation.refresh_from_db()
    assert conversation.risk_waiting and message.risk_found
    # Consent given later does not reach back to an old message: only new ones alert.
    consent_record(client=client, kind="message_risk_alerts", granted=True)
    send(conversation, "Ordinary words about my week")
    assert not RiskAlert.objects.exists()


def test_the_therapists_answer_clears_the_flag(send):
    client = ClientFactory()
    conversation = conversation_for(client=client)
    send(conversation, RISKY)
    send(conversation, "I'm here. Can we speak today?", staff=client.therapist)
    conversation.refresh_from_db()
    assert not conversation.risk_waiting


def test_the_practices_messages_are_never_checked(send):
    client = ClientFactory()
    consent_record(client=client, kind="message_risk_alerts", granted=True)
    message, _, findings = send(conversation_for(client=client), RISKY, staff=client.therapist)
    assert not findings.risk and not message.risk_found
    assert not RiskCheck.objects.exists() and not RiskAlert.objects.exists()
    assert message_words(str(message.uuid)) is None


def test_if_detection_fails_the_message_is_sent_and_the_words_are_checked_again_later(send, caplog):
    client = ClientFactory()
    consent_record(client=client, kind="message_risk_alerts", granted=True)
    conversation = conversation_for(client=client)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        with mock.patch("risk.detection.detect", side_effect=RuntimeError("broken list")):
            message, created, findings = send(conversation, RISKY)
        assert created and findings.failed  # the page shows the crisis contacts when detection failed
        assert Message.objects.get().body == RISKY
        assert not RiskAlert.objects.exists()
        assert RISKY not in caplog.text
        check = RiskCheck.objects.get()
        assert (check.done_at, check.attempts) == (None, 1)
    with time_machine.travel(start + datetime.timedelta(minutes=1), tick=False):
        risk_checks_run()
    alert = RiskAlert.objects.get()
    assert (alert.source, alert.source_id) == ("message_words", str(message.uuid))


def test_the_alert_page_names_the_message_and_never_quotes_it(send):
    client = ClientFactory()
    consent_record(client=client, kind="message_risk_alerts", granted=True)
    message, _, _ = send(conversation_for(client=client), RISKY)
    alert = RiskAlert.objects.get()
    for may_read in (True, False):
        details = message_alert_details(alert, may_read_record=may_read)
        shown = f"{details.heading} {details.message} {details.link_text} {details.link_url}"
        assert "message" in details.message and client.display_name in details.message
        assert RISKY not in shown and "end it all" not in shown
        assert bool(details.link_url) is False or may_read
    # Once the message is gone (erasure), the page says only that the source is not available.
    Message.objects.filter(pk=message.pk).delete()
    gone = message_alert_details(alert, may_read_record=True)
    assert not gone.link_url and "message" not in gone.heading.lower()


def test_the_practice_conversation_is_checked_too_and_never_linked_to_the_therapist(send):
    client = ClientFactory()
    consent_record(client=client, kind="message_risk_alerts", granted=True)
    office = conversation_for(client=client, kind=Conversation.Kind.OFFICE)
    message, _, _ = send(office, RISKY)
    alert = RiskAlert.objects.get()
    assert alert.source_id == str(message.uuid)
    assert message_alert_details(alert, may_read_record=True).link_url == ""


def test_the_client_chooses_message_alerts_on_their_choices_page(client):
    person = ClientFactory()
    client.force_login(person.user)
    page = client.get(reverse("onboarding:choices"))
    assert b'name="message_risk_alerts"' in page.content
    assert "not watched around the clock" in WORDING["message_risk_alerts"]
    client.post(reverse("onboarding:choices"), {"message_risk_alerts": "on", "gap_days": "28"})
    assert has_consent(person, "message_risk_alerts")
    client.post(reverse("onboarding:choices"), {"gap_days": "28"})
    assert not has_consent(person, "message_risk_alerts")
