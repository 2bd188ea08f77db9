from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.services import audit_list_read, audit_read
from core.compiled import CompiledRead
from practice.access import care_team_required
from practice.models import Client
from risk.access import get_alert_for_staff
from risk.context import alert_context
from risk.forms import AcknowledgeForm
from risk.models import RiskAlert
from risk.panels import LINE_SHOWN, alert_lines
from risk.selectors import roles, seen_by
from risk.services import RiskAlertError, risk_alert_acknowledge

LIST_LIMIT = 50
RECENT_LIMIT = 20


def _listed(shape, *, staff, practice):
    """The alerts of the list (``alerts_for_staff``): waiting for acknowledgement, or the latest acknowledged. Only
    what each line shows (risk/_alert_line.html) and the audit names: joining the practice, the therapist and the
    acknowledger as the alert's page does made planning the query cost ten times running it."""
    acknowledged = shape[-1]
    alerts = (
        seen_by(shape, staff, practice)
        .exclude(client__in=Client.objects.erased())
        .select_related("client__user")
        .only(*LINE_SHOWN, "client__uuid", "acknowledged_at", "action_taken")
    )
    return alerts.filter(acknowledged_at__isnull=False)[:RECENT_LIMIT] if acknowledged else alerts.open()[:LIST_LIMIT]


# Built by the ORM once per role (core/compiled.py).
_LISTED = CompiledRead(RiskAlert, _listed, {"staff": int, "practice": int})


@care_team_required
def alert_list(request):
    staff = request.staff
    open_alerts = _LISTED.objects((*roles(staff), False), staff=staff.pk, practice=staff.practice_id)
    recent = _LISTED.objects((*roles(staff), True), staff=staff.pk, practice=staff.practice_id)
    audit_list_read(request, "risk.riskalert", [*open_alerts, *recent])
    return render(
        request,
        "risk/list.html",
        {"open_alerts": alert_lines(open_alerts, staff), "recent": alert_lines(recent, staff, acknowledged=True)},
    )


@care_team_required
def alert_detail(request, alert_uuid):
    alert = get_alert_for_staff(request.user, alert_uuid)
    return _render_alert(request, alert, AcknowledgeForm())


@care_team_required
@require_POST
def acknowledge(request, alert_uuid):
    alert = get_alert_for_staff(request.user, alert_uuid)
    form = AcknowledgeForm(request.POST)
    if alert.is_open and form.is_valid():
        try:
            risk_alert_acknowledge(
                alert=alert,
                user=request.user,
                action_taken=form.cleaned_data["action_taken"],
                note=form.cleaned_data["note"],
                request=request,
            )
        except RiskAlertError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you. The alert is acknowledged and what you did is recorded.")
            return redirect("risk:alert", alert_uuid=alert.uuid)
    elif not alert.is_open:
        messages.info(request, "This alert was already acknowledged.")
        return redirect("risk:alert", alert_uuid=alert.uuid)
    return _render_alert(request, alert, form)


def _render_alert(request, alert, form):
    audit_read(request, alert, client=alert.client, object_type="risk.riskalert")
    context = alert_context(alert, user=request.user)
    # The answer and the contact details on the page are reads of the client's record too.
    for shown in context.shown:
        audit_read(request, shown, client=alert.client, detail={"via": "risk.riskalert", "alert": str(alert.uuid)})
    return render(request, "risk/alert.html", {"alert": alert, "form": form, "page": context})
