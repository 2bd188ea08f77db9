"""The crisis page (crisis/contacts.py holds the numbers): here because it puts the visitor's practice first."""

from django.db import DatabaseError
from django.shortcuts import render

from crisis.contacts import BY_CODE, VERIFIED_ON, contacts_for
from practice.access import practice_for
from practice.models import Practice


def crisis(request):
    """The crisis contacts. Needs no sign-in, and still renders when the database is down."""
    practice = None
    try:
        practice = practice_for(request.user)
        if practice is None:
            # With one practice on the server (the usual case) its country is the visitor's best guess.
            practices = list(
                Practice.objects.only(
                    "country", "name", "extra_crisis_line", "extra_crisis_number", "crisis_contacts_confirmed_on"
                )[:2]
            )
            practice = practices[0] if len(practices) == 1 else None
    except DatabaseError:
        practice = None
    country = contacts_for(practice.country if practice else "GB")
    others = [c for code, c in BY_CODE.items() if code != country.code]
    return render(
        request,
        "crisis/crisis.html",
        {
            "country": country,
            "others": others,
            "practice": practice,
            "verified_on": VERIFIED_ON,
        },
    )
