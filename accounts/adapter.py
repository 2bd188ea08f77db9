from allauth.account.adapter import DefaultAccountAdapter
from django.db import transaction

from outbox.services import email_queue
from practice.access import practice_for


class AccountAdapter(DefaultAccountAdapter):
    """People join Tending by invitation only; there is no open sign-up."""

    def is_open_for_signup(self, request):
        return False

    def send_mail(self, template_prefix, email, context):
        """allauth's emails (password reset, address confirmation, sign-in codes) go through the outbox too."""
        message = self.render_mail(template_prefix, email, context)
        user = context.get("user")
        practice = practice_for(user) if user is not None and getattr(user, "is_authenticated", False) else None
        kind = template_prefix.rsplit("/", 1)[-1].replace("_", " ").capitalize()
        with transaction.atomic():
            email_queue(message, kind=f"Account: {kind}", practice=practice)
