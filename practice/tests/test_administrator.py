"""The practice administrator: every booking and money page of the practice, and no clinical content.

Sam (``add_administrator_persona``) is neither owner nor therapist. She books, moves, confirms and cancels
any therapist's appointments, runs everyone's money, and is refused (404) every clinical page and every
owner-only power. The matrix (tending/tests/test_url_matrix.py) checks each URL; these check the rules
behind it, her home and navigation, inviting one, and that no clinical word reaches her pages.
"""

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.http import Http404
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from accounts.models import Invitation
from accounts.services import invitation_accept, invitation_create
from audit.describe import who
from audit.models import AuditEvent
from bookings import views_office as office
from bookings.access import get_appointment_for_clinician, get_appointment_for_office
from bookings.models import Appointment, Consultation, Kind
from dataprivacy.services import erasure_complete, erasure_request
from money.access import may_manage_billing, owner_for_money
from money.selectors import clients_in_view
from outbox.models import Email
from practice.access import clinical_access, get_client_for_office, get_staff_for_office
from practice.models import Client, StaffMember
from tending.testing.factories import ClientFactory, on_practice_calendar
from tending.testing.personas import TendingTestCase, add_administrator_persona


def _appointment(w, *, therapist, client=None, days=5, hour=10, consultation=None):
    start = on_practice_calendar(therapist.practice, days=days, hour=hour)
    return Appointment.objects.create(
        practice=therapist.practice,
        therapist=therapist,
        client=client,
        consultation=consultation,
        kind=Kind.CONSULTATION if consultation else Kind.SESSION,
        start=start,
        end=start + timedelta(minutes=50),
        blocked_until=start + timedelta(minutes=60),
        status=Appointment.Status.REQUESTED if consultation else Appointment.Status.CONFIRMED,
    )


def _local_field(days: int, hour: int = 11) -> str:
    """A datetime-local value ``days`` ahead, as the browser sends it."""
    return f"{(timezone.localdate() + timedelta(days=days)).isoformat()}T{hour:02d}:00"


class AdministratorTestCase(TendingTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        add_administrator_persona(cls.w)


class WhatTheRulesSayTests(AdministratorTestCase):
    def test_she_is_office_and_not_a_therapist_nor_an_owner(self):
        sam = self.w.administrator
        self.assertEqual((sam.runs_office, sam.is_therapist, sam.is_owner), (True, False, False))
        self.assertIn(sam, StaffMember.objects.office())

    def test_she_manages_every_clients_billing_in_her_practice_only(self):
        sam = self.w.administrator
        self.assertTrue(may_manage_billing(sam, self.w.client_a))
        self.assertTrue(may_manage_billing(sam, self.w.client_c))  # Ben's client too
        self.assertFalse(may_manage_billing(sam, self.w.stranger))  # Oak's
        self.assertEqual(owner_for_money(sam.user), sam)
        self.assertEqual(set(clients_in_view(sam)), {self.w.client_a, self.w.client_b, self.w.client_c})

    def test_the_clinical_rule_refuses_her_every_client(self):
        for client in (self.w.client_a, self.w.client_b, self.w.client_c):
            with self.subTest(client=client.display_name), self.assertRaises(Http404):
                clinical_access(self.w.administrator.user, client.uuid)

    def test_an_appointment_is_hers_to_manage_but_never_through_the_clinical_rule(self):
        appointment = _appointment(self.w, therapist=self.w.colleague, client=self.w.client_c)
        self.assertEqual(get_appointment_for_office(self.w.administrator.user, appointment.uuid), appointment)
        with self.assertRaises(Http404):
            get_appointment_for_clinician(self.w.administrator.user, appointment.uuid)

    def test_a_therapist_is_not_office(self):
        appointment = _appointment(self.w, therapist=self.w.therapist, client=self.w.client_a)
        for helper, arg in (
            (get_appointment_for_office, appointment.uuid),
            (get_client_for_office, self.w.client_a.uuid),
            (get_staff_for_office, self.w.therapist.uuid),
        ):
            with self.subTest(helper=helper.__name__), self.assertRaises(Http404):
                helper(self.w.therapist.user, arg)

    def test_another_practices_clients_and_appointments_are_not_found(self):
        theirs = _appointment(self.w, therapist=self.w.outsider, client=self.w.stranger)
        with self.assertRaises(Http404):
            get_appointment_for_office(self.w.administrator.user, theirs.uuid)
        with self.assertRaises(Http404):
            get_client_for_office(self.w.administrator.user, self.w.stranger.uuid)

    def test_an_erased_clients_appointments_open_for_nobody_in_the_office(self):
        appointment = _appointment(self.w, therapist=self.w.therapist, client=self.w.client_b)
        erasure_complete(erasure=erasure_request(client=self.w.client_b), owner=self.w.owner)
        for persona in ("administrator", "owner"):
            with self.subTest(persona=persona):
                user = self.w.user(persona)
                with self.assertRaises(Http404):
                    get_appointment_for_office(user, appointment.uuid)
                with self.assertRaises(Http404):
                    get_client_for_office(user, self.w.client_b.uuid)
                erased = Client.objects.get(pk=self.w.client_b.pk)
                self.assertFalse(may_manage_billing(getattr(self.w, persona), erased))


NAV = ("bookings:office", "bookings:office_clients", "money:overview", "money:reports", "money:settings")


class HomeAndNavigationTests(AdministratorTestCase):
    def test_her_home_is_the_practice_calendar(self):
        response = self.as_("administrator").get(reverse("practice:home"))
        self.assertRedirects(response, reverse("bookings:office"))

    def test_the_owner_and_a_therapist_keep_their_homes(self):
        self.assertRedirects(self.as_("owner").get(reverse("practice:home")), reverse("practice:owner_home"))
        self.assertRedirects(
            self.as_("therapist").get(reverse("practice:home")), reverse("caseload:home"), target_status_code=200
        )

    def test_her_navigation_shows_only_what_she_may_open(self):
        page = self.as_("administrator").get(reverse("bookings:office"))
        self.assertEqual(page.status_code, 200)
        nav = page.content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
        for url in NAV:
            self.assertIn(f'href="{reverse(url)}"', nav, url)
        for url in (
            "caseload:home",
            "risk:list",
            "practice:owner_home",
            "practice:audit_log",
            "practice:settings",
            "dataprivacy:requests",
            "bookings:agenda",
            "practice:emails",
        ):
            self.assertNotIn(f'href="{reverse(url)}"', nav, url)
        # Every link in her navigation opens for her.
        http = self.as_("administrator")
        for url in NAV:
            self.assertEqual(http.get(reverse(url)).status_code, 200, url)

    def test_the_owner_finds_the_practice_calendar_in_their_navigation(self):
        page = self.as_("owner").get(reverse("practice:owner_home"))
        self.assertContains(page, f'href="{reverse("bookings:office")}"')
        self.assertContains(page, f'href="{reverse("accounts:invite_administrator")}"')

    def test_the_owner_sees_her_among_the_people_and_may_let_her_go(self):
        owner = self.as_("owner")
        self.assertContains(owner.get(reverse("practice:owner_home")), '<span class="badge">Administrator</span>')
        sam = self.w.administrator
        self.assertEqual(owner.get(reverse("care:staff", kwargs={"staff_uuid": sam.uuid})).status_code, 200)
        response = owner.post(reverse("care:deactivate", kwargs={"staff_uuid": sam.uuid}))
        self.assertRedirects(response, reverse("care:staff", kwargs={"staff_uuid": sam.uuid}))
        sam.refresh_from_db()
        self.assertFalse(sam.is_active)
        # Signed out everywhere: she is sent to sign in, like anyone else who has left.
        response = self.as_("administrator").get(reverse("bookings:office"))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith(reverse("account_login")))

    @override_settings(TENDING_STAFF_MFA_REQUIRED=True)
    def test_she_sets_up_two_factor_sign_in_first_like_all_staff(self):
        response = self.as_("administrator").get(reverse("bookings:office"))
        self.assertRedirects(response, reverse("mfa_activate_totp"), fetch_redirect_response=False)


class InvitingAnAdministratorTests(AdministratorTestCase):
    def test_the_owner_invites_one_and_accepting_makes_an_administrator(self):
        response = self.as_("owner").post(
            reverse("accounts:invite_administrator"), {"email": "Frontdesk@Willow.test", "name": "Fran"}
        )
        self.assertRedirects(response, reverse("practice:owner_home"))
        invitation = Invitation.objects.get(email="frontdesk@willow.test")
        self.assertEqual(invitation.role, Invitation.Role.ADMINISTRATOR)
        self.assertTrue(Email.objects.filter(kind="Invitation (practice administrator)").exists())

        _invitation, token = invitation_create(
            invited_by=self.w.owner, email="frontdesk@willow.test", role=Invitation.Role.ADMINISTRATOR, name="Fran"
        )
        user = invitation_accept(token=token, name="Fran Desk", password="a long enough password 1")
        member = user.staff_member
        self.assertEqual(
            (member.practice, member.is_administrator, member.is_therapist, member.is_owner),
            (self.w.practice, True, False, False),
        )

    def test_the_invitation_page_says_what_the_role_may_do(self):
        page = self.as_("owner").get(reverse("accounts:invite_administrator"))
        self.assertContains(page, "Invite a practice administrator")
        self.assertContains(page, "never see a client")

    def test_nobody_but_an_owner_invites_one(self):
        for persona in ("administrator", "therapist", "client_a"):
            with self.subTest(persona=persona):
                response = self.as_(persona).post(
                    reverse("accounts:invite_administrator"), {"email": "sneaky@example.test"}
                )
                self.assertEqual(response.status_code, 404)
        self.assertFalse(Invitation.objects.filter(email="sneaky@example.test").exists())


class FrontDeskTests(AdministratorTestCase):
    def test_the_calendar_shows_every_therapists_appointments_and_the_requests(self):
        consultation = Consultation.objects.create(
            practice=self.w.practice, name="Rae Visitor", email="rae@example.test", note="zqc what brings me"
        )
        _appointment(self.w, therapist=self.w.therapist, client=self.w.client_a, days=0, hour=23)
        _appointment(self.w, therapist=self.w.colleague, client=self.w.client_c, days=0, hour=22)
        _appointment(self.w, therapist=self.w.therapist, consultation=consultation, days=3)
        page = self.as_("administrator").get(reverse("bookings:office"))
        self.assertContains(page, "Cara Client")
        self.assertContains(page, "Eli Client")  # Ben's client: the whole practice
        self.assertContains(page, "Waiting to be confirmed")
        self.assertContains(page, "Rae Visitor")
        self.assertNotContains(page, "zqc")

    def test_the_calendar_opens_on_today_and_shows_a_day_or_a_week_on_request(self):
        today = _appointment(self.w, therapist=self.w.therapist, client=self.w.client_a, days=0, hour=9)
        tomorrow = _appointment(self.w, therapist=self.w.colleague, client=self.w.client_c, days=1, hour=9)
        office = self.as_("administrator")
        page = office.get(reverse("bookings:office"))
        start, end = (moment.astimezone(self.w.practice.zone) for moment in (today.start, today.end))
        link = reverse("bookings:office_appointment", kwargs={"appointment_uuid": today.uuid})
        self.assertContains(
            page,
            f'<a href="{link}">{start:%H:%M}–{end:%H:%M} {today.get_kind_display()}: Cara Client</a> '
            f'<span class="small">with {self.w.therapist.display_name}, {today.get_mode_display().lower()}</span>',
            html=False,
        )
        self.assertNotContains(page, "Eli Client")  # tomorrow: not on today's page
        self.assertContains(page, "Week view")
        day = tomorrow.start.astimezone(self.w.practice.zone).date()
        week = office.get(reverse("bookings:office"), {"view": "week", "date": day.isoformat()})
        self.assertContains(week, "Eli Client")
        self.assertContains(week, "Week of")
        self.assertContains(week, "Day view")
        only_tomorrow = office.get(reverse("bookings:office"), {"view": "day", "date": day.isoformat()})
        self.assertContains(only_tomorrow, "Eli Client")
        self.assertNotContains(only_tomorrow, "Cara Client")

    def test_she_books_a_client_in_with_their_therapist_and_it_is_audited(self):
        response = self.as_("administrator").post(
            reverse("bookings:office_book", kwargs={"client_uuid": self.w.client_c.uuid}),
            {"start": _local_field(30), "mode": "online"},
        )
        appointment = Appointment.objects.get(client=self.w.client_c)
        self.assertRedirects(
            response, reverse("bookings:office_appointment", kwargs={"appointment_uuid": appointment.uuid})
        )
        self.assertEqual((appointment.therapist, appointment.booked_by), (self.w.colleague, "practice"))
        event = AuditEvent.objects.get(object_type="bookings.appointment", object_id=str(appointment.uuid))
        self.assertEqual(event.actor_id, self.w.administrator.user.uuid)
        # The owner's audit log names her role, never "therapist".
        self.assertEqual(event.actor_role, "administrator")
        self.assertEqual(who(event, {}), "A practice administrator no longer with the practice")
        self.assertEqual(who(event, {event.actor_id: "Sam"}), "Sam (practice administrator)")

    def test_an_overlap_is_refused_kindly_and_nothing_is_booked(self):
        taken = _appointment(self.w, therapist=self.w.therapist, client=self.w.client_a, days=31, hour=11)
        local = timezone.localtime(taken.start, self.w.practice.zone).strftime("%Y-%m-%dT%H:%M")
        response = self.as_("administrator").post(
            reverse("bookings:office_book", kwargs={"client_uuid": self.w.client_b.uuid}),
            {"start": local, "mode": "in_person"},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(Appointment.objects.filter(client=self.w.client_b).exists())

    def test_she_moves_confirms_and_cancels_any_therapists_appointment(self):
        http = self.as_("administrator")
        session = _appointment(self.w, therapist=self.w.colleague, client=self.w.client_c, days=6)
        response = http.post(
            reverse("bookings:office_move", kwargs={"appointment_uuid": session.uuid}), {"start": _local_field(40)}
        )
        self.assertEqual(response.status_code, 302)
        session.refresh_from_db()
        self.assertEqual(
            timezone.localtime(session.start, self.w.practice.zone).date(), timezone.localdate() + timedelta(days=40)
        )

        consultation = Consultation.objects.create(practice=self.w.practice, name="Rae", email="rae@example.test")
        request = _appointment(self.w, therapist=self.w.therapist, consultation=consultation, days=8)
        http.post(
            reverse(
                "bookings:office_appointment_action", kwargs={"appointment_uuid": request.uuid, "action": "confirm"}
            )
        )
        request.refresh_from_db()
        self.assertEqual(request.status, Appointment.Status.CONFIRMED)

        http.post(
            reverse("bookings:office_appointment_action", kwargs={"appointment_uuid": session.uuid, "action": "cancel"})
        )
        session.refresh_from_db()
        self.assertEqual(session.status, Appointment.Status.CANCELLED)
        self.assertEqual(
            AuditEvent.objects.filter(object_type="bookings.appointment", object_id=str(session.uuid)).count(), 2
        )

    def test_an_unknown_action_is_not_found_and_changes_nothing(self):
        session = _appointment(self.w, therapist=self.w.therapist, client=self.w.client_a)
        response = self.as_("administrator").post(
            reverse("bookings:office_appointment_action", kwargs={"appointment_uuid": session.uuid, "action": "erase"})
        )
        self.assertEqual(response.status_code, 404)
        session.refresh_from_db()
        self.assertEqual(session.status, Appointment.Status.CONFIRMED)

    def test_the_appointment_page_shows_who_and_when_and_never_what_brings_them(self):
        consultation = Consultation.objects.create(
            practice=self.w.practice, name="Rae", email="rae@example.test", note="zqc my panic at night"
        )
        appointment = _appointment(self.w, therapist=self.w.therapist, consultation=consultation)
        page = self.as_("administrator").get(
            reverse("bookings:office_appointment", kwargs={"appointment_uuid": appointment.uuid})
        )
        self.assertContains(page, "rae@example.test")
        self.assertContains(page, "Ana Therapist")
        self.assertNotContains(page, "zqc")
        self.assertNotContains(page, "What brings them")
        self.assertNotContains(page, reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid}))

    def test_the_clients_page_lists_names_contact_and_therapist_without_record_links(self):
        page = self.as_("administrator").get(reverse("bookings:office_clients"))
        self.assertContains(page, "cara@willow.test")
        self.assertContains(page, "with Ben Therapist")
        self.assertNotContains(page, "sam@oak.test")
        self.assertNotContains(page, "/therapist/clients/")

    def test_the_clients_page_finds_a_client_and_comes_a_page_at_a_time(self):
        page = self.as_("administrator").get(reverse("bookings:office_clients"), {"q": "CARA@willow"})
        self.assertContains(page, "cara@willow.test")
        self.assertNotContains(page, "dev@willow.test")
        self.assertContains(page, "1 client found")
        nobody = self.as_("administrator").get(reverse("bookings:office_clients"), {"q": "nobody-by-this-name"})
        self.assertContains(nobody, "Nobody's name or email has")
        many = ClientFactory.create_batch(office.CLIENTS_PAGE_SIZE, therapist=self.w.therapist)
        first = self.as_("administrator").get(reverse("bookings:office_clients"))
        self.assertEqual(len(first.context["page"]), office.CLIENTS_PAGE_SIZE)
        self.assertContains(first, "page=2")
        rest = self.as_("administrator").get(reverse("bookings:office_clients"), {"page": "2"})
        self.assertTrue(rest.context["page"].has_previous())
        shown = {c.pk for c in first.context["clients"]} | {c.pk for c in rest.context["clients"]}
        self.assertTrue({c.pk for c in many} <= shown)
        # Nonsense in the page number shows the first page, never an error.
        self.assertEqual(
            self.as_("administrator").get(reverse("bookings:office_clients"), {"page": "x"}).status_code, 200
        )

    def test_the_money_page_of_a_client_has_no_link_to_her_record(self):
        page = self.as_("administrator").get(reverse("money:client", kwargs={"client_uuid": self.w.client_a.uuid}))
        self.assertEqual(page.status_code, 200)
        self.assertNotContains(page, reverse("practice:client_detail", kwargs={"client_uuid": self.w.client_a.uuid}))


class NoClinicalWordsTests(AdministratorTestCase):
    """The pages she opens never carry a clinical word, whatever the record holds."""

    WORDS = ("formulation", "symptom", "diagnos", "safety plan", "journal", "risk alert", "check-in", "session note")

    def test_her_pages_say_nothing_clinical(self):
        _appointment(self.w, therapist=self.w.therapist, client=self.w.client_a, days=0, hour=23)
        http = self.as_("administrator")
        for name, kwargs in (
            ("bookings:office", {}),
            ("bookings:office_clients", {}),
            ("bookings:office_book", {"client_uuid": self.w.client_a.uuid}),
            ("money:overview", {}),
            ("money:client", {"client_uuid": self.w.client_a.uuid}),
            ("money:fees", {}),
            ("money:settings", {}),
        ):
            page = http.get(reverse(name, kwargs=kwargs))
            self.assertEqual(page.status_code, 200, name)
            # The page itself: the site's footer speaks to everyone of journals and urgent help.
            body = page.content.decode().lower().split('<main id="main"')[1].split("</main>")[0]
            for word in self.WORDS:
                with self.subTest(page=name, word=word):
                    self.assertNotIn(word, body)


class DemoTests(TendingTestCase):
    def test_the_demo_has_an_administrator_whose_login_is_printed(self):
        out = StringIO()
        call_command("seed_demo", stdout=out)
        call_command("seed_demo", stdout=StringIO())  # a second run adds nothing
        sam = StaffMember.objects.get(user__email="admin@demo.tending.test")
        self.assertEqual(
            (sam.user.name, sam.is_administrator, sam.is_therapist, sam.is_owner), ("Sam Carter", True, False, False)
        )
        self.assertIn("admin@demo.tending.test", out.getvalue())
        self.assertEqual(StaffMember.objects.filter(is_administrator=True, practice=sam.practice).count(), 1)
