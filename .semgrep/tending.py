# Cases for `semgrep --test .semgrep`: each "ruleid" line must be found, each "ok" line must not.
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt


def view(request, cursor, Entry):
    # ruleid: tending-no-mark-safe
    mark_safe(request.GET["bio"])
    # ruleid: tending-no-get-by-request-id
    Entry.objects.get(pk=request.GET["id"])
    # ok: tending-no-get-by-request-id
    Entry.objects.get(pk=1)
    # ruleid: tending-no-formatted-sql
    cursor.execute(f"SELECT * FROM x WHERE name = '{request.GET['q']}'")
    # ok: tending-no-formatted-sql
    cursor.execute("SELECT * FROM x WHERE name = %s", [request.GET["q"]])


# ruleid: tending-no-csrf-exempt
@csrf_exempt
def hook(request):
    return None


# ruleid: tending-no-debug-true
DEBUG = True
