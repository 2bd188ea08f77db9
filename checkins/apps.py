from django.apps import AppConfig


class CheckinsConfig(AppConfig):
    name = "checkins"

    def ready(self):
        # Risk never imports check-ins: they tell it how to read a check-in's note.
        from checkins.risk_words import checkin_note_words
        from risk.checks import register_text_source
        from risk.context import private_words, register_alert_details

        register_text_source("checkin_note", read=checkin_note_words, consent="checkin_risk_alerts")
        register_alert_details("checkin_note", private_words("check-in note"))
