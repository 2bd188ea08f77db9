from django.template.loader import render_to_string

from selfcare.models import Activity

ORDER = 45


def client_home(request, client) -> str:
    activities = list(Activity.objects.for_client(client).order_by("?")[:3])
    return render_to_string("selfcare/panel_client.html", {"activities": activities}, request=request)


CLIENT_HOME = [client_home]
