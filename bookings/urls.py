from django.urls import path

from bookings import views_people as people
from bookings import views_public as public

app_name = "bookings"
urlpatterns = [
    # Public: the practice's front door and the free consultation.
    path("p/<slug:slug>/", public.practice_page, name="practice"),
    path("p/<slug:slug>/book/", public.consult_slots, name="consult_slots"),
    path("p/<slug:slug>/book/<str:slot>/", public.consult_form, name="consult_form"),
    path("p/<slug:slug>/booked/", public.consult_booked, name="consult_booked"),
    path("book/manage/<str:signed>/", public.manage, name="manage"),
    path("book/manage/<str:signed>/move/", public.manage_move, name="manage_move"),
    path("book/manage/<str:signed>/cancel/", public.manage_cancel, name="manage_cancel"),
    path("book/manage/<str:signed>/calendar.ics", public.manage_ics, name="manage_ics"),
    path("calendar/feed/<str:token>.ics", public.therapist_feed, name="therapist_feed"),
    # Clients.
    path("sessions/", people.mine, name="mine"),
    path("sessions/book/<str:slot>/", people.book_session, name="book_session"),
    path("sessions/<uuid:appointment_uuid>/", people.session, name="session"),
    path("sessions/<uuid:appointment_uuid>/move/", people.session_move, name="session_move"),
    path("sessions/<uuid:appointment_uuid>/cancel/", people.session_cancel, name="session_cancel"),
    path("sessions/<uuid:appointment_uuid>/calendar.ics", people.session_ics, name="session_ics"),
    # Therapists.
    path("calendar/", people.agenda, name="agenda"),
    path("calendar/availability/", people.availability, name="availability"),
    path("calendar/days-off/", people.days_off, name="days_off"),
    path("calendar/feed/", people.feed, name="feed"),
    path("calendar/appointments/<uuid:appointment_uuid>/", people.appointment_detail, name="appointment"),
    path(
        "calendar/appointments/<uuid:appointment_uuid>/outcome/", people.appointment_outcome, name="appointment_outcome"
    ),
    path(
        "calendar/appointments/<uuid:appointment_uuid>/<str:action>/",
        people.appointment_action,
        name="appointment_action",
    ),
    path("calendar/clients/<uuid:client_uuid>/book/", people.book_for_client, name="book_for_client"),
    path("calendar/clients/<uuid:client_uuid>/care/", people.care, name="care"),
    # Owners.
    path("owner/bookings/", people.practice_rules, name="practice_rules"),
]
