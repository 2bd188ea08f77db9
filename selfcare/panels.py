from django.template.loader import render_to_string

from core.compiled import CompiledRead
from core.panels import reading
from selfcare.models import Activity

ORDER = 45

# Three of the client's activities, a different few each time: built by the ORM once (core/compiled.py).
_A_FEW = CompiledRead(
    Activity, lambda shape, *, client: Activity.objects.for_client(client).order_by("?")[:3], {"client": int}
)


@reading(lambda request, client: [_A_FEW.asked(client=client.pk)])
def client_home(request, client) -> str:
    activities = _A_FEW.objects(client=client.pk)
    return render_to_string("selfcare/panel_client.html", {"activities": activities}, request=request)


CLIENT_HOME = [client_home]
