from dataprivacy.management.commands.dataprivacy_retention import Command as RetentionCommand


class Command(RetentionCommand):
    help = "Old name, kept for one release: runs dataprivacy_retention (--now runs it here instead)."
