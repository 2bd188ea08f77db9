"""A banner on the owner's home when the last check of the audit log found something wrong."""

from django.template.loader import render_to_string

from audit.models import SYSTEM, AuditChain
from core.compiled import CompiledRead
from core.panels import reading

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


def _failed_asked(staff):
    return _FAILED.asked(chain=str(staff.practice.uuid))


@reading(lambda request, staff: [_failed_asked(staff)] if staff is not None and staff.is_owner else [])
def audit_banner(request, staff) -> str:
    if staff is None or not staff.is_owner:
        return ""
    failed = _failed_asked(staff).rows()
    if not failed:
        return ""
    return render_to_string("audit/panel.html", {"checked_at": max(at for _name, at in failed)}, request=request)


OWNER_HOME = [audit_banner]
