"""The risk alerts on a client's page: each line written in Python says what the template's filters said."""

from datetime import timedelta

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from risk.models import RiskAlert
from risk.panels import client_alerts_panel
from tending.testing.personas import TendingTestCase


class ClientAlertsPanelTests(TendingTestCase):
    def render(self):
        return client_alerts_panel(self.staff_request(), self.w.client_a)

    def alert(self, *, days_ago: int, **fields) -> RiskAlert:
        raised = timezone.now() - timedelta(days=days_ago, hours=3)
        return RiskAlert.objects.create(
            client=self.w.client_a,
            therapist=self.w.therapist,
            raised_at=raised,
            escalate_after=raised + timedelta(days=1),
            **fields,
        )

    def day(self, moment) -> str:
        return date_filter(timezone.localtime(moment), "j M Y")

    def test_no_alert_shows_nothing(self):
        self.assertEqual(self.render(), "")

    def test_an_open_and_an_acknowledged_alert(self):
        waiting = self.alert(days_ago=1, source=RiskAlert.Source.JOURNAL_WORDS)
        seen = self.alert(
            days_ago=9,
            source=RiskAlert.Source.PHQ9_ITEM9,
            acknowledged_at=timezone.now() - timedelta(days=8),
            action_taken=RiskAlert.Action.CONTACTED,
        )
        html = self.render()
        link = reverse("risk:alert", kwargs={"alert_uuid": waiting.uuid})
        self.assertInHTML(
            f'<li><a href="{link}">{waiting.get_source_display()}</a>, {self.day(waiting.raised_at)}:'
            " <strong>waiting for acknowledgement</strong></li>",
            html,
        )
        link = reverse("risk:alert", kwargs={"alert_uuid": seen.uuid})
        self.assertInHTML(
            f'<li><a href="{link}">{seen.get_source_display()}</a>, {self.day(seen.raised_at)}:'
            f" acknowledged {self.day(seen.acknowledged_at)} (I contacted the client)</li>",
            html,
        )
        # Newest first, and the words are escaped as the template escaped them.
        self.assertLess(html.index(str(waiting.uuid)), html.index(str(seen.uuid)))
        self.assertIn("“Not at all”", html)
