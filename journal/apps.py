from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "journal"

    def ready(self):
        # Risk never imports the journal: the journal tells it how to read an entry's words.
        from journal.risk_words import drafts_unsaved, entry_words, journal_alert_details
        from risk.checks import register_text_source
        from risk.context import register_alert_details

        register_text_source("journal_words", read=entry_words, consent="journal_risk_alerts", unsaved=drafts_unsaved)
        register_alert_details("journal_words", journal_alert_details)
