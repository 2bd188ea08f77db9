from django.core.management.base import BaseCommand

from ending.jobs import follow_ups as ending_follow_ups


class Command(BaseCommand):
    help = (
        "Send one gentle invitation (without clinical words) for each follow-up the client chose that falls due. "
        "Never a reminder. Run hourly."
    )

    def handle(self, *args, **options):
        self.stdout.write(f"Wrote {ending_follow_ups()} follow-up invitation(s).")
