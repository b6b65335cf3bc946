"""Provisions' own words, one column per language (see catalog/translation.py)."""

from django.db.models.signals import pre_save
from modeltranslation.translator import TranslationOptions, register

from catalog.translation import _mirror_and_stamp

from .models import Provision


@register(Provision)
class ProvisionTranslation(TranslationOptions):
    fields = ("label", "summary")


pre_save.connect(_mirror_and_stamp, sender=Provision, dispatch_uid="translations-provision")
