from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from audit.services import audit_list_read, audit_read
from practice.access import care_team_required
from risk.access import alerts_for_staff, get_alert_for_staff
from risk.context import alert_context
from risk.forms import AcknowledgeForm
from risk.services import RiskAlertError, risk_alert_acknowledge

LIST_LIMIT = 50


@care_team_required
def alert_list(request):
    alerts = alerts_for_staff(request.staff)
    open_alerts = list(alerts.open()[:LIST_LIMIT])
    recent = list(alerts.filter(acknowledged_at__isnull=False)[:20])
    audit_list_read(request, "risk.riskalert", [*open_alerts, *recent])
    return render(request, "risk/list.html", {"open_alerts": open_alerts, "recent": recent})


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
