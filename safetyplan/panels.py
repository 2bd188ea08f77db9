from django.template.loader import render_to_string

from safetyplan.access import plan_for

# Near the top of the client's space: it is the page that matters most on a hard day.
ORDER = 5


def client_home(request, client) -> str:
    return render_to_string("safetyplan/panel_client.html", {"plan": plan_for(client)}, request=request)


def client_record(request, client) -> str:
    return render_to_string(
        "safetyplan/panel_record.html", {"plan": plan_for(client), "client": client}, request=request
    )


CLIENT_HOME = [client_home]
CLIENT_RECORD = [client_record]
