"""Messages on the home pages: each side's module says what it shows (never a message's words)."""

from messaging import panels_client, panels_notices, panels_staff

ORDER = 20

CLIENT_HOME = [panels_notices.client_home, panels_client.client_home]
CLIENT_RECORD = [panels_staff.client_record]
THERAPIST_HOME = [panels_staff.therapist_home]
OFFICE_HOME = [panels_staff.office_home]
