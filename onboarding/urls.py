from django.urls import path

from onboarding import views

app_name = "onboarding"
urlpatterns = [
    path("", views.welcome, name="welcome"),
    path("agreement/", views.agreement, name="agreement"),
    path("about-you/", views.intake, name="intake"),
    path("choices/", views.choices, name="choices"),
    path("documents/<str:kind>/", views.document_edit, name="document_edit"),
]
