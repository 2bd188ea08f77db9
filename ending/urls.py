from ending import urls_followups, urls_summary

app_name = "ending"

# The ending summary (urls_summary) and what comes after it: follow-ups and coming back (urls_followups).
urlpatterns = [*urls_summary.urlpatterns, *urls_followups.urlpatterns]
