"""Every messaging URL, for the authorization matrix and the accessibility scan."""

from messaging.tests import routes_client, routes_notices, routes_staff

ROUTES = [*routes_client.ROUTES, *routes_staff.ROUTES, *routes_notices.ROUTES]
