"""Load the synthetic demo once: ``manage.py demo_seed`` (DEMO_SCALE=small for a tiny one)."""

import os

from django.core.management.base import BaseCommand, CommandError

from passage.core.demo import load_demo
from passage.core.demo.load import SCALES


class Command(BaseCommand):
    help = "Load the realistic synthetic demo (does nothing when it is already loaded). DEMO_SCALE=small|full."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default=None,
                            help="small (~60 cases) or full (~1,500 cases); default: $DEMO_SCALE or full")

    def handle(self, *args, scale=None, **options):
        scale = scale or os.environ.get("DEMO_SCALE") or "full"
        if scale not in SCALES:
            raise CommandError(f"DEMO_SCALE must be one of {', '.join(sorted(SCALES))}, not {scale!r}.")
        if not load_demo(scale=scale, write=self.stdout.write):
            self.stdout.write("The demo is already loaded; nothing to do.")
