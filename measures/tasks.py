"""Background work for questionnaires, run by ``manage.py db_worker``."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.template.loader import render_to_string
from django.urls import reverse

from practice.models import Client


@task
def measure_request_email(*, client_id: int) -> int:
    """A gentle note that a questionnaire is waiting. It names no questionnaire and no scores."""
    client = Client.objects.with_people().filter(pk=client_id).first()
    if client is None:
        return 0
    context = {"client": client, "url": settings.SITE_URL + reverse("measures:list")}
    send_mail(
        subject=f"{client.practice.name}: a short questionnaire, whenever suits you",
        message=render_to_string("measures/email/request.txt", context),
        from_email=None,
        recipient_list=[client.user.email],
    )
    return 1


@task
def measures_open_due() -> int:
    from measures.services import measure_requests_open_due

    return measure_requests_open_due()
