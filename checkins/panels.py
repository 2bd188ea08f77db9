"""The check-in invitation on the client's home."""

from django.template.loader import render_to_string

from checkins.access import todays_checkin_asked, todays_checkin_for_client
from core.panels import reading

ORDER = 20


@reading(lambda request, client: [todays_checkin_asked(client)])
def checkin_panel(request, client) -> str:
    return render_to_string("checkins/panel.html", {"today": todays_checkin_for_client(client)}, request=request)


CLIENT_HOME = [checkin_panel]
