from django import template

from outbox.models import Email

register = template.Library()


@register.simple_tag
def emails_about(object_type: str, object_id) -> list[Email]:
    """The emails sent about one record (an alert, say), newest first, for its page to show how they went."""
    return list(Email.objects.about(object_type, object_id).order_by("-created_at")[:20])
