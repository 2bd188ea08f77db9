"""Signed, expiring links to one invoice, credit note or receipt: what the emails carry instead of the document.

An invoice is health data (it shows someone is in therapy), so the email holds a link that
works for ``LINK_DAYS`` days without signing in and names nothing; the PDF is attached only when
the client has chosen that. After the link ends, the client signs in to "My invoices".
"""

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

LINK_DAYS = 90
_SALTS = {"invoice": "money.document.invoice", "receipt": "money.document.receipt"}


def _signer(what: str) -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=_SALTS[what])


def document_token(what: str, uuid) -> str:
    return _signer(what).sign(str(uuid))


def document_uuid(what: str, token: str) -> str | None:
    """The UUID a token names, or None when it is forged or older than ``LINK_DAYS``."""
    try:
        return _signer(what).unsign(token, max_age=timedelta(days=LINK_DAYS))
    except signing.BadSignature:
        return None


def document_url(what: str, uuid) -> str:
    """The absolute link for an email: ``what`` is "invoice" (credit notes too) or "receipt"."""
    return settings.SITE_URL.rstrip("/") + reverse(
        "money:document_link", kwargs={"what": what, "token": document_token(what, uuid)}
    )
