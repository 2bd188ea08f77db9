"""Messages after our work together has ended (issue 21). The care conversation is for reading: its page
says plainly that nobody at the practice will read a message there now, with the crisis contacts and the
safety plan, and a send is refused with nothing stored. The practice's conversation stays open for practical
matters (an invoice, coming back) and says it goes to the office, not a therapist; risk words there show
the crisis contacts with the plain words, and alert nobody."""

import uuid

import pytest
from django.urls import reverse

from messaging.models import Message
from onboarding.services import consent_record
from practice.care_status import care_status_change
from risk.checks import risk_checks_run
from risk.models import RiskAlert, RiskCheck
from tending.testing.factories import ClientFactory, StaffFactory

pytestmark = pytest.mark.django_db

CARE_PAGE = reverse("messaging:mine")
CARE_SEND = reverse("messaging:send", kwargs={"kind": "care"})
OFFICE_PAGE = reverse("messaging:mine_kind", kwargs={"kind": "office"})
OFFICE_SEND = reverse("messaging:send", kwargs={"kind": "office"})
RISKY = "Some days I want to end it all"


@pytest.fixture
def fern():
    therapist = StaffFactory(user__name="Ana Therapist")
    StaffFactory(practice=therapist.practice, is_administrator=True, is_therapist=False)
    client = ClientFactory(therapist=therapist)
    consent_record(client=client, kind="message_risk_alerts", granted=True)
    care_status_change(client=client, status=client.CareStatus.ENDED, since=therapist.today(), staff=therapist)
    return client


@pytest.fixture
def http(client, fern):
    client.force_login(fern.user)
    return client


def test_the_care_conversation_says_nobody_at_the_practice_will_read_a_message_here(http):
    html = http.get(CARE_PAGE).content.decode()
    assert "nobody at the practice will read a message here now" in html
    assert reverse("safetyplan:mine") in html and "tel:116123" in html
    assert 'id="message-body"' not in html


def test_a_message_posted_to_the_care_conversation_is_refused_and_nothing_is_stored(
    http, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(CARE_SEND, {"body": RISKY, "key": str(uuid.uuid4())})
    assert response.status_code == 403
    html = response.content.decode()
    assert "this message was not sent: nobody at the practice would read it here" in html
    assert RISKY in html and reverse("journal:new") in html  # the words are shown back: nothing is lost
    assert "tel:116123" in html
    assert not Message.objects.exists()
    assert not RiskCheck.objects.exists() and not RiskAlert.objects.exists()


def test_the_office_conversation_stays_open_for_practical_matters_and_says_where_messages_go(http):
    html = http.get(OFFICE_PAGE).content.decode()
    assert 'id="message-body"' in html
    assert "go to the practice office, which looks after appointments and money, not to a therapist" in html
    assert "not for how you are feeling" in html
    response = http.post(OFFICE_SEND, {"body": "Could I pay the last invoice by card?", "key": str(uuid.uuid4())})
    assert response.status_code == 302
    assert Message.objects.get().conversation.kind == "office"


def test_risk_words_in_an_office_message_after_the_ending_show_the_contacts_and_alert_nobody(
    http, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = http.post(OFFICE_SEND, {"body": RISKY, "key": str(uuid.uuid4())}, follow=True)
    html = response.content.decode()
    assert "tel:116123" in html and reverse("safetyplan:mine") in html
    assert "our work together has ended, so no therapist will see it" in html
    risk_checks_run()
    assert not RiskCheck.objects.exists()
    assert not RiskAlert.objects.exists()


def test_a_paused_client_writes_to_their_therapist_as_before_and_is_heard(client, django_capture_on_commit_callbacks):
    therapist = StaffFactory()
    cara = ClientFactory(therapist=therapist)
    consent_record(client=cara, kind="message_risk_alerts", granted=True)
    care_status_change(client=cara, status=cara.CareStatus.PAUSED, since=therapist.today(), staff=therapist)
    client.force_login(cara.user)
    assert "nobody at the practice" not in client.get(CARE_PAGE).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CARE_SEND, {"body": RISKY, "key": str(uuid.uuid4())})
    assert Message.objects.get().conversation.kind == "care"
    assert RiskAlert.objects.get().source == "message_words"


def test_the_home_panel_no_longer_invites_the_client_to_write_to_their_former_therapist(http):
    html = http.get(reverse("practice:client_home")).content.decode()
    assert "nobody at the practice will read a new message there" in html
    assert "You can write to" not in html
