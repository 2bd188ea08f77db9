"""Every money URL, for the authorization matrix and the accessibility scan (one list per kind of page)."""

from money.tests import routes_client, routes_online, routes_reports, routes_setup, routes_staff, routes_superbills

ROUTES = [
    *routes_setup.ROUTES,
    *routes_staff.ROUTES,
    *routes_client.ROUTES,
    *routes_superbills.ROUTES,
    *routes_reports.ROUTES,
    *routes_online.ROUTES,
]
