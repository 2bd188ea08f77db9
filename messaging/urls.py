from messaging import urls_client, urls_staff

app_name = "messaging"

# The client's pages (urls_client) and the practice's (urls_staff): one namespace, two owners.
urlpatterns = [*urls_client.urlpatterns, *urls_staff.urlpatterns]
