"""The billing set-up pages (money/urls_setup.py), for the authorization matrix and the accessibility scan."""

from datetime import timedelta

from money.forms_setup import BillingSettingsForm, SupplierForm, TherapistBillingForm
from money.models import BillingSettings, Fee
from money.services import practice_supplier, therapist_billing
from tending.testing.matrix import OFFICE, OFFICE_OF_STAFF, OK, THERAPIST, Route, form_data


def _settings(w, _):
    form = BillingSettingsForm(instance=BillingSettings.for_practice(w.practice))
    supplier = SupplierForm(instance=practice_supplier(w.practice), prefix="supplier")
    return {**form_data(form, supplier), "payment_days": "21", "late_cancel_fee": "30"}


def _new_fee(w, _):
    return {"amount": "75", "minutes": "50", "mode": "", "therapist": "", "valid_from": w.owner.today().isoformat()}


def _anas_coming_fee(w):
    """A fee of Ana's that begins next month: one that may still be removed."""
    return Fee.objects.create(
        practice=w.practice, therapist=w.therapist, amount=8000, valid_from=w.owner.today() + timedelta(days=30)
    )


def _anas_billing(w, _):
    form = TherapistBillingForm(instance=therapist_billing(w.therapist))
    return {**form_data(form), "register": "BACP", "registration_number": "00123456"}


def _own_registration(w, _):
    form = TherapistBillingForm(instance=therapist_billing(w.therapist), own_name=False)
    return {**form_data(form), "register": "HCPC", "registration_number": "PYL01234"}


def _ana(w, _):
    return {"staff_uuid": w.therapist.uuid}


ROUTES = [
    # The office (owners and the administrator) sets billing up.
    Route("money:settings", OFFICE, methods=("GET", "POST"), post_data=_settings),
    # Therapists read the fees that apply to them; only the office adds one (a therapist's POST is a 404:
    # money/tests/test_setup_pages.py).
    Route(
        "money:fees",
        OFFICE,
        methods=("GET", "POST"),
        post_data=_new_fee,
        expect={"therapist": OK, "colleague": OK, "former": OK, "cover": OK},
    ),
    # A Willow fee: Willow's office may remove it (Zed, of Oak, gets a 404).
    Route(
        "money:fee_delete",
        OFFICE_OF_STAFF,
        setup=_anas_coming_fee,
        kwargs=lambda w, fee: {"fee_uuid": fee.uuid},
        methods=("POST",),
    ),
    Route("money:staff_billing", OFFICE_OF_STAFF, kwargs=_ana, methods=("GET", "POST"), post_data=_anas_billing),
    Route("money:my_billing", THERAPIST, methods=("GET", "POST"), post_data=_own_registration),
]
