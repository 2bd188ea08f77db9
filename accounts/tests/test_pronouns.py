"""People are referred to by name, or by the pronouns they chose: never a guessed "they"."""

from django.template import Context, Template
from django.urls import reverse

from accounts.models import Pronouns
from accounts.people import name_of, possessive, refer, subject, verb
from audit.models import AuditEvent
from journal.models import Entry
from risk.services import risk_alert_raise
from tending.testing.personas import TendingTestCase


def choose(person, pronouns):
    person.user.pronouns = pronouns
    person.user.save(update_fields=["pronouns"])


class HelperTests(TendingTestCase):
    def test_each_choice_gives_its_own_forms(self):
        cara = self.w.client_a
        for pronouns, forms in (
            (Pronouns.SHE, ("she", "her", "her", "hers", "herself")),
            (Pronouns.HE, ("he", "him", "his", "his", "himself")),
            (Pronouns.THEY, ("they", "them", "their", "theirs", "themselves")),
        ):
            with self.subTest(pronouns=pronouns):
                choose(cara, pronouns)
                written = tuple(refer(cara, form) for form in ("they", "them", "their", "theirs", "themselves"))
                self.assertEqual(written, forms)

    def test_just_my_name_uses_the_name_everywhere(self):
        cara = self.w.client_a
        choose(cara, Pronouns.NAME)
        self.assertEqual(subject(cara), "Cara Client")
        self.assertEqual(refer(cara, "them"), "Cara Client")
        self.assertEqual(possessive(cara), "Cara Client's")
        self.assertEqual(refer(cara, "Their"), "Cara Client's")

    def test_a_capital_is_kept_and_verbs_agree(self):
        ana = self.w.therapist
        choose(ana, Pronouns.SHE)
        self.assertEqual(refer(ana, "They"), "She")
        self.assertEqual(verb(ana, "are", "is"), "is")
        choose(ana, Pronouns.THEY)
        self.assertEqual(verb(ana, "are", "is"), "are")
        choose(ana, Pronouns.NAME)
        self.assertEqual(verb(ana, "are", "is"), "is")

    def test_a_user_a_client_and_a_staff_member_all_work(self):
        cara = self.w.client_a
        cara.preferred_name = "Cara"
        choose(cara, Pronouns.NAME)
        self.assertEqual(name_of(cara), "Cara")  # a client's preferred name first
        self.assertEqual(name_of(cara.user), "Cara Client")
        choose(self.w.therapist, Pronouns.HE)
        self.assertEqual(subject(self.w.therapist.user), "he")
        self.assertEqual(subject(self.w.therapist), "he")

    def test_the_template_tag_and_filters(self):
        cara = self.w.client_a
        choose(cara, Pronouns.SHE)
        template = Template(
            '{% load people %}{% pronoun c "They" %} said {{ c|subject }} {{ c|verb:"are,is" }} ready; '
            "{{ c|possessive }} plan, with {{ c|object }}."
        )
        self.assertEqual(template.render(Context({"c": cara})), "She said she is ready; her plan, with her.")


class ChoosingTests(TendingTestCase):
    def test_a_client_chooses_her_pronouns_on_her_account_page(self):
        http = self.as_("client_a")
        page = http.get(reverse("accounts:settings"))
        self.assertContains(page, "How we refer to you")
        self.assertContains(page, "Just use my name")
        self.assertContains(page, "she/her")
        response = http.post(reverse("accounts:settings"), {"pronouns": "she"})
        self.assertRedirects(response, reverse("accounts:settings"))
        self.w.client_a.user.refresh_from_db()
        self.assertEqual(self.w.client_a.user.pronouns, "she")
        event = AuditEvent.objects.get(object_type="accounts.user", action="update")
        self.assertEqual(event.detail, {"fields": ["pronouns"]})
        self.assertContains(http.get(reverse("accounts:settings")), 'value="she" id="id_pronouns_1" checked')

    def test_staff_choose_theirs_too_and_just_my_name_is_a_choice(self):
        http = self.as_("therapist")
        choose(self.w.therapist, Pronouns.HE)
        http.post(reverse("accounts:settings"), {"pronouns": ""})
        self.w.therapist.user.refresh_from_db()
        self.assertEqual(self.w.therapist.user.pronouns, "")

    def test_a_made_up_value_is_refused_kindly_and_nothing_changes(self):
        response = self.as_("client_a").post(reverse("accounts:settings"), {"pronouns": "xe"})
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Select a valid choice")
        self.w.client_a.user.refresh_from_db()
        self.assertEqual(self.w.client_a.user.pronouns, "")


class RealPagesTests(TendingTestCase):
    def journal_alert_page(self):
        entry = Entry.objects.create(client=self.w.client_a, body="Hard words", is_draft=False)
        alert = risk_alert_raise(client=self.w.client_a, source="journal_words", source_id=str(entry.uuid))
        return self.as_("therapist").get(reverse("risk:alert", kwargs={"alert_uuid": alert.uuid}))

    def record(self):
        return self.as_("therapist").get(
            reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid})
        )

    def test_a_she_her_client_is_she_never_they(self):
        choose(self.w.client_a, Pronouns.SHE)
        page = self.journal_alert_page()
        self.assertContains(page, "Words in a journal entry Cara Client wrote suggested she may be at risk.")
        self.assertContains(page, "you see that an alert was raised, not what she wrote.")
        self.assertNotContains(page, "suggested they")
        self.assertContains(self.record(), "Cara Client has not shared any journal entries. Her journal is private.")

    def test_a_client_who_chose_her_name_is_named(self):
        choose(self.w.client_a, Pronouns.NAME)
        page = self.journal_alert_page()
        self.assertContains(page, "Words in a journal entry Cara Client wrote suggested Cara Client may be at risk.")
        self.assertContains(self.record(), "Cara Client&#x27;s journal is private.")

    def test_a_therapist_who_is_he_him_is_named_so_on_the_owners_pages(self):
        choose(self.w.therapist, Pronouns.HE)
        page = self.as_("owner").get(reverse("care:staff", kwargs={"staff_uuid": self.w.therapist.uuid}))
        self.assertContains(page, "Clients in his care")
        self.assertNotContains(page, "their care")
