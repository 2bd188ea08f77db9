"""Emails about messages: never the words, at most one an hour per conversation and side, the therapist's held
for their working hours and sent once at the start of them by the ``messaging_emails`` job.

The clock is moved to fixed moments (time_machine), so what is tested does not depend on the day it runs.
Monday 2 March 2026 is an ordinary working Monday in England (no public holiday that week)."""

import datetime
import uuid
import zoneinfo
from unittest import mock

import pytest
import time_machine

from bookings.models import DayOff, WorkingHours
from messaging import jobs
from messaging.models import Conversation, MessagingSettings
from messaging.notifications import message_sent
from messaging.services import conversation_for, message_send, read_by_staff
from outbox.models import Email
from practice.models import AwayPeriod
from tending.testing.factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db

LONDON = zoneinfo.ZoneInfo("Europe/London")
WORDS = "I keep thinking about what my sister said"


def at(day, hour, minute=0):
    """A moment in March 2026, London time (2 = Monday)."""
    return datetime.datetime(2026, 3, day, hour, minute, tzinfo=LONDON)


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    def send(conversation, when, staff=None, body=WORDS):
        with time_machine.travel(when, tick=False), django_capture_on_commit_callbacks(execute=True):
            message, _, _ = message_send(
                conversation=conversation, body=body, idempotency_key=uuid.uuid4(), staff=staff
            )
        return message

    return send


def run_job(when):
    with time_machine.travel(when, tick=False):
        return jobs.emails()


def emails_to(person):
    return [email for email in Email.objects.order_by("id") if email.to == person.user.email]


def assert_no_words(email):
    for text in (email.subject, email.body):
        assert "sister" not in text and WORDS not in text


def test_a_client_writing_in_working_hours_emails_the_therapist_once_without_the_words(send):
    client = ClientFactory()
    conversation = conversation_for(client=client)
    send(conversation, at(2, 10))
    (email,) = emails_to(client.therapist)
    assert_no_words(email)
    assert client.display_name not in email.subject + email.body  # no names in an email to the practice
    assert "sign in" in email.body and "new message" in email.subject
    assert (email.kind, email.about_type, email.about_id) == (
        "New message",
        "messaging.conversation",
        str(conversation.uuid),
    )
    # Ten minutes later: still one email this hour.
    send(conversation, at(2, 10, 10))
    assert len(emails_to(client.therapist)) == 1
    # The second message is still unread an hour after the first email: told once more, then not again.
    assert run_job(at(2, 10, 55)) == 0
    assert run_job(at(2, 11, 5)) == 1
    assert run_job(at(2, 12, 30)) == 0
    assert len(emails_to(client.therapist)) == 2


def test_a_message_on_friday_evening_is_emailed_at_the_start_of_monday_once(send):
    client = ClientFactory()
    conversation = conversation_for(client=client)
    send(conversation, at(6, 20))  # Friday 6 March, 20:00
    assert emails_to(client.therapist) == []
    for moment in (at(6, 23), at(7, 10), at(8, 15), at(9, 8, 55)):
        assert run_job(moment) == 0
    assert run_job(at(9, 9, 0)) == 1
    assert run_job(at(9, 9, 5)) == 0
    assert run_job(at(9, 11)) == 0
    (email,) = emails_to(client.therapist)
    assert_no_words(email)


def test_the_therapists_own_hours_days_off_and_time_away_hold_the_email(send):
    client = ClientFactory()
    therapist = client.therapist
    # Works Tuesdays and Wednesdays, 13:00 to 18:00; Tuesday 3 March is a day off; away all of Wednesday 4.
    for weekday in (1, 2):
        WorkingHours.objects.create(
            therapist=therapist, weekday=weekday, start_time=datetime.time(13), end_time=datetime.time(18)
        )
    DayOff.objects.create(therapist=therapist, date=datetime.date(2026, 3, 3))
    AwayPeriod.objects.create(
        staff=therapist, starts_on=datetime.date(2026, 3, 4), ends_on=datetime.date(2026, 3, 4), created_by=therapist
    )
    send(conversation_for(client=client), at(2, 10))  # Monday: not a working day of theirs
    for moment in (at(2, 14), at(3, 14), at(4, 14), at(9, 14), at(10, 12, 55)):
        assert run_job(moment) == 0
    assert run_job(at(10, 13, 0)) == 1  # Tuesday 10 March, 13:00
    assert len(emails_to(therapist)) == 1


def test_a_public_holiday_holds_the_email():
    client = ClientFactory(therapist__practice__holiday_region="ENG")
    conversation = conversation_for(client=client)
    # Friday 3 April 2026 is Good Friday, and Monday 6 April Easter Monday, in England.
    with time_machine.travel(datetime.datetime(2026, 4, 3, 10, tzinfo=LONDON), tick=False):
        message_send(conversation=conversation, body=WORDS, idempotency_key=uuid.uuid4())
        message_sent(message_id=conversation.messages.get().pk)
    assert emails_to(client.therapist) == []
    assert run_job(datetime.datetime(2026, 4, 6, 10, tzinfo=LONDON)) == 0  # Easter Monday
    assert run_job(datetime.datetime(2026, 4, 7, 9, tzinfo=LONDON)) == 1


def test_a_message_read_before_the_working_day_starts_is_not_emailed(send, rf):
    client = ClientFactory()
    conversation = conversation_for(client=client)
    message = send(conversation, at(6, 20))
    conversation.refresh_from_db()
    request = rf.get("/")
    request.user = client.therapist.user
    with time_machine.travel(at(7, 10), tick=False):
        read_by_staff(conversation=conversation, messages=[message], request=request)
    assert run_job(at(9, 9)) == 0
    assert emails_to(client.therapist) == []


def test_a_therapist_who_turned_emails_off_is_never_emailed(send):
    client = ClientFactory()
    MessagingSettings.objects.create(staff=client.therapist, emails=False)
    send(conversation_for(client=client), at(2, 10))
    assert run_job(at(2, 12)) == 0
    assert emails_to(client.therapist) == []


def test_the_therapist_writing_emails_the_client_with_their_name_and_never_the_words(send):
    client = ClientFactory()
    conversation = conversation_for(client=client)
    send(conversation, at(7, 22), staff=client.therapist)  # clients are told at any hour
    (email,) = emails_to(client)
    assert_no_words(email)
    assert email.subject == f"You have a new message from {client.therapist.display_name} in Tending"
    assert "sign in" in email.body
    send(conversation, at(7, 22, 30), staff=client.therapist)
    assert len(emails_to(client)) == 1
    assert run_job(at(7, 23, 31)) == 1  # the second is still unread an hour later
    assert len(emails_to(client)) == 2


def test_a_client_who_turned_emails_off_is_not_emailed(send):
    client = ClientFactory()
    conversation = conversation_for(client=client)
    Conversation.objects.filter(pk=conversation.pk).update(client_emails=False)
    send(conversation, at(2, 10), staff=client.therapist)
    assert run_job(at(2, 12)) == 0
    assert emails_to(client) == []


def test_the_practice_conversation_emails_the_administrators_and_the_client_hears_from_the_practice(send):
    client = ClientFactory()
    practice = client.practice
    admin = StaffFactory(practice=practice, is_therapist=False, is_administrator=True)
    owner = StaffFactory(practice=practice, is_therapist=False, is_owner=True)
    office = conversation_for(client=client, kind=Conversation.Kind.OFFICE)
    send(office, at(2, 10), body="Can I move my invoice date?")
    (email,) = emails_to(admin)
    assert practice.name in email.body and "sign in" in email.body
    assert emails_to(client.therapist) == [] and emails_to(owner) == []
    send(office, at(2, 11), staff=admin, body="Yes of course")
    (to_client,) = emails_to(client)
    assert to_client.subject == f"You have a new message from {practice.name} in Tending"
    assert "invoice" not in to_client.body


def test_a_failure_writing_the_email_never_fails_the_send_and_the_job_sends_it_later(send, caplog):
    client = ClientFactory()
    conversation = conversation_for(client=client)
    with mock.patch("messaging.notifications.render_to_string", side_effect=RuntimeError("template gone")):
        message = send(conversation, at(2, 10))
    assert message.pk and emails_to(client.therapist) == []
    assert WORDS not in caplog.text
    assert run_job(at(2, 10, 5)) == 1
