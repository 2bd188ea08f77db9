from selfcare.management.commands.selfcare_reminders import Command as RemindersCommand


class Command(RemindersCommand):
    help = "Old name, kept for one release: runs selfcare_reminders."
