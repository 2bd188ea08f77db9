"""The conversation's fresh forms, written once per process, are the forms' own HTML (messaging/forms_staff.py)."""

import re
import uuid
from types import SimpleNamespace

from django.test import SimpleTestCase
from django.utils.html import conditional_escape

from messaging.forms_staff import (
    ShareForm,
    StaffMessageForm,
    WhoStartsForm,
    fresh_message_form,
    fresh_share_form,
    fresh_who_starts_form,
)
from messaging.models import Conversation

KEY = re.compile(r'(name="idempotency_key" value=")[0-9a-f-]{36}"')


def html(field) -> str:
    return KEY.sub(r'\1-"', conditional_escape(field))


def idea(text: str):
    return SimpleNamespace(uuid=uuid.uuid4(), text=text)


class FreshFormsTests(SimpleTestCase):
    def assert_same_fields(self, fresh: dict, form) -> None:
        self.assertLessEqual(set(fresh), set(form.fields))
        for name, shown in fresh.items():
            with self.subTest(field=name):
                self.assertEqual(html(shown), html(form[name]))
                self.assertEqual(shown.id_for_label, form[name].id_for_label)
                self.assertEqual(shown.label, form[name].label)

    def test_the_message_box_is_the_forms_own(self):
        self.assert_same_fields(fresh_message_form(), StaffMessageForm())

    def test_what_to_send_is_the_forms_own_with_any_ideas_of_the_client(self):
        for activities in (
            [],
            [idea("A walk by the river")],
            [idea('Tea & toast, "slowly" <no rush>'), idea("Ring Sam"), idea("Café’s window seat")],
        ):
            with self.subTest(ideas=len(activities)):
                fresh = fresh_share_form(activities)
                self.assert_same_fields(fresh, ShareForm(activities=activities))
                for activity in activities:
                    self.assertIn(f'value="selfcare:{activity.uuid}"', fresh["item"].html)
                self.assertNotIn("<no rush>", fresh["item"].html)  # a client's words are escaped

    def test_who_may_start_is_the_forms_own_for_either_choice(self):
        for choice in Conversation.WhoStarts.values:
            with self.subTest(choice=choice):
                fresh = fresh_who_starts_form(choice)
                self.assert_same_fields(fresh, WhoStartsForm(initial={"who_starts": choice}))
                self.assertRegex(fresh["who_starts"].html, rf'value="{choice}" required id="id_who_starts_\d" checked>')

    def test_each_view_draws_a_new_key(self):
        first, second = fresh_message_form(), fresh_message_form()
        self.assertNotEqual(first["idempotency_key"].html, second["idempotency_key"].html)
        self.assertNotEqual(fresh_share_form([])["idempotency_key"].html, first["idempotency_key"].html)
