from django.urls import path

from formulation import views

app_name = "formulation"
urlpatterns = [
    path("clients/<uuid:client_uuid>/", views.detail, name="detail"),
    path("clients/<uuid:client_uuid>/symptoms/new/", views.symptom_new, name="symptom_new"),
    path("clients/<uuid:client_uuid>/causes/new/", views.cause_new, name="cause_new"),
    path("symptoms/<uuid:symptom_uuid>/", views.symptom, name="symptom"),
    path("symptoms/<uuid:symptom_uuid>/edit/", views.symptom_edit, name="symptom_edit"),
    path("causes/<uuid:cause_uuid>/", views.cause, name="cause"),
    path("causes/<uuid:cause_uuid>/edit/", views.cause_edit, name="cause_edit"),
    path("insights/<uuid:insight_uuid>/set-aside/", views.insight_dismiss, name="insight_dismiss"),
]
