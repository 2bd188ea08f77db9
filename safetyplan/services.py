"""Writing the safety plan. Every change is a new version; nothing is overwritten."""

from django.db import transaction
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_change
from safetyplan.models import STEP_FIELDS, SafetyPlan, SafetyPlanVersion


def safety_plan_save(
    *, client, content: dict[str, str], written_by, author: str = SafetyPlanVersion.Author.CLIENT, request=None
) -> SafetyPlanVersion:
    """Save ``content`` (step field -> text) as the plan's next version.

    Saving what is already there adds no version. The plan row is locked so
    two saves at once (the client on their phone while the therapist writes in
    session) get consecutive numbers instead of one failing.
    """
    cleaned = {name: (content.get(name) or "").strip() for name in STEP_FIELDS}
    with transaction.atomic():
        plan, created = SafetyPlan.objects.select_for_update().get_or_create(client=client)
        current = None if created else plan.versions.order_by("-number").first()
        if current is not None and current.content() == cleaned:
            return current
        changed = [name for name in STEP_FIELDS if current is None or getattr(current, name) != cleaned[name]]
        now = timezone.now()
        version = SafetyPlanVersion.objects.create(
            plan=plan,
            number=plan.version_count + 1,
            created_at=now,
            written_by=written_by,
            author=author,
            **cleaned,
        )
        plan.version_count = version.number
        plan.updated_at = now
        plan.save(update_fields=["version_count", "updated_at"])
        audit_change(
            AuditEvent.Action.CREATE if created else AuditEvent.Action.UPDATE,
            plan,
            actor=written_by,
            client=client,
            request=request,
            # Field names only: the plan's words never go into the log.
            detail={"version": version.number, "author": author, "changed": changed},
        )
    return version
