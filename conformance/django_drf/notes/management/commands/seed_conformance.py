"""Create the conformance tier's throwaway accounts (from the env file) and a note owned by user 1."""

import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from notes.models import Note


class Command(BaseCommand):
    help = "Seed the accounts and objects golive's conformance profile names"

    def handle(self, *args, **options):
        users = get_user_model()
        admin = users.objects.create_superuser(os.environ["APP_ADMIN_USERNAME"], "admin@conformance.test",
                                               os.environ["APP_ADMIN_PASSWORD"])
        alice = users.objects.create_user(os.environ["APP_USER_USERNAME"], "alice@conformance.test",
                                          os.environ["APP_USER_PASSWORD"])
        bob = users.objects.create_user(os.environ["APP_USER2_USERNAME"], "bob@conformance.test",
                                        os.environ["APP_USER2_PASSWORD"])
        Note.objects.create(owner=alice, title="seeded by the conformance tier", body="alice's note")
        Note.objects.create(owner=bob, title="seeded by the conformance tier", body="bob's note")
        self.stdout.write(f"seeded {admin.username}, {alice.username}, {bob.username}")
