"""The staff's small changes to one client's billing: how they are billed, and their agreed fees.

Keyword-only, one transaction each, audited with the fields changed, never what was written:
an agreed fee's amount and reason are private to the therapist and the owner.
"""

from datetime import date

from django.db import transaction

from audit.models import AuditEvent
from audit.services import audit_change
from money.models import AgreedFee, BillingMode, ClientBilling
from money.services import MoneyError, client_billing


def client_billing_update(*, client, by, mode: str, billing_name: str, address: str, request=None) -> ClientBilling:
    """Set how ``client`` is billed and the name and address their next invoices carry."""
    if mode not in BillingMode.values:
        raise MoneyError("Please choose how this client is billed.")
    with transaction.atomic():
        billing = ClientBilling.objects.select_for_update().get(pk=client_billing(client).pk)
        new = {"mode": mode, "billing_name": billing_name.strip()[:150], "address": address.strip()[:500]}
        changed = [name for name, value in new.items() if getattr(billing, name) != value]
        if not changed:
            return billing
        for name in changed:
            setattr(billing, name, new[name])
        billing.save(update_fields=changed)
        audit_change(
            AuditEvent.Action.UPDATE,
            billing,
            client=client,
            request=request,
            actor=by.user if by is not None else None,
            fields=changed,
        )
    return billing


def agreed_fee_add(
    *,
    client,
    by,
    amount: int,
    agreed_on: date,
    reason: str = "",
    review_on: date | None = None,
    request=None,
) -> AgreedFee:
    """Record a fee agreed with ``client`` (a concession, a sliding scale) from ``agreed_on``."""
    if amount < 0:
        raise MoneyError("Please enter an amount of zero or more.")
    if review_on is not None and review_on < agreed_on:
        raise MoneyError("The review date should be on or after the day the fee was agreed.")
    with transaction.atomic():
        fee = AgreedFee.objects.create(
            client=client,
            amount=amount,
            agreed_on=agreed_on,
            reason=reason.strip()[:1000],
            review_on=review_on,
            recorded_by=by,
        )
        audit_change(
            AuditEvent.Action.CREATE,
            fee,
            client=client,
            request=request,
            actor=by.user if by is not None else None,
            detail={"review": review_on is not None},
        )
    return fee


def agreed_fee_end(*, fee: AgreedFee, by, on: date, request=None) -> AgreedFee:
    """End an agreed fee: ``on`` is the last day it applies. Sessions after it take the practice's fee."""
    with transaction.atomic():
        fee = AgreedFee.objects.select_for_update().select_related("client").get(pk=fee.pk)
        if fee.ends_on is not None and fee.ends_on <= on:
            raise MoneyError("This agreed fee has already ended.")
        fee.ends_on = on  # before ``agreed_on`` (a fee agreed for later), it never applies
        fee.save(update_fields=["ends_on"])
        audit_change(
            AuditEvent.Action.UPDATE,
            fee,
            client=fee.client,
            request=request,
            actor=by.user if by is not None else None,
            fields=["ends_on"],
        )
    return fee
