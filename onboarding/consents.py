"""A client's consent choices, for other apps to ask about.

``has_consent(client, "journal_risk_alerts")`` is True only when the client's
newest choice of that kind said yes. No choice yet means no: everything here
is off until the client turns it on.
"""

from onboarding.models import ConsentChoice, ConsentKind

KINDS = tuple(ConsentKind.values)


def has_consent(client, kind: str) -> bool:
    if kind not in KINDS:
        raise ValueError(f"Unknown consent kind {kind!r}; expected one of {KINDS}")
    if client is None:
        return False
    latest = ConsentChoice.objects.filter(client=client, kind=kind).order_by("-decided_at", "-id").first()
    return bool(latest and latest.granted)


def current_choice(client, kind: str) -> ConsentChoice | None:
    return ConsentChoice.objects.filter(client=client, kind=kind).order_by("-decided_at", "-id").first()
