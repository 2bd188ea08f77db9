"""A client's consent choices, for other apps to ask about.

``has_consent(client, "journal_risk_alerts")`` is True only when the client's
newest choice of that kind said yes. No choice yet means no: everything here
is off until the client turns it on.
"""

from core.compiled import CompiledRead
from onboarding.models import ConsentChoice, ConsentKind

KINDS = tuple(ConsentKind.values)


def _newest(client, kind):
    return ConsentChoice.objects.filter(client=client, kind=kind).order_by("-decided_at", "-id")


# Asked by the journal on each view, by each risk check of a check-in, entry or message, and before each reminder:
# built by the ORM once (core/compiled.py).
_GRANTED = CompiledRead(
    ConsentChoice,
    lambda shape, *, client, kind: _newest(client, kind).values_list("granted")[:1],
    {"client": int, "kind": str},
)


def has_consent(client, kind: str) -> bool:
    if kind not in KINDS:
        raise ValueError(f"Unknown consent kind {kind!r}; expected one of {KINDS}")
    if client is None:
        return False
    (granted,) = _GRANTED.row(default=(False,), client=client.pk, kind=kind)
    return granted


def current_choice(client, kind: str) -> ConsentChoice | None:
    return _newest(client, kind).first()
