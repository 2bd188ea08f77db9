"""Shapes many models share: a public UUID, and rows that belong to one client."""

import uuid

from django.db import models


class UUIDModel(models.Model):
    """A row with a public identifier: URLs name rows by ``uuid``, never by their sequential id, and
    sealed fields (core/crypto.py) bind each value to its row's ``uuid``."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class ClientOwnedQuerySet(models.QuerySet):
    """Rows of a model with a ``client`` foreign key: the start of every read of one client's record."""

    def for_client(self, client):
        return self.filter(client=client)
