"""Resolving suggested corrections (status, reply by e-mail, erasing addresses) and alert
subscriptions (sign-up, confirmation)."""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from catalog.editorial.policy import Refused, Role, role_of
from osce_portal import i18n

from . import alerts
from .models import Subscription, Suggestion

# A repeated sign-up for the same address and filters re-sends the confirmation at most once
# in this long.
CONFIRMATION_WINDOW = datetime.timedelta(hours=1)


def subscribe(*, email, query, now=None):
    """Sign `email` up for alerts on `query` (double opt-in): one subscription per address and
    filters, however often the form is sent. A new or still unconfirmed one gets a
    confirmation message, at most one per CONFIRMATION_WINDOW; a confirmed one gets nothing.
    Returns whether a message was sent (the visitor is told the same either way)."""
    now = now or timezone.now()
    query = alerts.normal_query(query)
    with transaction.atomic():
        subscription = (
            Subscription.objects.select_for_update()
            .filter(email__iexact=email, query=query)
            .order_by("pk")
            .first()
        )
        if subscription is None:
            try:
                with transaction.atomic():
                    subscription = Subscription.objects.create(
                        email=email,
                        query=query,
                        nonce=alerts.new_nonce(),
                        confirmation_sent_at=now,
                        language=i18n.active_language(),
                    )
            except IntegrityError:
                # The same sign-up was sent at this very moment (the database allows one
                # subscription per address and filters): that request sends the message.
                return False
        elif subscription.confirmed_at is not None or (
            subscription.confirmation_sent_at is not None
            and now - subscription.confirmation_sent_at < CONFIRMATION_WINDOW
        ):
            return False
        else:
            subscription.confirmation_sent_at = now
            subscription.save(update_fields=["confirmation_sent_at"])
    alerts.send_confirmation(subscription)
    return True


def confirm(subscription, now=None):
    """Confirm a subscription once; False when it was confirmed already."""
    return bool(
        Subscription.objects.filter(pk=subscription.pk, confirmed_at__isnull=True).update(
            confirmed_at=now or timezone.now()
        )
    )


def can_handle(user):
    """Editors and publishers work through the suggestions queue."""
    return role_of(user) in (Role.EDITOR, Role.PUBLISHER)


def resolve(*, user, suggestion, status, reply=""):
    """Mark a suggestion accepted, rejected or a duplicate and reply to its address, if any.

    The reply is sent once, after the transaction commits; an SMTP failure is raised to the
    caller with the resolution kept (the reply can be sent again by resolving again)."""
    if not can_handle(user):
        raise Refused(_("Only editors and publishers may resolve suggestions."))
    if status not in (
        Suggestion.Status.ACCEPTED,
        Suggestion.Status.REJECTED,
        Suggestion.Status.DUPLICATE,
    ):
        raise Refused(_("Choose accepted, rejected or duplicate."))
    with transaction.atomic():
        suggestion = Suggestion.objects.select_for_update().get(pk=suggestion.pk)
        suggestion.status = status
        suggestion.reply = (reply or "").strip()
        suggestion.resolved_at = timezone.now()
        suggestion.resolved_by = user
        suggestion.save()
    if suggestion.email and suggestion.reply_sent_at is None:
        send_reply(suggestion)
    return suggestion


def send_reply(suggestion):
    about = (
        _("your suggested correction to “%(title)s” (%(url)s)")
        % {
            "title": suggestion.commitment.display_title,
            "url": settings.SITE_URL + suggestion.commitment.get_absolute_url(),
        }
        if suggestion.commitment
        else _("your suggestion about the catalogue")
    )
    outcome = {
        Suggestion.Status.ACCEPTED: _("The editors accepted it; the record will be corrected."),
        Suggestion.Status.REJECTED: _("The editors checked it and did not change the record."),
        Suggestion.Status.DUPLICATE: _("The editors already had the same suggestion."),
    }[suggestion.status]
    lines = [
        _("Thank you for %(about)s.") % {"about": about},
        "",
        outcome,
    ]
    if suggestion.reply:
        lines += ["", suggestion.reply]
    lines += [
        "",
        _("Your e-mail address will be erased %(days)d days from now.")
        % {"days": settings.SUGGESTION_RETENTION_DAYS},
        "",
        _("You wrote:"),
        suggestion.problem,
    ]
    EmailMessage(
        subject=_("Your suggestion to the OSCE Portal: %(status)s")
        % {"status": suggestion.get_status_display()},
        body="\n".join(lines),
        to=[suggestion.email],
    ).send()
    Suggestion.objects.filter(pk=suggestion.pk).update(reply_sent_at=timezone.now())


def erase_addresses(now=None):
    """Erase the reply address of every suggestion resolved SUGGESTION_RETENTION_DAYS ago or
    earlier. Returns how many were erased."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.SUGGESTION_RETENTION_DAYS)
    return (
        Suggestion.objects.exclude(email="")
        .exclude(status=Suggestion.Status.NEW)
        .filter(resolved_at__lte=cutoff)
        .update(email="", email_erased_at=now)
    )
