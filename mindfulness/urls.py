from django.urls import path

from mindfulness import offline, views

app_name = "mindfulness"
urlpatterns = [
    # Client pages that work offline once visited (see mindfulness/offline.py).
    path("", views.library, name="library"),
    path("play/custom/<uuid:exercise_uuid>/", views.play_custom, name="play_custom"),
    path("play/<slug:slug>/", views.play, name="play"),
    path("play/<slug:slug>/longer/", views.play_long, name="play_long"),
    path("timer/", views.timer, name="timer"),
    path("offline/", offline.offline, name="offline"),
    # Client pages with private data: never kept offline.
    path("suggested/", views.suggested, name="suggested"),
    path("after/custom/<uuid:exercise_uuid>/", views.after_custom, name="after_custom"),
    path("after/<slug:slug>/", views.after, name="after"),
    path("what-helps-me/", views.what_helps, name="what_helps"),
    path("audio/<uuid:exercise_uuid>/", views.audio, name="audio"),
    # Therapists.
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.custom_new, name="custom_new"),
    path("manage/<uuid:exercise_uuid>/", views.custom_edit, name="custom_edit"),
    path("manage/<uuid:exercise_uuid>/archive/", views.custom_archive, name="custom_archive"),
    path("recommend/<uuid:client_uuid>/", views.recommend, name="recommend"),
    path(
        "recommendations/<uuid:recommendation_uuid>/remove/", views.recommendation_remove, name="recommendation_remove"
    ),
]
