from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from practice.models import Client
from practice.paging import ClientList, _rows_of
from practice.views import OWNER_CLIENTS_PAGE
from tending.testing.factories import ClientFactory, UserFactory
from tending.testing.personas import TendingTestCase


class OwnerClientListTests(TendingTestCase):
    """The owner's practice page lists clients a page at a time and finds them by name."""

    def setUp(self):
        super().setUp()
        for n in range(OWNER_CLIENTS_PAGE + 5):
            ClientFactory(therapist=self.w.therapist, user=UserFactory(name=f"Zz Paged {n:03d}"))

    def home(self, **query):
        return self.as_("owner").get(reverse("practice:owner_home"), query)

    def test_a_long_list_comes_a_page_at_a_time(self):
        first = self.home()
        self.assertContains(first, "Cara Client")  # names sort before the paged ones
        self.assertContains(first, "Page 1 of 2")
        self.assertNotContains(first, "Zz Paged 054")
        second = self.home(page=2)
        self.assertContains(second, "Zz Paged 054")
        self.assertNotContains(second, "Cara Client")

    def test_a_name_finds_the_client_on_any_page(self):
        found = self.home(q="paged 054")
        self.assertContains(found, "Zz Paged 054")
        self.assertNotContains(found, "Zz Paged 001")
        self.assertNotContains(found, "Page 1 of")

    def test_a_search_that_finds_nobody_says_so_kindly(self):
        page = self.home(q="Nobody by this name")
        self.assertContains(page, "No client's name or email has “Nobody by this name” in it.")

    def test_the_page_reads_the_same_number_of_queries_for_any_number_of_clients(self):
        self.home()  # warm
        with CaptureQueriesContext(connection) as first:
            self.home()
        ClientFactory.create_batch(30, therapist=self.w.therapist)
        with CaptureQueriesContext(connection) as second:
            self.home()
        self.assertEqual(len(first), len(second))

    def test_a_page_past_the_end_is_the_last_and_a_strange_one_the_first(self):
        self.assertContains(self.home(page=9), "Zz Paged 054")
        self.assertContains(self.home(page="x"), "Cara Client")


class ClientListTests(TendingTestCase):
    def test_an_empty_list_has_an_empty_first_page_and_pages_hold_at_most_fifty(self):
        by_name = lambda found, query: found.matching(query)  # noqa: E731
        empty = ClientList(
            lambda practice: Client.objects.in_practice(practice).filter(preferred_name="nobody"), by_name
        )
        page, rows = empty.page(self.w.therapist.practice, 50, "1")
        self.assertEqual((page.number, page.paginator.count, rows), (1, 0, []))
        everyone = ClientList(lambda practice: Client.objects.in_practice(practice).order_by("id"), by_name)
        _page, rows = everyone.page(self.w.therapist.practice, 1, "2")
        self.assertEqual(
            [row.pk for row in rows], list(Client.objects.order_by("id").values_list("pk", flat=True)[1:2])
        )
        with self.assertRaises(ValueError):  # the rows' kept read takes fifty keys
            _rows_of(list(range(1, 52)))
