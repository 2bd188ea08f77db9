from money import urls_client, urls_setup, urls_staff

app_name = "money"

# Three parts, one per kind of page: the practice's set-up (fees, suppliers, policy), the staff's
# work with one client's money, and the client's own invoices (with the signed email links).
urlpatterns = [*urls_setup.urlpatterns, *urls_staff.urlpatterns, *urls_client.urlpatterns]
