"""The alerts' lines, written in Python since the twenty-fifth pass of issue 22, against the template they replaced."""

import datetime as dt
from zoneinfo import ZoneInfo

import time_machine
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from risk.models import RiskAlert
from risk.services import risk_alert_raise
from tending.testing.personas import TendingTestCase

LONDON = ZoneInfo("Europe/London")
# A summer evening (British Summer Time), so that a time written in UTC would show.
EVENING = dt.datetime(2026, 7, 14, 21, 5, tzinfo=LONDON)

# risk/templates/risk/_alert_line.html as it was, with the list's "recently acknowledged" ending.
_TEMPLATE_LINE = (
    "<li><a href=\"{% url 'risk:alert' alert_uuid=alert.uuid %}\">{{ alert.client.display_name }}</a>:\n"
    '{{ alert.get_source_display }}, {{ alert.raised_at|date:"j M Y, H:i" }}{% if alert.escalated_at %} '
    '<span class="badge">{% if alert.therapist_id == request.staff.pk and request.staff.is_owner %}Second reminder'
    "{% else %}Sent to the practice owner{% endif %}</span>{% endif %}\n"
    '{% if acknowledged %}<br><span class="small">Acknowledged {{ alert.acknowledged_at|date:"j M Y, H:i" }}: '
    "{{ alert.get_action_taken_display }}</span>{% endif %}</li>"
)


class AlertLineTests(TendingTestCase):
    def template_line(self, alert, staff, *, acknowledged=False) -> str:
        alert = RiskAlert.objects.select_related("client__user").get(pk=alert.pk)
        request = type("Request", (), {"staff": staff})
        with timezone.override(LONDON):
            return Template(_TEMPLATE_LINE).render(
                Context({"alert": alert, "request": request, "acknowledged": acknowledged})
            )

    @time_machine.travel(EVENING + dt.timedelta(days=2), tick=False)
    def test_each_line_is_what_the_template_wrote_open_escalated_and_acknowledged(self):
        # Every step at a fixed time, two days after the alerts (nothing here reads the real clock).
        ana = self.w.therapist
        with time_machine.travel(EVENING, tick=False):
            cara_open = risk_alert_raise(client=self.w.client_a, source="journal_words")
            dev_escalated = risk_alert_raise(client=self.w.client_b, source="phq9_item9", source_id="p1")
            cara_done = risk_alert_raise(client=self.w.client_a, source="checkin_note", source_id="c1")
        RiskAlert.objects.filter(pk=dev_escalated.pk).update(escalated_at=EVENING + dt.timedelta(days=1))
        RiskAlert.objects.filter(pk=cara_done.pk).update(
            acknowledged_at=EVENING + dt.timedelta(hours=3), action_taken=RiskAlert.Action.CONTACTED
        )
        page = self.as_("therapist").get(reverse("risk:list")).content.decode()
        self.assertIn(self.template_line(cara_open, ana), page)
        self.assertIn(self.template_line(dev_escalated, ana), page)
        self.assertIn("Sent to the practice owner", page)
        self.assertIn(self.template_line(cara_done, ana, acknowledged=True), page)
        self.assertIn("15 Jul 2026, 00:05", page)  # acknowledged after midnight in London
        # On the home's panel, the open ones; a therapist who also owns the practice reads their own escalated alert
        # as a second reminder.
        ana.is_owner = True
        ana.save(update_fields=["is_owner"])
        home = self.as_("therapist").get(reverse("caseload:home")).content.decode()
        self.assertIn(self.template_line(dev_escalated, ana), home)
        self.assertIn(self.template_line(cara_open, ana), home)
        self.assertIn("Second reminder", home)
        self.assertIn("2 clients may need a risk conversation", home)
