"""Print the demo logins: username, role, work posts, and the shared password."""

from django.core.management.base import BaseCommand
from django.utils import translation

from passage.accounts.models import User
from passage.core.demo.organisation import DEMO_LOGINS, DEMO_PASSWORD


class Command(BaseCommand):
    help = "Print the demo logins (username, role, work posts) and their password."

    def handle(self, *args, **options):
        with translation.override("en"):  # the console speaks the README's language
            self._print()

    def _print(self):
        users = {u.username: u for u in User.objects.filter(username__in=DEMO_LOGINS)
                 .select_related("mission").prefetch_related("work_posts", "supervised_work_posts")}
        if not users:
            self.stdout.write("No demo logins: run `manage.py demo_seed` first.")
            return
        rows = []
        for username in DEMO_LOGINS:
            user = users.get(username)
            if user is None:
                continue
            posts = ", ".join(wp.name for wp in user.work_posts.all())
            supervised = list(user.supervised_work_posts.all())
            if supervised:
                posts = (posts + "; " if posts else "") + f"supervises {len(supervised)} work posts"
            if not posts:
                posts = f"whole {user.mission.name}" if user.role in ("manager", "operations", "movements",
                                                                      "reintegration") else "-"
            rows.append((username, user.get_role_display(), posts))
        widths = [max(len(str(r[i])) for r in [("username", "role", "work posts"), *rows]) for i in range(3)]
        line = "  ".join(f"{{:<{w}}}" for w in widths)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        self.stdout.write(line.format("username", "role", "work posts").rstrip())
        self.stdout.write(line.format(*("-" * w for w in widths)).rstrip())
        for row in rows:
            self.stdout.write(line.format(*row).rstrip())
