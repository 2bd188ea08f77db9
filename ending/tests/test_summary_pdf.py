"""The summary as a PDF: only the parts the client chose, its text read back (pypdf), and audited."""

import io

from django.urls import reverse
from pypdf import PdfReader

from audit.models import AuditEvent
from ending.services import ending_start, letter_save, words_save
from ending.tests.test_summary_selectors import SHARED, UNSHARED, make_history
from practice.care_status import care_status_change
from tending.testing.personas import TendingTestCase

LETTER = "It has been a privilege to work with you."


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(data)).pages)


class SummaryPdfTests(TendingTestCase):
    def test_only_the_chosen_parts_are_in_the_pdf(self):
        make_history(self.w)
        ending = ending_start(client=self.w.client_a, staff=self.w.therapist)
        ending = letter_save(ending=ending, staff=self.w.therapist, letter=LETTER)
        words_save(
            ending=ending,
            words={"started_words": "Tired all the time.", "carry_words": "The breathing on the train."},
            choices={"show_scores": True, "show_what_helps": True, "show_selfcare": True, "show_letter": True},
        )
        care_status_change(
            client=self.w.client_a, status="ended", since=self.w.therapist.today(), staff=self.w.therapist
        )
        ending.refresh_from_db()

        response = self.as_("client_a").get(reverse("ending:summary_pdf"))
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertIn(
            f'filename="our-work-together-{ending.ended_on.isoformat()}.pdf"', response["Content-Disposition"]
        )
        text = pdf_text(response.content)
        for chosen in (
            "Our work together",
            "Where I was when I started",
            "Tired all the time.",
            "The breathing on the train.",
            "PHQ-9 (low mood): 17, moderately severe",
            "6, mild",
            "What helps me",
            "Soothing-rhythm breathing",
            "A walk by the river",
            LETTER,
        ):
            with self.subTest(chosen=chosen):
                self.assertIn(chosen, text)
        for left_out in (
            "The practices I returned to most",
            "What we worked on together",
            SHARED,
            UNSHARED,
            "Crosswords on the bus",
            "Where I am now",
        ):
            with self.subTest(left_out=left_out):
                self.assertNotIn(left_out, text)
        self.assertTrue(
            AuditEvent.objects.filter(
                action="export", object_type="ending.summary_pdf", object_id=str(ending.uuid)
            ).exists()
        )

    def test_the_shared_causes_and_no_others_when_chosen(self):
        make_history(self.w)
        ending = ending_start(client=self.w.client_a, staff=self.w.therapist)
        words_save(ending=ending, words={}, choices={"show_causes": True, "show_practices": True})
        text = pdf_text(self.as_("client_a").get(reverse("ending:summary_pdf")).content)
        self.assertIn(SHARED, text)
        self.assertNotIn(UNSHARED, text)
        self.assertIn("The practices I returned to most", text)
        self.assertNotIn("PHQ-9", text)
