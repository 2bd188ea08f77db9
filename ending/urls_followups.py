from django.urls import path

from ending import views_followups

# Follow-ups after the ending ("how are you doing now?") and asking to come back.
urlpatterns = [
    path("follow-up/<uuid:follow_up_uuid>/", views_followups.follow_up, name="follow_up"),
    path("follow-up/<uuid:follow_up_uuid>/support/", views_followups.follow_up_support, name="follow_up_support"),
    path("follow-up/<uuid:follow_up_uuid>/results/", views_followups.follow_up_results_view, name="follow_up_results"),
    path("follow-up/<uuid:follow_up_uuid>/share/", views_followups.follow_up_share_view, name="follow_up_share"),
    path("come-back/", views_followups.come_back, name="come_back"),
]
