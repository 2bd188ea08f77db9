"""The header of every page (core/templatetags/site_header.py): rendered once per kind of person, practice and count,
the same as the templates write it, with the page being shown marked as the current one."""

from types import SimpleNamespace

from django.template import Context, engines
from django.test import RequestFactory, SimpleTestCase, override_settings
from django.urls import reverse

from core.templatetags.site_header import _header
from practice.context_processors import Nav

# The engine's own template, rendered with a plain context: no context processor replaces the nav given.
PAGE = engines["django"].engine.from_string("{% load site_header %}{% site_header %}")


def header(nav, path="/somewhere/", count=0, counted=None) -> str:
    def open_alert_count():
        if counted is not None:
            counted.append(1)
        return count

    request = RequestFactory().get(path)
    return PAGE.render(Context({"nav": nav, "open_alert_count": open_alert_count, "request": request}))


def practice(name="Willow Practice"):
    return SimpleNamespace(name=name)


class SiteHeaderTests(SimpleTestCase):
    def setUp(self):
        _header.cache_clear()

    def test_a_visitor_sees_the_brand_and_urgent_help_and_no_navigation(self):
        page = header(None)
        self.assertIn(f'<a class="brand" href="{reverse("practice:home")}">Tending</a>', page)
        self.assertIn(f'href="{reverse("practice:crisis")}">Need urgent help?</a>', page)
        self.assertNotIn("<nav", page)

    def test_a_client_sees_their_practice_and_the_page_they_are_on_marked_as_current(self):
        nav = Nav(is_client=True, practice=practice())
        home, journal, messages = reverse("practice:client_home"), reverse("journal:list"), reverse("messaging:mine")
        on_home = header(nav, home)
        self.assertIn("Willow Practice</a>", on_home)
        self.assertIn(f'<a href="{home}" aria-current="page">My space</a>', on_home)
        self.assertEqual(on_home.count("aria-current"), 1)
        on_messages = header(nav, messages)
        self.assertIn(f'<a href="{home}">My space</a>', on_messages)
        self.assertIn(f'<a href="{messages}" aria-current="page">Messages</a>', on_messages)
        # A page under "More" (the journal) is marked nowhere, as the template says; no marker is left behind.
        on_journal = header(nav, journal)
        self.assertNotIn("aria-current", on_journal)
        self.assertNotIn("\x1e", on_journal + on_home)
        self.assertEqual(_header.cache_info().misses, 1, "one header for the client's three pages")

    def test_therapists_of_a_practice_share_a_header_per_count_of_open_alerts(self):
        nav = Nav(is_therapist=True, practice=practice())
        none, three, three_again = header(nav, count=0), header(nav, count=3), header(nav, count=3)
        self.assertIn("Alerts</a>", none)
        self.assertIn('Alerts <span class="nav-count">3<span class="visually-hidden"> open</span></span></a>', three)
        self.assertEqual(three, three_again)
        self.assertEqual((_header.cache_info().misses, _header.cache_info().hits), (2, 1))
        self.assertIn(f'href="{reverse("caseload:home")}">Caseload</a>', three)
        self.assertIn(f'href="{reverse("account_logout")}">Sign out</a>', three)

    def test_an_owner_who_does_not_see_clients_is_shown_the_count_and_an_administrator_is_not_counted(self):
        counted = []
        owner = header(Nav(is_owner=True, practice=practice()), count=2, counted=counted)
        self.assertIn('Alerts <span class="nav-count">2', owner)
        self.assertIn(f'href="{reverse("practice:audit_log")}">Audit log</a>', owner)
        self.assertEqual(len(counted), 1)
        office = header(Nav(is_administrator=True, practice=practice()), count=5, counted=counted)
        self.assertEqual(len(counted), 1, "the office's header shows no count, so none is read")
        self.assertIn(f'href="{reverse("bookings:office_clients")}">Clients</a>', office)
        self.assertNotIn("nav-count", office)

    def test_another_practice_gets_its_own_header_and_its_name_is_escaped(self):
        nav = Nav(is_client=True, practice=practice("Rose & <Thorn>"))
        self.assertIn("Rose &amp; &lt;Thorn&gt;</a>", header(nav))
        self.assertIn("Willow Practice</a>", header(Nav(is_client=True, practice=practice())))

    def test_a_signed_in_person_of_no_role_sees_only_their_account(self):
        page = header(Nav(display_name="someone"))
        self.assertIn(f'href="{reverse("accounts:settings")}">Account</a>', page)
        self.assertNotIn("Caseload", page)

    def test_a_change_to_the_settings_behind_the_templates_forgets_the_headers(self):
        header(None)
        self.assertEqual(_header.cache_info().currsize, 1)
        with override_settings(DEBUG=True):
            self.assertEqual(_header.cache_info().currsize, 0)
