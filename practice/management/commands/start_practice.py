"""Start a practice on this server (one of one, or one of many) and email its owner a link to sign in."""

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from practice.first_run import StartPracticeForm
from practice.starting import practice_start

# The command's option for each of the form's fields, to name it in an error.
OPTIONS = {
    "name": "--name",
    "country": "--country",
    "time_zone": "--time-zone",
    "owner_email": "--owner-email",
    "owner_name": "--owner-name",
    "slug": "--slug",
}


class Command(BaseCommand):
    help = "Start a practice and email its owner a link to choose a password (docs/deploy.md)."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="The practice's name, as clients see it.")
        parser.add_argument("--country", required=True, help="Two letters, e.g. GB: decides the crisis contacts.")
        parser.add_argument("--time-zone", required=True, help="e.g. Europe/London")
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--owner-name", default="", help="The owner can change it when they first sign in.")
        parser.add_argument("--slug", default="", help="The public page's web address (made from the name if empty).")
        therapist = parser.add_mutually_exclusive_group()
        therapist.add_argument(
            "--owner-is-therapist",
            dest="owner_is_therapist",
            action="store_true",
            default=True,
            help="The owner sees clients too (the default: most practices start with one person).",
        )
        therapist.add_argument("--owner-not-therapist", dest="owner_is_therapist", action="store_false")

    def handle(self, *args, **options):
        data = {field: options[field] for field in OPTIONS}
        data["country"] = data["country"].upper()
        data["owner_is_therapist"] = options["owner_is_therapist"]
        form = StartPracticeForm(data)
        # The form asks for the owner's name on the page; the command lets the owner give it later.
        form.fields["owner_name"].required = False
        if not form.is_valid():
            problems = [f"{OPTIONS.get(field, field)}: {' '.join(errors)}" for field, errors in form.errors.items()]
            raise CommandError("Nothing was created.\n" + "\n".join(problems))
        clean = form.cleaned_data
        owner = practice_start(
            name=clean["name"],
            country=clean["country"],
            time_zone=clean["time_zone"],
            owner_email=clean["owner_email"],
            owner_name=clean["owner_name"],
            owner_is_therapist=clean["owner_is_therapist"],
            slug=clean["slug"],
            how="command",
        )
        practice = owner.practice
        role = "owner and therapist" if owner.is_therapist else "owner"
        self.stdout.write(
            f"Started {practice.name} ({practice.get_country_display()}, {practice.time_zone}); "
            f"its public page is {reverse('bookings:practice', kwargs={'slug': practice.slug})}.\n"
            f"{owner.user.email} is its {role}. An email with a link to choose a password is in the outbox "
            "(the worker sends it; the owner's Emails page shows whether it went)."
        )
