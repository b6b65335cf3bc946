"""E-mail alerts on a saved catalogue filter: signed links, confirmation, digests."""

import logging
import secrets

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from catalog.filters import CommitmentFilterSet
from catalog.models import Commitment, StatusChange

from .models import Subscription

log = logging.getLogger(__name__)

CONFIRM_SALT = "participation.alerts.confirm"
UNSUBSCRIBE_SALT = "participation.alerts.unsubscribe"
CONFIRM_MAX_AGE = 7 * 24 * 3600


def new_nonce():
    return secrets.token_hex(16)


def token(subscription, salt):
    return signing.dumps({"s": subscription.pk, "n": subscription.nonce}, salt=salt)


def read_token(value, salt, max_age=None):
    """The subscription a signed link names, or None (forged, expired, or no longer there)."""
    try:
        data = signing.loads(value, salt=salt, max_age=max_age)
    except signing.BadSignature:
        return None
    return Subscription.objects.filter(pk=data.get("s"), nonce=data.get("n")).first()


def normal_query(query):
    """The filters as one canonical query string (names sorted, empty values dropped), so the
    same filters are the same subscription whatever order the form sent them in."""
    data = QueryDict(query)
    pairs = sorted((name, value) for name in data for value in data.getlist(name) if value)
    normal = QueryDict(mutable=True)
    for name, value in pairs:
        normal.appendlist(name, value)
    return normal.urlencode()


def filterset(query):
    return CommitmentFilterSet(
        QueryDict(query),
        queryset=Commitment.objects.for_listing().newest_first(),
    )


def describe(query):
    fs = filterset(query)
    if not fs.is_valid():
        return None
    return [f"{chip['label']}: {chip['value']}" for chip in fs.active_filters()] or [
        _("all commitments")
    ]


def unsubscribe_url(subscription):
    return settings.SITE_URL + reverse(
        "participation:alerts_unsubscribe", args=[token(subscription, UNSUBSCRIBE_SALT)]
    )


def _message(subscription, subject, lines):
    unsubscribe = unsubscribe_url(subscription)
    lines = [*lines, "", _("Stop these e-mails: %(url)s") % {"url": unsubscribe}]
    return EmailMessage(
        subject=subject,
        body="\n".join(lines),
        to=[subscription.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


def send_confirmation(subscription):
    url = settings.SITE_URL + reverse(
        "participation:alerts_confirm", args=[token(subscription, CONFIRM_SALT)]
    )
    filters = describe(subscription.query) or []
    _message(
        subscription,
        _("Confirm your OSCE Portal alert"),
        [
            _("Someone (we hope you) asked for e-mail alerts on these filters:"),
            *[f"- {f}" for f in filters],
            "",
            _("Confirm within 7 days by opening: %(url)s") % {"url": url},
            _("If you did not ask for this, ignore this message; nothing will be sent."),
        ],
    ).send()


def digest_records(subscription, since, until):
    """(new, changed) published records matching the saved filter, changed in (since, until]."""
    fs = filterset(subscription.query)
    if not fs.is_valid():
        return None
    window = Q(updated_at__gt=since, updated_at__lte=until) | Q(
        publish_at__gt=since, publish_at__lte=until
    )
    records = list(fs.qs.filter(window))
    newly_published = set(
        StatusChange.objects.filter(
            commitment__in=[r.pk for r in records],
            to_status=Commitment.Status.PUBLISHED,
            changed_at__gt=since,
            changed_at__lte=until,
        )
        .exclude(from_status=Commitment.Status.PUBLISHED)
        .values_list("commitment_id", flat=True)
    )
    new = [
        r
        for r in records
        if r.pk in newly_published
        or r.created_at > since
        or (r.publish_at and since < r.publish_at <= until)
    ]
    changed = [r for r in records if r not in new]
    return new, changed


def send_digests(now=None, failures=None):
    """One digest per confirmed subscription with something new or changed since the last.

    Each subscription's period is claimed (compare-and-set on `last_sent_at`) before its
    message is sent, so running twice, or twice at once, sends nothing twice. A message that
    cannot be sent (the server refuses the address, say) gives its period back, so the next run
    tries again, is logged and appended to `failures` (subscription ids), and the others are
    sent all the same. Returns how many were sent."""
    now = now or timezone.now()
    sent = 0
    for subscription in Subscription.objects.filter(confirmed_at__isnull=False):
        since = subscription.last_sent_at or subscription.confirmed_at
        found = digest_records(subscription, since, now)
        if found is None:
            log.warning("Alert subscription %s: its filter no longer validates", subscription.pk)
            continue
        new, changed = found
        claimed = Subscription.objects.filter(
            pk=subscription.pk, last_sent_at=subscription.last_sent_at
        ).update(last_sent_at=now)
        if not claimed or not (new or changed):
            continue
        # The digest in the language the reader signed up in (text, filter names, links).
        with translation.override(subscription.language):
            message = _digest(subscription, since, new, changed)
        try:
            message.send()
        except Exception:
            Subscription.objects.filter(pk=subscription.pk).update(
                last_sent_at=subscription.last_sent_at
            )
            log.exception("Alert subscription %s: the digest could not be sent", subscription.pk)
            if failures is not None:
                failures.append(subscription.pk)
            continue
        sent += 1
    return sent


def _digest(subscription, since, new, changed):
    """The digest message of one subscription, in the active language."""
    lines = [
        _("Records matching your filters (%(filters)s) since %(since)s:")
        % {
            "filters": "; ".join(describe(subscription.query)),
            "since": timezone.localtime(since).strftime("%Y-%m-%d %H:%M"),
        }
    ]
    for heading, records in ((_("New"), new), (_("Changed"), changed)):
        if records:
            lines += ["", f"{heading}:"]
            lines += [
                f"- {r.symbol + ' — ' if r.symbol else ''}{r.title}\n  "
                f"{settings.SITE_URL}{r.get_absolute_url()}"
                for r in records
            ]
    return _message(subscription, _("OSCE Portal: new and changed records"), lines)
