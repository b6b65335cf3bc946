from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from catalog.models import Commitment


class Suggestion(models.Model):
    """A reader's correction, sent from a record page (or About, with no record).

    The e-mail address is only for the reply: never shown publicly, erased
    `SUGGESTION_RETENTION_DAYS` after resolution by `manage.py erase_suggestion_addresses`.
    """

    class Status(models.TextChoices):
        NEW = "new", _("new")
        ACCEPTED = "accepted", _("accepted")
        REJECTED = "rejected", _("rejected")
        DUPLICATE = "duplicate", _("duplicate")

    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="suggestions",
        verbose_name=_("record"),
        help_text=_("Empty for a general suggestion (sent from About)."),
    )
    problem = models.TextField(_("what is wrong"))
    suggested_text = models.TextField(_("suggested text"), blank=True)
    source_url = models.URLField(_("source"), max_length=500, blank=True)
    email = models.EmailField(_("e-mail for a reply"), blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    reply = models.TextField(
        _("reply"),
        blank=True,
        help_text=_("Sent to the reader's address (if any) when the suggestion is resolved."),
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    reply_sent_at = models.DateTimeField(_("reply sent"), null=True, blank=True)
    email_erased_at = models.DateTimeField(_("address erased"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("suggested correction")
        verbose_name_plural = _("suggested corrections")
        indexes = [models.Index(fields=["status", "-created_at"])]

    def __str__(self):
        about = self.commitment or _("general")
        return f"#{self.pk} ({about})"

    @property
    def is_resolved(self):
        return self.status != self.Status.NEW


class Subscription(models.Model):
    """E-mail alerts on a saved catalogue filter (double opt-in).

    `query` is the catalogue's query string; `nonce` goes into the signed confirmation and
    unsubscribe links, so a link only ever works for this subscription."""

    email = models.EmailField(_("e-mail address"))
    query = models.CharField(_("filters"), max_length=2000, blank=True)
    nonce = models.CharField(max_length=32)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmation_sent_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the last confirmation message was sent.")
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of the page the reader signed up on: digests are written in it."),
    )
    last_sent_at = models.DateTimeField(
        null=True, blank=True, help_text=_("End of the period the last digest covered.")
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            # One subscription per address (in any case) and filters, even when the same
            # sign-up is sent twice at the same moment.
            models.UniqueConstraint(
                Lower("email"), "query", name="participation_subscription_address_filters"
            )
        ]
        verbose_name = _("alert subscription")
        verbose_name_plural = _("alert subscriptions")

    def __str__(self):
        return f"#{self.pk}"
