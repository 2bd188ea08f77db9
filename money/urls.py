from money import urls_client, urls_online, urls_reports, urls_setup, urls_staff, urls_superbills

app_name = "money"

# Three parts, one per kind of page: the practice's set-up (fees, suppliers, policy), the staff's
# work with one client's money, and the client's own invoices (with the signed email links).
urlpatterns = [
    *urls_setup.urlpatterns,
    *urls_staff.urlpatterns,
    *urls_client.urlpatterns,
    # The office's books: reports and the accountant's CSV files.
    *urls_reports.urlpatterns,
    # Superbills for a US client's own insurance claim.
    *urls_superbills.urlpatterns,
    # Paying online through Stripe Checkout: the "Pay online" button and Stripe's webhook.
    *urls_online.urlpatterns,
]
