import re

from django import forms
from django.conf import settings
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import Suggestion

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
PROBLEM_MAX = 2000
SUGGESTED_MAX = 4000


class SuggestionForm(forms.ModelForm):
    """What a reader may send. `website` is a honeypot: hidden from people, filled by bots."""

    problem = forms.CharField(
        label=_("What is wrong"),
        max_length=PROBLEM_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    suggested_text = forms.CharField(
        label=_("Suggested text (optional)"),
        required=False,
        max_length=SUGGESTED_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    source_url = forms.URLField(
        label=_("Source (web address)"),
        required=False,
        max_length=500,
        assume_scheme="https",
        validators=[URLValidator(schemes=["http", "https"])],
        help_text=_("Where the correct information can be checked (http or https)."),
    )
    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
    )

    class Meta:
        model = Suggestion
        fields = ["problem", "suggested_text", "source_url", "email"]
        labels = {"email": _("Your e-mail address, for a reply (optional)")}

    @property
    def is_bot(self):
        return bool(self.data.get("website", ""))

    def clean(self):
        cleaned = super().clean()
        text = " ".join(cleaned.get(name) or "" for name in ("problem", "suggested_text"))
        links = len(LINK.findall(text))
        limit = settings.SUGGESTION_MAX_LINKS
        if links > limit:
            raise forms.ValidationError(
                ngettext(
                    "Put at most %(limit)d web address in the text (you gave %(count)d); "
                    "use the source field for the main one.",
                    "Put at most %(limit)d web addresses in the text (you gave %(count)d); "
                    "use the source field for the main one.",
                    limit,
                )
                % {"limit": limit, "count": links}
            )
        return cleaned
