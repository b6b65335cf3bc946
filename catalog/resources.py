"""Import and export of commitments and institutions (django-import-export).

Rows are matched on `slug`; related records are named, not numbered: organisations by slug,
acronym or name, bodies by slug or acronym, themes by slug. A confirmed import runs in one
transaction with one history revision per record: one bad row and nothing is imported.
Every row is saved by the service layer, as plain data (`services.import_commitment`,
`reference.save_reference`): every editorial rule (who may import what, which status a row
gets, the revision, the workflow log, the change set) is theirs.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from import_export import fields, resources, widgets

from . import changes, exports
from .editorial import pending, reference, services
from .editorial.services import IMPORT_DRAFT as STATUS_DRAFT
from .models import Commitment, Institution, Organisation, Theme
from .translation import content_field, translated_fields


class NamedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Find a related record by any of several unique-enough names (case-insensitive)."""

    def __init__(self, model, lookups, **kwargs):
        self.lookups = lookups
        super().__init__(model, field=lookups[0], **kwargs)

    def clean(self, value, row=None, **kwargs):
        value = str(value).strip() if value is not None else ""
        if not value:
            return None
        for lookup in self.lookups:
            matches = list(self.model.objects.filter(**{f"{lookup}__iexact": value})[:2])
            if len(matches) == 1:
                return matches[0]
            if len(matches) > 1:
                raise ValueError(
                    _("“%(value)s” names more than one %(model)s; use its slug instead.")
                    % {"value": value, "model": self.model._meta.verbose_name}
                )
        raise ValueError(
            _("No %(model)s is called “%(value)s” (looked up by %(lookups)s).")
            % {
                "model": self.model._meta.verbose_name,
                "value": value,
                "lookups": ", ".join(self.lookups),
            }
        )


class StrictManyToManyWidget(widgets.ManyToManyWidget):
    """Like ManyToManyWidget, but an unknown name is an error instead of being dropped.

    Records are named by `field` (the slug) or by their `name`, as the exports write them.
    """

    def clean(self, value, row=None, **kwargs):
        if not value:
            return self.model.objects.none()
        names = [name.strip() for name in str(value).split(self.separator) if name.strip()]
        found = self.model.objects.filter(
            models.Q(**{f"{self.field}__in": names}) | models.Q(name__in=names)
        )
        known = {getattr(obj, self.field) for obj in found} | {obj.name for obj in found}
        unknown = sorted(set(names) - known)
        if unknown:
            raise ValueError(
                _("Unknown %(model)s: %(names)s.")
                % {"model": self.model._meta.verbose_name, "names": ", ".join(unknown)}
            )
        return found


class _RolledBack(Exception):
    def __init__(self, result):
        self.result = result


class EditorialResource(resources.ModelResource):
    """A confirmed import is one transaction (one revision per record); an error anywhere
    undoes it."""

    def __init__(self, user=None, status_choice=STATUS_DRAFT, **kwargs):
        super().__init__()
        self.user = user
        self.status_choice = status_choice or STATUS_DRAFT

    def before_import_row(self, row, **kwargs):
        # Spreadsheets give empty cells as None; text columns store them as "".
        # Spreadsheets also give dates as datetimes at midnight.
        # Exports put a ' before text a spreadsheet would run as a formula; take it off.
        date_fields = self._date_fields()
        for name, value in row.items():
            if isinstance(value, str):
                row[name] = value = exports.unescape_text(value)
            if value is None and name in self._text_fields():
                row[name] = ""
            elif isinstance(value, datetime.datetime) and name in date_fields:
                row[name] = value.date()

    @classmethod
    def _text_fields(cls):
        return {
            field.name
            for field in cls._meta.model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.null
        }

    @classmethod
    def _date_fields(cls):
        return {
            field.name
            for field in cls._meta.model._meta.concrete_fields
            if type(field) is models.DateField
        }

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # Widgets raise assorted exceptions for bad cells (decimal errors for numbers, for
        # instance); turn them into a plain message tied to the column.
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except (ValueError, ValidationError):
            raise
        except Exception as error:
            raise ValueError(
                _("“%(value)s” is not a valid %(column)s.")
                % {"value": row.get(field.column_name), "column": field.column_name}
            ) from error

    def import_data(self, dataset, dry_run=False, **kwargs):
        if dry_run:
            return super().import_data(dataset, dry_run=True, **kwargs)
        try:
            # One change set for the whole file. (Never around a preview: its rows are rolled
            # back without an exception passing through the block.)
            with changes.atomic():
                result = super().import_data(dataset, dry_run=False, **kwargs)
                if result.has_errors() or result.has_validation_errors():
                    raise _RolledBack(result)
        except _RolledBack as rolled_back:
            return rolled_back.result
        return result

    def save_instance(self, instance, is_create, row, **kwargs):
        """The row goes through the service layer, as plain data (its revision, log entry and
        change set are the service's); the preview's rows are rolled back like the rest."""
        self.before_save_instance(instance, row, **kwargs)
        saved = self.save_through_service(instance, is_create, row, **kwargs)
        instance.pk = saved.pk
        self.after_save_instance(instance, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        """Nothing here: the service saved the many-to-many fields with the record."""

    def plain_fields(self, instance, names):
        """{name: value} for the service; a translated field's value is its English column."""
        model = type(instance)
        return {
            name: getattr(instance, model._meta.get_field(content_field(model, name)).attname)
            for name in names
            if not model._meta.get_field(name).many_to_many
        }


class CommitmentResource(EditorialResource):
    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=NamedForeignKeyWidget(Organisation, ["slug", "acronym", "name"]),
    )
    adopting_body = fields.Field(
        attribute="adopting_body",
        column_name="adopting_body",
        widget=NamedForeignKeyWidget(Institution, ["slug", "acronym", "name"]),
    )
    themes = fields.Field(
        attribute="themes",
        column_name="themes",
        widget=StrictManyToManyWidget(Theme, separator="|", field="slug"),
    )
    # A file's title, short title and summary are the English, whatever the admin's
    # language (`title` would read and write the active language's column); translations
    # are edited in the form.
    title = fields.Field(attribute="title_en", column_name="title")
    short_title = fields.Field(attribute="short_title_en", column_name="short_title")
    summary = fields.Field(attribute="summary_en", column_name="summary")

    class Meta:
        model = Commitment
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "title",
            "short_title",
            "kind",
            "organisation",
            "symbol",
            "symbol_status",
            "number",
            "adopting_body",
            "year",
            "adopted_on",
            "meeting",
            "place",
            "summary",
            "key_quotation",
            "keywords",
            "external_references",
            "themes",
            "is_featured",
            "status",
            "publish_at",
            "last_reviewed_on",
            "editorial_note",
        ]
        export_order = fields
        use_transactions = True
        skip_diff = False
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def before_import(self, dataset, **kwargs):
        services.check_import_choice(self.user, self.status_choice)
        self._before = {}  # slug -> (status, publish_at) of the record as it was

    def after_init_instance(self, instance, new, row, **kwargs):
        self._before[row.get("slug")] = None if new else (instance.status, instance.publish_at)

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # Many-to-many values are saved after the row; check the names now so the error
        # is reported against its column instead of failing the whole row.
        if "themes" in row:
            try:
                self.fields["themes"].clean(row)
            except ValueError as error:
                errors["themes"] = ValidationError(str(error))
        try:
            instance.status, instance.publish_at = services.plan_import_row(
                user=self.user,
                before=self._before.get(row.get("slug")),
                choice=self.status_choice,
                file_status=instance.status,
                file_publish_at=instance.publish_at,
                record=instance.slug,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def save_through_service(self, instance, is_create, row, **kwargs):
        themes = self.fields["themes"].clean(row) if "themes" in row else None
        # A translated column (`title`) is the English: the service writes it to `title_en`.
        names = [
            name
            for name in [field.name for field in pending.CONTENT_FIELDS]
            + list(translated_fields(Commitment))
            if name in self._meta.fields and name != "themes"
        ]
        return services.import_commitment(
            user=self.user,
            commitment=None if is_create else instance.pk,
            fields=self.plain_fields(instance, names),
            themes=None if themes is None else list(themes),
            status=instance.status,
            publish_at=instance.publish_at,
            file_name=kwargs.get("file_name"),
        )


class InstitutionResource(EditorialResource):
    def save_through_service(self, instance, is_create, row, **kwargs):
        return reference.save_reference(
            user=self.user,
            model=Institution,
            record=None if is_create else instance.pk,
            fields=self.plain_fields(instance, self._meta.fields),
        )

    organisation = fields.Field(
        attribute="organisation",
        column_name="organisation",
        widget=NamedForeignKeyWidget(Organisation, ["slug", "acronym", "name"]),
    )
    parent = fields.Field(
        attribute="parent",
        column_name="parent",
        widget=NamedForeignKeyWidget(Institution, ["slug"]),
    )
    description = fields.Field(attribute="description_en", column_name="description")

    class Meta:
        model = Institution
        import_id_fields = ["slug"]
        fields = [
            "slug",
            "organisation",
            "name",
            "acronym",
            "kind",
            "parent",
            "seat",
            "established_year",
            "meets",
            "head_title",
            "description",
            "role_summary",
            "website",
            "source_urls",
            "position",
        ]
        export_order = fields
        use_transactions = True
        skip_diff = False
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True
