"""The ending on the home pages: the summary (panels_summary), and follow-ups and coming back (panels_followups)."""

from ending import panels_followups, panels_summary

ORDER = 5

CLIENT_HOME = [panels_summary.client_home, panels_followups.client_home]
CLIENT_RECORD = [panels_summary.client_record, panels_followups.client_record]
