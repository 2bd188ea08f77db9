"""The questionnaires panel on a client's page: its send form, written out in the template."""

from django.test import RequestFactory
from django.urls import reverse

from measures.forms import SendForm
from measures.models import MeasureRequest
from measures.panels import record_panel
from tending.testing.personas import TendingTestCase


class MeasuresRecordPanelTests(TendingTestCase):
    def render(self):
        request = RequestFactory().get("/")
        request.staff = self.w.therapist
        request.user = request.staff.user
        return record_panel(request, self.w.client_a)

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
