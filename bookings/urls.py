from django.urls import path

from bookings import views_availability as availability
from bookings import views_calendar as calendar
from bookings import views_consultation_requests as requests
from bookings import views_front_door as front_door
from bookings import views_office as office
from bookings import views_sessions as sessions

app_name = "bookings"
urlpatterns = [
    # Public: the practice's front door and the free consultation.
    path("p/<slug:slug>/", front_door.practice_page, name="practice"),
    path("p/<slug:slug>/book/", front_door.consult_slots, name="consult_slots"),
    path("p/<slug:slug>/book/<str:slot>/", front_door.consult_form, name="consult_form"),
    path("p/<slug:slug>/booked/", front_door.consult_booked, name="consult_booked"),
    # A free consultation asked for without a time, and the time the practice offers.
    path("p/<slug:slug>/ask/", requests.consult_ask, name="consult_ask"),
    path("p/<slug:slug>/asked/", requests.consult_asked, name="consult_asked"),
    path("book/offer/<str:signed>/", requests.offer, name="offer"),
    path("book/manage/<str:signed>/", front_door.manage, name="manage"),
    path("book/manage/<str:signed>/move/", front_door.manage_move, name="manage_move"),
    path("book/manage/<str:signed>/cancel/", front_door.manage_cancel, name="manage_cancel"),
    path("book/manage/<str:signed>/calendar.ics", front_door.manage_ics, name="manage_ics"),
    path("calendar/feed/<str:token>.ics", calendar.therapist_feed, name="therapist_feed"),
    # Clients.
    path("sessions/", sessions.mine, name="mine"),
    path("sessions/book/<str:slot>/", sessions.book_session, name="book_session"),
    path("sessions/<uuid:appointment_uuid>/", sessions.session, name="session"),
    path("sessions/<uuid:appointment_uuid>/move/", sessions.session_move, name="session_move"),
    path("sessions/<uuid:appointment_uuid>/cancel/", sessions.session_cancel, name="session_cancel"),
    path("sessions/<uuid:appointment_uuid>/calendar.ics", sessions.session_ics, name="session_ics"),
    # Therapists.
    path("calendar/", calendar.agenda, name="agenda"),
    path("calendar/availability/", availability.availability, name="availability"),
    path("calendar/availability/hours/<int:weekday>/add/", availability.hours_add_view, name="hours_add"),
    path("calendar/availability/hours/remove/", availability.hours_remove_view, name="hours_remove"),
    path("calendar/days-off/", availability.days_off, name="days_off"),
    path("calendar/feed/", calendar.feed, name="feed"),
    path("calendar/appointments/<uuid:appointment_uuid>/", calendar.appointment_detail, name="appointment"),
    path(
        "calendar/appointments/<uuid:appointment_uuid>/outcome/",
        calendar.appointment_outcome,
        name="appointment_outcome",
    ),
    path(
        "calendar/appointments/<uuid:appointment_uuid>/<str:action>/",
        calendar.appointment_action,
        name="appointment_action",
    ),
    path("calendar/clients/<uuid:client_uuid>/book/", calendar.book_for_client, name="book_for_client"),
    path("calendar/clients/<uuid:client_uuid>/care/", calendar.care, name="care"),
    # Staff: requests for a free consultation waiting for a time (nothing clinical).
    path("requests/", requests.consult_requests, name="consult_requests"),
    path("requests/<uuid:consultation_uuid>/offer/", requests.consult_request_offer, name="consult_request_offer"),
    path("requests/<uuid:consultation_uuid>/close/", requests.consult_request_close, name="consult_request_close"),
    # Owners.
    path("owner/bookings/", availability.practice_rules, name="practice_rules"),
    # The office (owners and administrators): every therapist's calendar, no clinical content.
    path("office/calendar/", office.calendar, name="office"),
    path("office/clients/", office.clients, name="office_clients"),
    path("office/clients/<uuid:client_uuid>/book/", office.book, name="office_book"),
    path("office/appointments/<uuid:appointment_uuid>/", office.appointment, name="office_appointment"),
    path("office/appointments/<uuid:appointment_uuid>/move/", office.move, name="office_move"),
    path(
        "office/appointments/<uuid:appointment_uuid>/<str:action>/",
        office.appointment_action,
        name="office_appointment_action",
    ),
]
