"""The practice's billing set-up pages: settings and policy, the practice as supplier, fees, therapists' billing."""

from datetime import timedelta

from django.urls import reverse

from audit.models import AuditEvent
from bookings.models import Mode
from money.fees import practice_fee
from money.forms_setup import BillingSettingsForm, SupplierForm, TherapistBillingForm
from money.models import BillingSettings, Fee, Invoice, Register, Supplier, TaxStatus, TherapistBilling
from money.services import practice_supplier, supplier_for, therapist_billing
from tending.testing.factories import PracticeFactory
from tending.testing.matrix import form_data
from tending.testing.personas import TendingTestCase

SETTINGS = reverse("money:settings")
FEES = reverse("money:fees")
ME = reverse("money:my_billing")


def _audits():
    return list(AuditEvent.objects.filter(object_type="money.settings").order_by("id"))


class SetupTestCase(TendingTestCase):
    def setUp(self):
        self.today = self.w.owner.today()

    def settings_data(self, **changes):
        form = BillingSettingsForm(instance=BillingSettings.for_practice(self.w.practice))
        supplier = SupplierForm(instance=practice_supplier(self.w.practice), prefix="supplier")
        return {**form_data(form, supplier), **changes}

    def issue_an_invoice(self):
        """An invoice on record (made directly: its numbering is the services' business, not this page's)."""
        return Invoice.objects.create(
            practice=self.w.practice,
            supplier=practice_supplier(self.w.practice),
            client=self.w.client_a,
            therapist=self.w.therapist,
            number=1,
            reference="INV-0001",
            tax_point=self.today,
            currency="GBP",
            billed_name="Cara",
            total=7000,
            net=7000,
        )


class SettingsPageTests(SetupTestCase):
    def test_the_owner_sees_the_policy_fee_formatted_and_vat_in_plain_words(self):
        settings = BillingSettings.for_practice(self.w.practice)
        settings.late_cancel_fee = 3000
        settings.save()
        page = self.as_("owner").get(SETTINGS)
        self.assertEqual(page.status_code, 200)
        self.assertContains(page, 'value="£30.00"')
        self.assertContains(page, "Most therapists are not registered for VAT")
        self.assertContains(page, "VATHLT2300")
        self.assertContains(page, reverse("money:staff_billing", kwargs={"staff_uuid": self.w.therapist.uuid}))

    def test_the_owner_saves_the_settings_and_the_practice_supplier_and_it_is_audited(self):
        before = len(_audits())
        data = self.settings_data(
            payment_days="21",
            late_cancel_enabled="on",
            late_cancel_hours="24",
            late_cancel_fee="30.50",
            **{
                "supplier-name": "Willow Tree Therapy",
                "supplier-address": "1 Willow Lane\nBristol",
                "supplier-tax_status": TaxStatus.VAT,
                "supplier-vat_number": "gb 123 4567 89",
                "supplier-tax_rate": "20",
            },
        )
        response = self.as_("owner").post(SETTINGS, data)
        self.assertRedirects(response, SETTINGS)
        settings = BillingSettings.for_practice(self.w.practice)
        self.assertEqual((settings.payment_days, settings.late_cancel_hours), (21, 24))
        self.assertTrue(settings.late_cancel_enabled)
        self.assertEqual(settings.late_cancel_fee, 3050)
        supplier = practice_supplier(self.w.practice)
        self.assertEqual(supplier.name, "Willow Tree Therapy")
        self.assertEqual(supplier.vat_number, "GB123456789")
        self.assertEqual(supplier.tax_status, TaxStatus.VAT)
        audits = _audits()
        self.assertEqual(len(audits), before + 1)
        changed = audits[-1].detail["changed"]
        for name in ("payment_days", "late_cancel_fee", "vat_number", "tax_status"):
            self.assertIn(name, changed)
        # Names what changed, never the amounts.
        self.assertNotIn("3050", changed)
        self.assertNotIn("30.50", changed)

    def test_a_fee_typed_as_whole_pounds_is_kept_in_pence(self):
        self.as_("owner").post(SETTINGS, self.settings_data(late_cancel_enabled="on", late_cancel_fee="30"))
        self.assertEqual(BillingSettings.for_practice(self.w.practice).late_cancel_fee, 3000)

    def test_bad_input_keeps_what_was_typed_with_a_kind_message_and_saves_nothing(self):
        before = len(_audits())
        data = self.settings_data(late_cancel_enabled="on", late_cancel_fee="thirty", description="Therapy hour")
        page = self.as_("owner").post(SETTINGS, data)
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "Please enter an amount, for example 70 or 70.50.", status_code=400)
        self.assertContains(page, 'value="thirty"', status_code=400)
        self.assertContains(page, 'value="Therapy hour"', status_code=400)
        settings = BillingSettings.for_practice(self.w.practice)
        self.assertFalse(settings.late_cancel_enabled)
        self.assertEqual(settings.description, "Counselling session")
        self.assertEqual(len(_audits()), before)

    def test_a_policy_turned_on_needs_its_fee(self):
        page = self.as_("owner").post(SETTINGS, self.settings_data(late_cancel_enabled="on", late_cancel_fee=""))
        self.assertContains(
            page, "Please enter the fee for a late cancellation, or turn the policy off.", status_code=400
        )

    def test_vat_needs_a_proper_number_and_prefixes_must_differ(self):
        owner = self.as_("owner")
        page = owner.post(SETTINGS, self.settings_data(**{"supplier-tax_status": TaxStatus.VAT}))
        self.assertContains(page, "needs its VAT number", status_code=400)
        page = owner.post(
            SETTINGS, self.settings_data(**{"supplier-tax_status": TaxStatus.VAT, "supplier-vat_number": "12345"})
        )
        self.assertContains(page, "GB followed by 9 digits", status_code=400)
        self.assertContains(page, 'value="12345"', status_code=400)
        page = owner.post(SETTINGS, self.settings_data(**{"supplier-credit_prefix": "INV-"}))
        self.assertContains(page, "different beginnings", status_code=400)
        self.assertEqual(practice_supplier(self.w.practice).tax_status, TaxStatus.NONE)

    def test_the_currency_may_change_until_an_invoice_exists_then_it_is_locked(self):
        owner = self.as_("owner")
        self.assertRedirects(owner.post(SETTINGS, self.settings_data(currency="EUR")), SETTINGS)
        self.assertEqual(BillingSettings.for_practice(self.w.practice).currency, "EUR")
        self.assertRedirects(owner.post(SETTINGS, self.settings_data(currency="GBP")), SETTINGS)
        self.issue_an_invoice()
        page = owner.get(SETTINGS)
        self.assertContains(page, "so it stays as it is")
        page = owner.post(SETTINGS, self.settings_data(currency="USD"))
        self.assertContains(page, "The currency cannot change now", status_code=400)
        self.assertEqual(BillingSettings.for_practice(self.w.practice).currency, "GBP")

    def test_prefixes_may_change_after_invoices_and_numbers_carry_on(self):
        self.issue_an_invoice()
        response = self.as_("owner").post(SETTINGS, self.settings_data(**{"supplier-invoice_prefix": "WT-"}))
        self.assertRedirects(response, SETTINGS)
        self.assertEqual(practice_supplier(self.w.practice).invoice_prefix, "WT-")

    def test_only_an_owner_opens_it(self):
        self.assertEqual(self.as_("therapist").get(SETTINGS).status_code, 404)
        self.assertEqual(self.as_("client_a").get(SETTINGS).status_code, 404)
        response = self.as_("anonymous").post(SETTINGS, self.settings_data(payment_days="3"))
        self.assertEqual(response.status_code, 302)
        self.assertIn(reverse("account_login"), response["Location"])
        response = self.as_("therapist").post(SETTINGS, self.settings_data(payment_days="3"))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(BillingSettings.for_practice(self.w.practice).payment_days, 14)


class FeesPageTests(SetupTestCase):
    def fee(self, amount, days_from_today, therapist=None, minutes=None, mode=""):
        return Fee.objects.create(
            practice=self.w.practice,
            therapist=therapist,
            minutes=minutes,
            mode=mode,
            amount=amount,
            valid_from=self.today + timedelta(days=days_from_today),
        )

    def test_the_owner_adds_a_fee_from_today_and_it_is_audited(self):
        before = len(_audits())
        response = self.as_("owner").post(
            FEES, {"amount": "£70", "minutes": "50", "mode": Mode.IN_PERSON, "valid_from": self.today.isoformat()}
        )
        self.assertRedirects(response, FEES)
        fee = Fee.objects.get(practice=self.w.practice)
        self.assertEqual((fee.amount, fee.minutes, fee.mode, fee.therapist), (7000, 50, Mode.IN_PERSON, None))
        self.assertEqual((fee.valid_from, fee.created_by), (self.today, self.w.owner))
        audits = _audits()
        self.assertEqual(len(audits), before + 1)
        self.assertIn(str(fee.uuid), audits[-1].detail["changed"])
        self.assertNotIn("7000", audits[-1].detail["changed"])

    def test_an_older_session_keeps_its_fee_after_a_new_fee(self):
        self.fee(7000, -60)
        response = self.as_("owner").post(
            FEES, {"amount": "75.00", "therapist": self.w.therapist.pk, "valid_from": self.today.isoformat()}
        )
        self.assertRedirects(response, FEES)
        last_week = practice_fee(therapist=self.w.therapist, on=self.today - timedelta(days=7), minutes=50, mode="")
        today = practice_fee(therapist=self.w.therapist, on=self.today, minutes=50, mode="")
        self.assertEqual((last_week.amount, today.amount), (7000, 7500))
        # Ben's sessions keep the practice's fee.
        self.assertEqual(practice_fee(therapist=self.w.colleague, on=self.today, minutes=50, mode="").amount, 7000)
        page = self.as_("owner").get(FEES)
        self.assertContains(page, "£75.00")
        self.assertContains(page, "The free consultation is always free")

    def test_a_newer_practice_fee_puts_the_old_one_among_earlier_fees(self):
        self.fee(7000, -60)
        self.fee(7200, -5)
        self.fee(8000, 20)
        page = self.as_("owner").get(FEES)
        self.assertEqual([f.amount for f in page.context["current"]], [7200])
        self.assertEqual([f.amount for f in page.context["earlier"]], [7000])
        self.assertEqual([f.amount for f in page.context["coming"]], [8000])

    def test_bad_fees_keep_what_was_typed_with_a_kind_message(self):
        owner = self.as_("owner")
        page = owner.post(FEES, {"amount": "seventy", "minutes": "50", "valid_from": self.today.isoformat()})
        self.assertContains(page, "Please enter an amount, for example 70 or 70.50.", status_code=400)
        self.assertContains(page, 'value="seventy"', status_code=400)
        self.assertContains(page, 'value="50"', status_code=400)
        page = owner.post(FEES, {"amount": "0", "valid_from": self.today.isoformat()})
        self.assertContains(page, "Please enter a fee above zero", status_code=400)
        yesterday = self.today - timedelta(days=1)
        page = owner.post(FEES, {"amount": "70", "valid_from": yesterday.isoformat()})
        self.assertContains(page, "A new fee starts today or later", status_code=400)
        page = owner.post(FEES, {"amount": "70", "therapist": self.w.outsider.pk, "valid_from": self.today.isoformat()})
        self.assertEqual(page.status_code, 400)
        self.assertFalse(Fee.objects.exists())

    def test_a_therapist_sees_the_fees_that_apply_to_them_and_changes_none(self):
        everyone = self.fee(7000, -30)
        anas = self.fee(8000, -30, therapist=self.w.therapist)
        self.fee(9000, -30, therapist=self.w.colleague)
        ana = self.as_("therapist")
        page = ana.get(FEES)
        self.assertEqual(page.status_code, 200)
        self.assertEqual({f.pk for f in page.context["current"]}, {everyone.pk, anas.pk})
        self.assertNotContains(page, "£90.00")
        self.assertIsNone(page.context["form"])
        self.assertNotContains(page, "Add a fee")
        self.assertContains(page, "The free consultation is always free")
        response = ana.post(FEES, {"amount": "1", "valid_from": self.today.isoformat()})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(Fee.objects.count(), 3)
        self.assertEqual(self.as_("client_a").get(FEES).status_code, 404)

    def test_a_fee_not_yet_begun_may_be_removed_and_one_begun_may_not(self):
        coming = self.fee(8000, 10)
        begun = self.fee(7000, 0)
        owner = self.as_("owner")
        before = len(_audits())
        response = owner.post(reverse("money:fee_delete", kwargs={"fee_uuid": coming.uuid}))
        self.assertRedirects(response, FEES)
        self.assertFalse(Fee.objects.filter(pk=coming.pk).exists())
        self.assertEqual(len(_audits()), before + 1)
        response = owner.post(reverse("money:fee_delete", kwargs={"fee_uuid": begun.uuid}), follow=True)
        self.assertContains(response, "That fee has already begun, so it stays")
        self.assertTrue(Fee.objects.filter(pk=begun.pk).exists())
        self.assertEqual(len(_audits()), before + 1)

    def test_only_the_practices_owner_removes_a_fee(self):
        coming = self.fee(8000, 10)
        url = reverse("money:fee_delete", kwargs={"fee_uuid": coming.uuid})
        self.assertEqual(self.as_("therapist").post(url).status_code, 404)
        self.assertEqual(self.as_("outsider").post(url).status_code, 404)
        self.assertEqual(self.as_("owner").get(url).status_code, 405)
        self.assertTrue(Fee.objects.filter(pk=coming.pk).exists())


class StaffBillingPageTests(SetupTestCase):
    def url(self, member):
        return reverse("money:staff_billing", kwargs={"staff_uuid": member.uuid})

    def data(self, **changes):
        return {**form_data(TherapistBillingForm(instance=therapist_billing(self.w.therapist))), **changes}

    def test_the_owner_records_a_registration_and_it_is_audited(self):
        before = len(_audits())
        response = self.as_("owner").post(
            self.url(self.w.therapist), self.data(register=Register.BACP, registration_number=" 00123456 ")
        )
        self.assertRedirects(response, self.url(self.w.therapist))
        billing = TherapistBilling.objects.get(therapist=self.w.therapist)
        self.assertEqual(billing.registration_line, "BACP registration 00123456")
        self.assertFalse(Supplier.objects.filter(therapist=self.w.therapist).exists())
        audits = _audits()
        self.assertEqual(len(audits), before + 1)
        self.assertIn("registration_number", audits[-1].detail["changed"])

    def test_a_register_needs_its_number_and_another_register_its_name(self):
        owner = self.as_("owner")
        page = owner.post(self.url(self.w.therapist), self.data(register=Register.HCPC))
        self.assertContains(page, "Please give the number, so it can be printed on invoices.", status_code=400)
        self.assertContains(page, '<option value="HCPC" selected>', status_code=400)
        page = owner.post(self.url(self.w.therapist), self.data(register=Register.OTHER, registration_number="9"))
        self.assertContains(page, "Please give the register&#x27;s name.", status_code=400)
        self.assertEqual(therapist_billing(self.w.therapist).register, "")

    def test_invoicing_in_their_own_name_makes_their_own_supplier(self):
        response = self.as_("owner").post(
            self.url(self.w.therapist),
            self.data(
                invoices_in_own_name="on",
                **{
                    "supplier-name": "Ana Therapist Counselling",
                    "supplier-address": "2 Oak Road",
                    "supplier-tax_status": TaxStatus.NONE,
                    "supplier-tax_rate": "20",
                    "supplier-tax_label": "VAT",
                    "supplier-invoice_prefix": "AT-",
                    "supplier-credit_prefix": "ATC-",
                    "supplier-receipt_prefix": "ATR-",
                },
            ),
        )
        self.assertRedirects(response, self.url(self.w.therapist))
        own = supplier_for(self.w.therapist)
        self.assertEqual(
            (own.therapist, own.name, own.invoice_prefix), (self.w.therapist, "Ana Therapist Counselling", "AT-")
        )
        self.assertEqual(supplier_for(self.w.colleague), practice_supplier(self.w.practice))
        page = self.as_("owner").get(self.url(self.w.therapist))
        self.assertContains(page, "Ana Therapist Counselling")

    def test_their_own_details_must_be_right_before_invoices_come_from_them(self):
        page = self.as_("owner").post(
            self.url(self.w.therapist),
            self.data(invoices_in_own_name="on", **{"supplier-name": "Ana", "supplier-tax_status": TaxStatus.VAT}),
        )
        self.assertEqual(page.status_code, 400)
        self.assertContains(page, "needs its VAT number", status_code=400)
        self.assertFalse(therapist_billing(self.w.therapist).invoices_in_own_name)
        self.assertFalse(Supplier.objects.filter(therapist=self.w.therapist).exists())

    def test_the_vat_of_their_sessions_is_explained(self):
        supplier = practice_supplier(self.w.practice)
        supplier.tax_status, supplier.vat_number = TaxStatus.VAT, "GB123456789"
        supplier.save()
        billing = therapist_billing(self.w.therapist)
        billing.register, billing.registration_number = Register.HCPC, "PYL1"
        billing.save()
        self.assertContains(self.as_("owner").get(self.url(self.w.therapist)), "Exempt from VAT")
        billing.register = Register.UKCP
        billing.save()
        self.assertContains(self.as_("owner").get(self.url(self.w.therapist)), "VAT at 20% is inside each fee")

    def test_only_an_owner_of_the_practice_opens_a_therapists_billing(self):
        self.assertEqual(self.as_("colleague").get(self.url(self.w.therapist)).status_code, 404)
        self.assertEqual(self.as_("therapist").get(self.url(self.w.therapist)).status_code, 404)
        self.assertEqual(self.as_("outsider").get(self.url(self.w.therapist)).status_code, 404)
        self.assertEqual(self.as_("owner").get(self.url(self.w.outsider)).status_code, 404)
        # Olive is an owner, not a therapist: she has no sessions to bill.
        self.assertEqual(self.as_("owner").get(self.url(self.w.owner)).status_code, 404)
        response = self.as_("colleague").post(self.url(self.w.therapist), self.data(register=Register.BACP))
        self.assertEqual(response.status_code, 404)
        self.assertEqual(therapist_billing(self.w.therapist).register, "")


class MyBillingPageTests(SetupTestCase):
    def data(self, **changes):
        form = TherapistBillingForm(instance=therapist_billing(self.w.therapist), own_name=False)
        return {**form_data(form), **changes}

    def test_a_therapist_keeps_their_registration_but_not_who_invoices(self):
        before = len(_audits())
        response = self.as_("therapist").post(
            ME, self.data(register=Register.HCPC, registration_number="PYL01234", invoices_in_own_name="on")
        )
        self.assertRedirects(response, ME)
        billing = therapist_billing(self.w.therapist)
        self.assertEqual(billing.registration_line, "HCPC registration PYL01234")
        self.assertFalse(billing.invoices_in_own_name)
        self.assertEqual(len(_audits()), before + 1)
        page = self.as_("therapist").get(ME)
        self.assertNotContains(page, "invoices_in_own_name")
        self.assertNotContains(page, "Your invoicing details")

    def test_in_their_own_name_they_edit_their_details_but_not_the_numbering(self):
        billing = therapist_billing(self.w.therapist)
        billing.invoices_in_own_name = True
        billing.save()
        own = supplier_for(self.w.therapist)
        page = self.as_("therapist").get(ME)
        self.assertContains(page, "Your invoicing details")
        self.assertNotContains(page, "supplier-invoice_prefix")
        response = self.as_("therapist").post(
            ME,
            self.data(
                **{
                    "supplier-name": "Ana T Counselling",
                    "supplier-address": "3 Elm Street",
                    "supplier-tax_status": TaxStatus.VAT,
                    "supplier-vat_number": "GB987654321",
                    "supplier-tax_rate": "20",
                    "supplier-tax_label": "VAT",
                    "supplier-invoice_prefix": "HACK-",
                }
            ),
        )
        self.assertRedirects(response, ME)
        own.refresh_from_db()
        self.assertEqual((own.name, own.vat_number, own.tax_status), ("Ana T Counselling", "GB987654321", "vat"))
        self.assertEqual(own.invoice_prefix, "AT-")  # Ana Therapist's initials, as made: unchanged

    def test_bad_details_keep_what_was_typed(self):
        billing = therapist_billing(self.w.therapist)
        billing.invoices_in_own_name = True
        billing.save()
        page = self.as_("therapist").post(
            ME,
            self.data(**{"supplier-name": "Ana T", "supplier-tax_status": TaxStatus.VAT, "supplier-vat_number": "x1"}),
        )
        self.assertContains(page, "GB followed by 9 digits", status_code=400)
        self.assertContains(page, 'value="Ana T"', status_code=400)
        self.assertEqual(supplier_for(self.w.therapist).name, "Ana Therapist")

    def test_only_a_therapist_has_their_own_billing(self):
        self.assertEqual(self.as_("owner").get(ME).status_code, 404)
        self.assertEqual(self.as_("client_a").get(ME).status_code, 404)
        self.assertEqual(self.as_("therapist").get(ME).status_code, 200)
        self.assertEqual(self.as_("anonymous").get(ME).status_code, 302)

    def test_another_practices_fees_are_never_shown(self):
        other = PracticeFactory()
        Fee.objects.create(practice=other, amount=12345, valid_from=self.today)
        self.assertNotContains(self.as_("therapist").get(FEES), "£123.45")
