"""Every ending URL, for the authorization matrix and the accessibility scan."""

from ending.tests import routes_followups, routes_summary

ROUTES = [*routes_summary.ROUTES, *routes_followups.ROUTES]
