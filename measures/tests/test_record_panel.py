"""The questionnaires panel on a client's page: its send form and its recent rows, written out in Python."""

from datetime import timedelta

from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone

from measures.forms import SendForm
from measures.models import MeasureRequest, MeasureResponse
from measures.panels import record_panel
from tending.testing.personas import TendingTestCase


class MeasuresRecordPanelTests(TendingTestCase):
    def render(self):
        return record_panel(self.staff_request(), self.w.client_a)

    def test_the_send_form_is_the_same_html_django_would_render(self):
        html = self.render()
        form = SendForm()
        for name in ("instrument", "rhythm"):
            self.assertInHTML(f'<div class="field">{form[name].as_field_group()}</div>', html)

    def test_the_written_out_form_posts_what_the_send_view_expects(self):
        html = self.render()
        self.assertIn('name="instrument"', html)
        self.assertIn('<option value="once" selected>Just this once</option>', html)
        response = self.as_("therapist").post(
            reverse("measures:send", kwargs={"client_uuid": self.w.client_a.uuid}),
            {"instrument": "who5", "rhythm": "once"},
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(MeasureRequest.objects.pending().filter(client=self.w.client_a, instrument="who5").exists())

    def test_it_is_three_queries(self):
        # active rhythms, waiting requests, recent responses
        with self.assertNumQueries(3):
            self.render()

    def test_the_recent_rows_say_what_the_template_filters_said(self):
        now = timezone.now()
        made = [
            ("phq9", 16.0, True, "16 <strong>(question 9)</strong>"),
            ("who5", 13.0, False, "52%"),
            ("scs_sf", 3.25, False, "3.25"),
            ("gad7", 7.0, False, "7"),
        ]
        for days, (instrument, total, flagged, _shown) in enumerate(made):
            response = MeasureResponse(
                client=self.w.client_a,
                instrument=instrument,
                instrument_version="test",
                answers={},
                completed_at=now - timedelta(days=days, hours=5),
                total=total,
                band="",
            )
            response.risk_flag = flagged
            response.save()
        html = self.render()
        for response, (_instrument, _total, _flagged, shown) in zip(
            MeasureResponse.objects.filter(client=self.w.client_a).order_by("-completed_at"), made, strict=True
        ):
            link = reverse("measures:response", kwargs={"response_uuid": response.uuid})
            day = date_filter(timezone.localtime(response.completed_at), "j M Y")
            row = f'<tr><td>{day}</td><td><a href="{link}">{response.definition.short_title}</a></td><td>{shown}</td></tr>'
            self.assertInHTML(row, html)
