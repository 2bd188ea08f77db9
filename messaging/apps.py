from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        # Risk never imports messaging: messaging tells it how to read a client's message's words.
        from messaging.risk_words import message_alert_details, message_words
        from risk.checks import register_text_source
        from risk.context import register_alert_details

        register_text_source("message_words", read=message_words, consent="message_risk_alerts")
        register_alert_details("message_words", message_alert_details)
