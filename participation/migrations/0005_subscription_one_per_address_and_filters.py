"""One subscription per address (in any case) and filters. Duplicates made by sign-ups sent at
the same moment are merged first: the confirmed one (else the oldest) is kept."""

import django.db.models.functions.text

from django.db import migrations, models


def merge_duplicates(apps, schema_editor):
    Subscription = apps.get_model("participation", "Subscription")
    kept = {}
    # Confirmed ones first (the earliest confirmation), then the oldest.
    ordered = Subscription.objects.order_by(models.F("confirmed_at").asc(nulls_last=True), "pk")
    for subscription in ordered:
        key = (subscription.email.lower(), subscription.query)
        if key in kept:
            subscription.delete()
        else:
            kept[key] = subscription.pk


class Migration(migrations.Migration):

    dependencies = [
        ('participation', '0004_subscription_language'),
    ]

    operations = [
        migrations.RunPython(merge_duplicates, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='subscription',
            constraint=models.UniqueConstraint(django.db.models.functions.text.Lower('email'), models.F('query'), name='participation_subscription_address_filters'),
        ),
    ]
