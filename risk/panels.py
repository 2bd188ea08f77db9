"""Open risk alerts pinned at the top of the therapist's home (and the caseload)."""

from django.template.loader import render_to_string

from practice.access import staff_for
from risk.models import RiskAlert

ORDER = 0  # first: nothing on the page matters more


def open_alerts_panel(request, staff) -> str:
    staff = staff or staff_for(request.user)
    if staff is None:
        return ""
    alerts = list(RiskAlert.objects.with_people().for_staff(staff).open()[:20])
    if not alerts:
        return ""
    return render_to_string("risk/panel_open.html", {"alerts": alerts}, request=request)


def client_alerts_panel(request, client) -> str:
    alerts = list(RiskAlert.objects.filter(client=client).select_related("acknowledged_by")[:5])
    if not alerts:
        return ""
    return render_to_string("risk/panel_client.html", {"alerts": alerts, "client": client}, request=request)


THERAPIST_HOME = [open_alerts_panel]
OWNER_HOME = [open_alerts_panel]
CLIENT_RECORD = [client_alerts_panel]
