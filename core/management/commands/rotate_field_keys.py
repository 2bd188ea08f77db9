"""The older name of ``reseal_fields``: rotating keys and upgrading v1 values are the same pass."""

from core.management.commands.reseal_fields import Command as ResealCommand


class Command(ResealCommand):
    pass
