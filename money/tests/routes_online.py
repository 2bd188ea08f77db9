"""Paying online: the "Pay online" button (on an invoice's signed link) and Stripe's webhook.

Both answer 404 until Stripe's keys are set, and the matrix runs without them; their writes are made in
money/tests/test_online.py, through the real ``stripe`` library against a local stand-in for Stripe.
"""

from money.tests.routes_client import _documents_of_client_a, _invoice_link
from tending.testing.matrix import AUTH, NOT_FOUND, PUBLIC, Route
from tending.testing.personas import ADMINISTRATOR_PERSONAS, CARE_PERSONAS, EMERGENCY_PERSONAS, PERSONAS

ROUTES = [
    # Whoever holds the invoice's link may pay it (the signed-in client's own page posts here too).
    Route(
        "money:document_link_pay",
        PUBLIC,
        setup=_documents_of_client_a,
        kwargs=_invoice_link,
        methods=("POST",),
        post_data={"back": "link"},
        post_skip="needs Stripe's keys and the stand-in; money/tests/test_online.py pays through it",
    ),
    # Stripe's signature, not a session or a CSRF token, admits a delivery: no persona is "allowed", so the
    # matrix checks that every one of them is refused (404 while the keys are unset) and writes nothing.
    Route(
        "money:stripe_webhook",
        AUTH,
        methods=("POST",),
        post_data={"id": "evt_forged", "type": "checkout.session.completed"},
        expect=dict.fromkeys(PERSONAS + CARE_PERSONAS + EMERGENCY_PERSONAS + ADMINISTRATOR_PERSONAS, NOT_FOUND),
        post_skip="signed by Stripe; money/tests/test_online.py proves a forged delivery is refused, storing nothing",
    ),
]
