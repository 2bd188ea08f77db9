import datetime

import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from selfcare.models import Activity, Reminder, Tick
from selfcare.services import activity_add, reminder_claim, reminders_due, tick_record
from selfcare.tasks import send_due_reminders, send_reminder
from tending.testing.personas import TendingTestCase


class PlanTests(TendingTestCase):
    def activity(self, client=None, text="A walk by the river"):
        return activity_add(client=client or self.w.client_a, area="body", text=text, rhythm="few_a_week")

    def test_the_client_writes_their_own_activities_across_mind_body_and_soul(self):
        http = self.as_("client_a")
        response = http.post(reverse("selfcare:plan"), {"text": "Call my sister", "area": "soul", "rhythm": "weekly"})
        self.assertRedirects(response, reverse("selfcare:plan"))
        page = http.get(reverse("selfcare:plan"))
        self.assertContains(page, "Call my sister")
        for area in ("Mind", "Body", "Soul"):
            self.assertContains(page, f">{area}</h2>")

    def test_an_empty_activity_gets_a_kind_message_and_keeps_the_choices(self):
        response = self.as_("client_a").post(
            reverse("selfcare:plan"), {"text": "   ", "area": "soul", "rhythm": "weekly"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Please write a few words")
        self.assertContains(response, 'value="weekly" selected')
        self.assertFalse(Activity.objects.exists())

    def test_a_tick_is_a_single_insert(self):
        activity = self.activity()
        with self.assertNumQueries(1):
            tick_record(activity=activity)

    def test_ticking_with_htmx_returns_just_that_activity(self):
        activity = self.activity()
        response = self.as_("client_a").post(
            reverse("selfcare:tick", kwargs={"activity_uuid": activity.uuid}), headers={"HX-Request": "true"}
        )
        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        self.assertIn(f'id="activity-{activity.uuid}"', html)
        self.assertIn("You made time for this today.", html)
        self.assertNotIn("<h1>", html)
        self.assertEqual(Tick.objects.filter(activity=activity).count(), 1)

    def test_ticking_works_without_javascript(self):
        activity = self.activity()
        response = self.as_("client_a").post(reverse("selfcare:tick", kwargs={"activity_uuid": activity.uuid}))
        self.assertRedirects(response, reverse("selfcare:plan"))
        self.assertEqual(activity.ticks.count(), 1)

    def test_a_mistaken_tick_can_be_taken_back(self):
        activity = self.activity()
        http = self.as_("client_a")
        http.post(reverse("selfcare:tick", kwargs={"activity_uuid": activity.uuid}))
        http.post(reverse("selfcare:untick", kwargs={"activity_uuid": activity.uuid}))
        self.assertEqual(activity.ticks.count(), 0)

    def test_the_plan_shows_no_percentages_or_counts_to_keep_up(self):
        activity = self.activity()
        for days in (1, 2, 3, 9):
            tick_record(activity=activity, done_at=activity.created_at - datetime.timedelta(days=days))
        page = self.as_("client_a").get(reverse("selfcare:plan")).content.decode()
        self.assertNotIn("%", page.split("<main")[1])
        for word in ("streak", "missed", "in a row", "overdue"):
            self.assertNotIn(word, page.lower())

    def test_a_client_cannot_tick_or_change_anothers_activity(self):
        activity = self.activity(client=self.w.client_b)
        http = self.as_("client_a")
        self.assertEqual(http.post(reverse("selfcare:tick", kwargs={"activity_uuid": activity.uuid})).status_code, 404)
        self.assertEqual(http.get(reverse("selfcare:edit", kwargs={"activity_uuid": activity.uuid})).status_code, 404)
        self.assertEqual(activity.ticks.count(), 0)

    def test_removing_an_activity_takes_it_out_of_the_plan(self):
        activity = self.activity()
        self.as_("client_a").post(reverse("selfcare:archive", kwargs={"activity_uuid": activity.uuid}))
        self.assertNotContains(self.as_("client_a").get(reverse("selfcare:plan")), "A walk by the river")

    def test_plan_queries_do_not_grow_with_activities_or_ticks(self):
        http = self.as_("client_a")
        self.activity()
        http.get(reverse("selfcare:plan"))
        with self.assertNumQueries(4):
            http.get(reverse("selfcare:plan"))
        for n in range(5):
            tick_record(activity=self.activity(text=f"Thing {n}"))
        with self.assertNumQueries(4):
            http.get(reverse("selfcare:plan"))


# Thursday 26 November 2026, noon in London: the client sets reminders up on this clock, and each test
# moves it on to the evening (or the weekend) it needs, so no step of a test runs on the real date.
@time_machine.travel(datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.UTC), tick=False)
class ReminderTests(TendingTestCase):
    def switch_on(self, persona="client_a", **extra):
        data = {"is_on": "on", "time_of_day": "18:00", "days": "every_day", "message": "Cara, you deserve a rest."}
        data.update(extra)
        return self.as_(persona).post(reverse("selfcare:reminders"), data)

    def test_reminders_are_off_until_the_client_turns_them_on(self):
        self.as_("client_a").get(reverse("selfcare:reminders"))
        self.assertFalse(Reminder.objects.get(client=self.w.client_a).is_on)
        with time_machine.travel(datetime.datetime(2026, 11, 26, 18, 5, tzinfo=datetime.UTC)):
            self.assertEqual(reminders_due(), [])

    def test_a_bad_time_gets_a_kind_message_and_keeps_the_words(self):
        response = self.switch_on(time_of_day="teatime")
        self.assertContains(response, "Please enter a time such as 18:30.")
        self.assertContains(response, "Cara, you deserve a rest.")

    def test_the_reminder_email_carries_the_clients_own_words_and_a_one_click_stop(self):
        self.switch_on()
        with time_machine.travel(datetime.datetime(2026, 11, 26, 18, 5, tzinfo=datetime.UTC)):
            with self.captureOnCommitCallbacks(execute=True):  # sent from the outbox once committed
                self.assertEqual(send_due_reminders.enqueue().return_value, 1)
            self.assertEqual(len(mail.outbox), 1)
            message = mail.outbox[0]
            self.assertIn("Cara, you deserve a rest.", message.body)
            self.assertEqual(message.to, ["cara@willow.test"])
            stop = Reminder.objects.get().stop_token
            self.assertIn(stop, message.extra_headers["List-Unsubscribe"])
            self.assertEqual(message.extra_headers["List-Unsubscribe-Post"], "List-Unsubscribe=One-Click")
            for clinical in ("therap", "journal", "Ana", "anxiety", "risk"):
                self.assertNotIn(clinical, message.body + message.subject)
            url = reverse("selfcare:reminder_stop", kwargs={"token": stop})
            self.assertIn(url, message.extra_headers["List-Unsubscribe"])
            response = self.client.get(url)
            self.assertContains(response, "Stop your self-care reminders?")
            self.assertTrue(Reminder.objects.get().is_on)
            response = self.client.post(url)
            self.assertContains(response, "Reminders stopped")
            self.assertFalse(Reminder.objects.get().is_on)

    def test_opening_the_stop_link_changes_nothing_until_the_button_is_pressed(self):
        # Mail scanners and link previews open links on their own: a GET must never stop anything.
        self.switch_on()
        url = reverse("selfcare:reminder_stop", kwargs={"token": Reminder.objects.get().stop_token})
        response = self.client.get(url)
        self.assertContains(response, '<button class="button" type="submit">Stop reminders</button>', html=True)
        self.assertContains(response, "csrfmiddlewaretoken")
        self.assertTrue(Reminder.objects.get().is_on)

    def test_the_confirm_button_is_csrf_checked_but_the_mail_apps_one_click_is_not(self):
        self.switch_on()
        http = self.client_class(enforce_csrf_checks=True)
        url = reverse("selfcare:reminder_stop", kwargs={"token": Reminder.objects.get().stop_token})
        self.assertEqual(http.post(url, {"anything": "else"}).status_code, 403)
        self.assertTrue(Reminder.objects.get().is_on)
        http.get(url)  # the confirm page sets the CSRF cookie; its form carries the token
        self.assertEqual(http.post(url, {"csrfmiddlewaretoken": http.cookies["csrftoken"].value}).status_code, 200)
        self.assertFalse(Reminder.objects.get().is_on)

    def test_one_click_unsubscribe_by_post_needs_no_sign_in_or_csrf(self):
        self.switch_on()
        http = self.client_class(enforce_csrf_checks=True)
        stop = Reminder.objects.get().stop_token
        response = http.post(
            reverse("selfcare:reminder_stop", kwargs={"token": stop}), {"List-Unsubscribe": "One-Click"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Reminder.objects.get().is_on)

    def test_an_unknown_stop_link_changes_nothing_and_says_so_kindly(self):
        self.switch_on()
        url = reverse("selfcare:reminder_stop", kwargs={"token": "not-a-real-token"})
        for response in (self.client.get(url), self.client.post(url, {"List-Unsubscribe": "One-Click"})):
            self.assertEqual(response.status_code, 404)
            self.assertContains(response, "This link no longer works", status_code=404)
        self.assertTrue(Reminder.objects.get().is_on)

    def test_each_day_gets_at_most_one_reminder_even_with_two_workers(self):
        self.switch_on()
        when = datetime.datetime(2026, 11, 26, 18, 5, tzinfo=datetime.UTC)
        with time_machine.travel(when):
            reminder = reminders_due()[0]
            self.assertTrue(reminder_claim(reminder=reminder, local_date=when.date()))
            self.assertFalse(reminder_claim(reminder=reminder, local_date=when.date()))
            self.assertEqual(send_due_reminders.enqueue().return_value, 0)

    def test_reminders_follow_the_chosen_days_and_the_practice_time_zone(self):
        self.switch_on(days="weekends")
        thursday = datetime.datetime(2026, 11, 26, 18, 5, tzinfo=datetime.UTC)
        saturday = datetime.datetime(2026, 11, 28, 18, 5, tzinfo=datetime.UTC)
        too_late = datetime.datetime(2026, 11, 28, 21, 30, tzinfo=datetime.UTC)
        with time_machine.travel(thursday):
            self.assertEqual(reminders_due(), [])
        with time_machine.travel(too_late):
            self.assertEqual(reminders_due(), [])
        with time_machine.travel(saturday):
            self.assertEqual(len(reminders_due()), 1)
        self.w.practice.time_zone = "America/New_York"
        self.w.practice.save(update_fields=["time_zone"])
        with time_machine.travel(saturday):
            self.assertEqual(reminders_due(), [])  # 13:05 in New York
        with time_machine.travel(datetime.datetime(2026, 11, 28, 23, 10, tzinfo=datetime.UTC)):
            self.assertEqual(len(reminders_due()), 1)

    def test_the_command_enqueues_the_sweep_for_the_worker(self):
        self.switch_on()
        with time_machine.travel(datetime.datetime(2026, 11, 26, 18, 5, tzinfo=datetime.UTC)):
            with self.captureOnCommitCallbacks(execute=True):
                call_command("selfcare_reminders", stdout=open("/dev/null", "w"))
        self.assertEqual(len(mail.outbox), 1)

    def test_turning_reminders_off_stops_an_already_claimed_send(self):
        self.switch_on()
        reminder = Reminder.objects.get()
        reminder.is_on = False
        reminder.save()
        self.assertFalse(send_reminder.enqueue(reminder_id=reminder.pk).return_value)
        self.assertEqual(mail.outbox, [])
