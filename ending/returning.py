"""Coming back: a former client asks the practice for a conversation about returning, in one tap.

It goes down the free consultation path (``bookings.consultation_requests.consultation_ask_return``): a
waiting request the office sees in its list, with the therapist the client saw before first if they still
take clients, and nothing clinical. When the office offers a time and the client returns, the existing
paths do the rest (booking; the care status set back to active on the client's record).
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from bookings.consultation_requests import consultation_ask_return, waiting_requests
from outbox.services import email_queue


def return_request_waiting(client):
    """The client's request to come back that is still waiting for the practice, if any."""
    return waiting_requests(client.practice).filter(returning_client=client).first()


def come_back_ask(*, client) -> tuple[object, bool]:
    """Ask about coming back. Returns ``(request, created)``; a second ask while one waits changes nothing.

    The client is emailed once that the practice has their request (no clinical words).
    """
    with transaction.atomic():
        consultation, created = consultation_ask_return(client=client)
        if created:
            message = EmailMessage(
                subject=f"{client.practice.name}: we have your request to talk about coming back",
                body=render_to_string(
                    "ending/email/come_back_asked.txt",
                    {
                        "client": client,
                        "practice": client.practice,
                        "crisis_url": settings.SITE_URL + reverse("practice:crisis"),
                    },
                ),
                to=[client.user.email],
            )
            email_queue(
                message,
                kind="Coming back asked",
                practice=client.practice,
                about=("bookings.consultation", consultation.uuid),
            )
    return consultation, created
