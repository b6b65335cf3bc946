"""The benchmark's editor (`scripts/bench.py`, editorial scenario): one public write per line
read on stdin ("write", or "write <slug>" for that record), through the service layer, as a
publisher correcting a published record's title does. Prints the corrected record's slug once
the write has committed. "pick" prints the slug of a record to correct next (the benchmark
reads its page first, as a visitor had).

The write's follow-up (the re-warming task) is enqueued as for any write: run by the
benchmark's task worker (`manage.py db_worker`), not here.
"""

import os
import random
import sys
from pathlib import Path

import django

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "osce_portal.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db.models import Max, Min  # noqa: E402

from catalog.editorial import services  # noqa: E402
from catalog.models import Commitment  # noqa: E402

SUFFIX = " (revised)"


def publisher():
    user, created = get_user_model().objects.get_or_create(
        username="bench-publisher", defaults={"is_staff": True}
    )
    if created:
        user.groups.add(Group.objects.get(name="Publisher"))
    return user


def candidates():
    """Published records to correct: the synthetic ones when there are any."""
    records = Commitment.objects.published()
    synthetic = records.filter(slug__startswith="synthetic-")
    return synthetic if synthetic.exists() else records


def pick(records, bounds):
    low, high = bounds
    start = random.randint(low, high)
    return records.filter(pk__gte=start).order_by("pk").first() or records.order_by("pk").first()


def write(user, record):
    title = record.title
    title = title[: -len(SUFFIX)] if title.endswith(SUFFIX) else title + SUFFIX
    services.save_commitment(
        user=user,
        commitment=record,
        fields={"title": title},
        correction=True,
        comment="Benchmark edit.",
    )
    return record.slug


def main():
    user = publisher()
    records = candidates()
    bounds = records.aggregate(low=Min("pk"), high=Max("pk"))
    bounds = (bounds["low"], bounds["high"])
    print("ready", flush=True)
    for line in sys.stdin:
        command, _space, slug = line.strip().partition(" ")
        if command == "pick":
            print(pick(records, bounds).slug, flush=True)
        elif command == "write":
            record = records.get(slug=slug) if slug else pick(records, bounds)
            print(write(user, record), flush=True)
        else:
            break


if __name__ == "__main__":
    main()
