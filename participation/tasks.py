"""Background work of readers' participation, on Django's Tasks API (see catalog/tasks.py)."""

from django_tasks import task

from . import alerts, services


@task()
def send_alert_digests():
    """Send each confirmed alert subscription its digest (hourly, from the schedule); a run
    that overlaps another sends nothing twice. Returns how many were sent."""
    return alerts.send_digests()


@task()
def erase_suggestion_addresses():
    """Erase the reply addresses of suggestions resolved long enough ago (daily)."""
    return services.erase_addresses()
