"""Pages that only exist for audit/tests/test_page_reads.py: a view that reads then fails, one that reads two
clients, a TemplateResponse and a streaming body."""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.urls import include, path

from audit.services import audit_list_read, audit_read
from practice.models import Client


def _client(uuid):
    return Client.objects.select_related("practice").get(uuid=uuid)


def reads_then_fails(request, client_uuid):
    client = _client(client_uuid)
    audit_read(request, client, client=client, object_type="practice.client")
    raise RuntimeError("the page broke after reading")


def reads_then_not_found(request, client_uuid):
    client = _client(client_uuid)
    audit_read(request, client, client=client, object_type="practice.client")
    raise Http404


def reads_two_clients(request, first, second):
    for uuid in (first, second):
        client = _client(uuid)
        audit_read(request, client, client=client, object_type="practice.client")
        audit_read(request, client, client=client, object_type="journey.journey")
    return HttpResponse("two clients")


def reads_and_lists(request, client_uuid):
    client = _client(client_uuid)
    audit_list_read(request, "risk.riskalert", [])
    audit_read(request, client, client=client, object_type="practice.client")
    return HttpResponse("a list and a record")


def template_response(request, client_uuid):
    client = _client(client_uuid)
    audit_read(request, client, client=client, object_type="practice.client")
    audit_read(request, client, client=client, object_type="journey.journey")
    return TemplateResponse(request, "audit/panel.html", {})


def streaming(request, client_uuid):
    client = _client(client_uuid)
    audit_read(request, client, client=client, object_type="practice.client")

    def body():
        audit_read(request, client, client=client, object_type="journey.journey")
        yield b"streamed"

    return StreamingHttpResponse(body())


urlpatterns = [
    path("t/fails/<uuid:client_uuid>/", reads_then_fails),
    path("t/missing/<uuid:client_uuid>/", reads_then_not_found),
    path("t/two/<uuid:first>/<uuid:second>/", reads_two_clients),
    path("t/lists/<uuid:client_uuid>/", reads_and_lists),
    path("t/template/<uuid:client_uuid>/", template_response),
    path("t/stream/<uuid:client_uuid>/", streaming),
    path("", include("tending.urls")),
]
