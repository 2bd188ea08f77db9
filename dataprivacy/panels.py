from django.template.loader import render_to_string

ORDER = 900  # at the end of the client's space


def client_home(request, client) -> str:
    return render_to_string("dataprivacy/panel_client.html", {}, request=request)


CLIENT_HOME = [client_home]
