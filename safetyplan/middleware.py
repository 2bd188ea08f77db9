from django.urls import reverse


class ClearOfflineCopyOnSignInOut:
    """Drops everything this site kept on the device (the offline safety plan among it) when someone
    signs in or out, so a shared phone never shows one person's plan to the next.

    ``Clear-Site-Data: "storage"`` empties the Cache API (the service worker's caches) and
    unregisters the worker; it re-registers on the next page that uses it.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self._paths = None

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST" and response.status_code in (301, 302, 303):
            if self._paths is None:
                self._paths = {reverse("account_logout"), reverse("account_login")}
            if request.path in self._paths:
                response["Clear-Site-Data"] = '"cache", "storage"'
        return response
