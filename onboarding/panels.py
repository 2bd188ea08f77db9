from django.template.loader import render_to_string

from audit.services import audit_read
from onboarding.consents import has_consent
from onboarding.models import Intake
from onboarding.views import steps_for

ORDER = 20


def welcome_steps(request, client) -> str:
    steps = steps_for(client)
    if steps["agreed"] and steps["intake_done"] and steps["choices_done"]:
        return ""
    return render_to_string("onboarding/panels/welcome.html", {"steps": steps}, request=request)


def intake_record(request, client) -> str:
    intake = Intake.objects.filter(client=client).first()
    if intake is not None:
        audit_read(request, intake, client=client, object_type="onboarding.intake")
    return render_to_string(
        "onboarding/panels/intake.html",
        {
            "intake": intake,
            "agreed": steps_for(client)["agreed"],
            "reminders": has_consent(client, "email_reminders"),
            "alerts": has_consent(client, "journal_risk_alerts"),
        },
        request=request,
    )


CLIENT_HOME = [welcome_steps]
CLIENT_RECORD = [intake_record]
