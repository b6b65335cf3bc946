import time

from django.core.management.base import BaseCommand

from texts import tasks


class Command(BaseCommand):
    help = (
        "Extract every official text still queued for extraction, now (the task worker does it on "
        "its own; this is for a run by hand or a worker-less set-up, with --loop to keep looking)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", action="store_true", help="Keep looking for queued texts.")
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--max-runs", type=int, default=0, help="Stop after this many looks.")

    def handle(self, *args, loop, interval, max_runs, verbosity, **options):
        runs = 0
        while True:
            count = tasks.run_queued()
            runs += 1
            if verbosity and count:
                self.stdout.write(f"Extracted {count} text(s).")
            if not loop or (max_runs and runs >= max_runs):
                return
            time.sleep(interval)
