"""Practice notices: published by the owner or the administrator, shown on clients' homes until read,
never to another practice's clients, withdrawn with an audit row."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client as Browser
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from messaging.models import Notice, NoticeRead
from messaging.notices import OBJECT_TYPE, notice_publish, unread_for_client
from messaging.panels_notices import client_home
from tending.testing.personas import add_administrator_persona, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    return add_administrator_persona(build_world())


def browser(person) -> Browser:
    found = Browser()
    found.force_login(person.user)
    return found


def home(client) -> str:
    return browser(client).get(reverse("practice:client_home")).content.decode()


def test_the_owner_publishes_a_notice_every_client_sees_until_they_have_read_it(w):
    owner = browser(w.owner)
    response = owner.post(
        reverse("messaging:notices"), {"title": "Closed over Christmas", "body": "We are closed from 24 December."}
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.published_by == w.owner and notice.practice == w.practice
    event = AuditEvent.objects.get(object_type=OBJECT_TYPE, action=AuditEvent.Action.CREATE)
    assert event.detail == {}  # the words stay in the notice, never the log
    assert "Closed over Christmas" in home(w.client_a)
    assert "Closed over Christmas" in home(w.client_b)
    assert "Closed over Christmas" not in home(w.stranger)  # another practice's client

    response = browser(w.client_a).post(reverse("messaging:notice_read", kwargs={"notice_uuid": notice.uuid}))
    assert response.status_code == 302
    assert "Closed over Christmas" not in home(w.client_a)
    assert "Closed over Christmas" in home(w.client_b)
    assert NoticeRead.objects.filter(notice=notice).count() == 1


def test_another_practices_client_cannot_mark_a_notice_read(w):
    notice = notice_publish(staff=w.owner, title="News", body="Something practical.")
    response = browser(w.stranger).post(reverse("messaging:notice_read", kwargs={"notice_uuid": notice.uuid}))
    assert response.status_code == 404
    assert not NoticeRead.objects.exists()


def test_a_withdrawn_or_past_notice_leaves_clients_homes(w):
    today = timezone.localdate(timezone=w.practice.zone)
    withdrawn = notice_publish(staff=w.owner, title="Withdrawn news", body="Soon gone.")
    notice_publish(staff=w.owner, title="Old news", body="Long ago.", shown_until=today - timedelta(days=1))
    notice_publish(staff=w.owner, title="Still today", body="Until tonight.", shown_until=today)
    response = browser(w.owner).post(reverse("messaging:notice_withdraw", kwargs={"notice_uuid": withdrawn.uuid}))
    assert response.status_code == 302
    withdrawn.refresh_from_db()
    assert withdrawn.withdrawn_at is not None
    assert AuditEvent.objects.filter(object_type=OBJECT_TYPE, action=AuditEvent.Action.UPDATE).count() == 1
    shown = [n.title for n in unread_for_client(w.client_a, today=today)]
    assert shown == ["Still today"]


def test_the_administrator_may_publish_and_a_therapist_may_not(w):
    response = browser(w.administrator).post(
        reverse("messaging:notices"), {"title": "New address", "body": "We moved."}
    )
    assert response.status_code == 302
    assert browser(w.therapist).get(reverse("messaging:notices")).status_code == 404
    assert browser(w.client_a).get(reverse("messaging:notices")).status_code == 404


def test_a_too_long_notice_keeps_what_was_typed(w):
    body = "x" * 2001
    response = browser(w.owner).post(reverse("messaging:notices"), {"title": "A title", "body": body})
    assert response.status_code == 400
    assert body in response.content.decode()
    assert "nothing clinical" in response.content.decode()
    assert not Notice.objects.exists()


def test_another_practice_cannot_withdraw_a_notice(w):
    notice = notice_publish(staff=w.owner, title="Ours", body="Ours.")
    assert (
        browser(w.outsider).post(reverse("messaging:notice_withdraw", kwargs={"notice_uuid": notice.uuid})).status_code
        == 404
    )
    notice.refresh_from_db()
    assert notice.withdrawn_at is None


def test_the_client_home_panel_costs_one_query_however_many_notices(w, rf):
    request = rf.get("/")
    request.user = w.client_a.user
    notice_publish(staff=w.owner, title="One", body="One.")
    client_home(request, w.client_a)  # warm: the practice's row, read once per request anyway
    with CaptureQueriesContext(connection) as few:
        client_home(request, w.client_a)
    for n in range(4):
        notice_publish(staff=w.owner, title=f"More {n}", body="More.")
    with CaptureQueriesContext(connection) as many:
        html = client_home(request, w.client_a)
    assert len(many) == len(few) == 1
    assert "Thank you, I&#x27;ve read this" in html or "Thank you, I've read this" in html
