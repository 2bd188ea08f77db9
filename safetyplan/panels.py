from django.template.loader import render_to_string

from core.panels import reading
from safetyplan.access import plan_asked, plan_for

# Near the top of the client's space: it is the page that matters most on a hard day.
ORDER = 5


@reading(lambda request, client: [plan_asked(client)])
def client_home(request, client) -> str:
    return render_to_string("safetyplan/panel_client.html", {"plan": plan_for(client)}, request=request)


@reading(lambda request, client: [plan_asked(client)])
def client_record(request, client) -> str:
    return render_to_string(
        "safetyplan/panel_record.html", {"plan": plan_for(client), "client": client}, request=request
    )


CLIENT_HOME = [client_home]
CLIENT_RECORD = [client_record]
