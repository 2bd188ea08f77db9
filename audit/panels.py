"""A banner on the owner's home when the last check of the audit log found something wrong."""

from django.template.loader import render_to_string

from audit.models import SYSTEM, AuditChain
from core.compiled import CompiledRead

ORDER = 2  # after open alerts and stopped background work

# One query, kept (core/compiled.py): this practice's chain, and the system chain where problems with the checkpoints
# themselves (which concern every practice) are recorded.
_FAILED = CompiledRead(
    AuditChain,
    lambda shape, *, chain: AuditChain.objects.filter(name__in=[chain, SYSTEM], verified_ok=False).values_list(
        "name", "verified_at"
    ),
    {"chain": str},
)


def audit_banner(request, staff) -> str:
    if staff is None or not staff.is_owner:
        return ""
    failed = _FAILED.rows(chain=str(staff.practice.uuid))
    if not failed:
        return ""
    return render_to_string("audit/panel.html", {"checked_at": max(at for _name, at in failed)}, request=request)


OWNER_HOME = [audit_banner]
