"""Superbill URLs (US practices only).

The persona world's Willow is a UK practice, and every superbill URL answers 404 outside the US, so these
routes' set-up makes Willow a US practice (``Practice.country`` decides only crisis contacts and money's
locale; the matrix checks statuses, which neither changes). The non-US 404s are tested in
``money/tests/test_superbills.py``.
"""

from datetime import timedelta

from django.utils import timezone

from money.models import Superbill
from money.superbills import superbill_prepare
from money.tests.routes_staff import _charge_of_client_a
from tending.testing.matrix import CLIENT, CLIENT_OBJECT, THERAPIST_OF_CLIENT, Route


def _in_the_us(w) -> None:
    if w.practice.country != "US":
        w.practice.country = "US"
        w.practice.save(update_fields=["country"])


def _session_of_client_a(w):
    """Willow in the US, and a charged session of client A's to ask a superbill for."""
    _in_the_us(w)
    return _charge_of_client_a(w)


def _prepared_superbill(w) -> Superbill:
    charge = _session_of_client_a(w)
    superbill = Superbill.objects.create(
        client=w.client_a, first_day=charge.day - timedelta(days=1), last_day=charge.day
    )
    return superbill_prepare(superbill=superbill, by=w.therapist, diagnosis_codes=["F41.1"])


def _superbill(w, superbill):
    return {"superbill_uuid": superbill.uuid}


def _period(w, _):
    today = timezone.localdate(timezone=w.practice.zone)
    return {
        "period": "dates",
        "first_day": (today - timedelta(days=90)).isoformat(),
        "last_day": today.isoformat(),
    }


ROUTES = [
    Route("money:superbill_ask", CLIENT, setup=_session_of_client_a, methods=("POST",), post_data=_period),
    Route("money:mine_superbill", CLIENT_OBJECT, setup=_prepared_superbill, kwargs=_superbill),
    Route("money:mine_superbill_pdf", CLIENT_OBJECT, setup=_prepared_superbill, kwargs=_superbill, not_a_page=True),
    # The therapist's page: the superbill with the form to prepare it; an emergency reader reads it only.
    Route(
        "money:superbill",
        THERAPIST_OF_CLIENT,
        setup=_prepared_superbill,
        kwargs=_superbill,
        methods=("GET", "POST"),
        post_data={"diagnosis_codes": "F41.1, Z63.0"},
    ),
]
