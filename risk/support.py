"""Where the client's "your safety plan" link points: the one place to change it."""

from django.urls import NoReverseMatch, reverse

SAFETY_PLAN_URL_NAME = "safetyplan:mine"
FALLBACK_URL_NAME = "practice:crisis"


def safety_plan_url() -> str:
    try:
        return reverse(SAFETY_PLAN_URL_NAME)
    except NoReverseMatch:
        return reverse(FALLBACK_URL_NAME)
