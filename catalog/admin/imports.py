"""Import pages (django-import-export): previews, readable errors, the status choice."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ExportForm, ImportForm

from ..editorial import services
from ..editorial.services import IMPORT_DRAFT, IMPORT_FROM_FILE, IMPORT_IN_REVIEW
from ..export_resources import EXPORT_FORMATS


def import_problems(result):
    """Every error of an import result, each tied to its row (and column when known)."""
    problems = [str(error.error) for error in result.base_errors]
    problems += [
        _("row %(row)s: %(error)s") % {"row": error_row.number, "error": error.error}
        for error_row in result.error_rows
        for error in error_row.errors
    ]
    problems += [
        _("row %(row)s, column %(column)s: %(error)s")
        % {"row": invalid.number, "column": column, "error": " ".join(errors)}
        for invalid in result.invalid_rows
        for column, errors in invalid.error_dict.items()
    ]
    return problems


class SafeImportExportMixin(ImportExportMixin):
    """A confirmed import that fails reports why and changes nothing (never a 500)."""

    formats = [base_formats.CSV, base_formats.JSON, base_formats.XLSX]
    export_formats = EXPORT_FORMATS  # spreadsheet-safe cells (catalog/export_resources.py)
    export_resource_classes = []

    def get_export_resource_classes(self, request):
        return self.export_resource_classes

    # Every column is exported, so an export can be imported back unchanged.
    export_form_class = ExportForm

    def process_import(self, request, **kwargs):
        """Refuse a confirmation whose stored file, format or resource cannot be read
        (expired, tampered with) with a message instead of a server error."""
        confirm_form = self.create_confirm_form(request)
        if request.method == "POST" and confirm_form.is_valid():
            data = confirm_form.cleaned_data
            try:
                input_format = self.get_import_formats()[int(data["format"])](
                    encoding=self.from_encoding
                )
                self.get_import_resource_classes(request)[int(data.get("resource") or 0)]
                storage = self.get_tmp_storage_class()(
                    name=data["import_file_name"],
                    encoding=None if input_format.is_binary() else self.from_encoding,
                    read_mode=input_format.get_read_mode(),
                    **self.get_tmp_storage_class_kwargs(),
                )
                input_format.create_dataset(storage.read())
            except Exception:  # any unreadable input: missing file, bad index, bad content
                self.message_user(
                    request,
                    _(
                        "The file to import could not be read again (it may have expired). "
                        "Nothing was imported; upload it again."
                    ),
                    messages.ERROR,
                )
                return HttpResponseRedirect(
                    reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
                )
        return super().process_import(request, **kwargs)

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            self.message_user(
                request,
                _("Nothing was imported. %(problems)s")
                % {"problems": "; ".join(import_problems(result)[:20])},
                messages.ERROR,
            )
            return HttpResponseRedirect(
                reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
            )
        return super().process_result(result, request)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}


class CommitmentImportForm(ImportForm):
    status = forms.ChoiceField(
        label=gettext_lazy("Status of imported records"),
        choices=[
            (IMPORT_DRAFT, gettext_lazy("Draft")),
            (IMPORT_IN_REVIEW, gettext_lazy("In review")),
            (IMPORT_FROM_FILE, gettext_lazy("As in the file (publishers only)")),
        ],
        initial=IMPORT_DRAFT,
        help_text=gettext_lazy(
            "New records get this status; records already in the catalogue keep theirs "
            "unless the status is taken from the file."
        ),
    )

    user = None  # set by CommitmentImportMixin.create_import_form

    def clean_status(self):
        status = self.cleaned_data["status"]
        try:
            services.check_import_choice(self.user, status)
        except ValidationError as error:
            raise ValidationError(error.messages) from error
        return status


class CommitmentConfirmImportForm(ConfirmImportForm):
    status = forms.CharField(widget=forms.HiddenInput, required=False)


class CommitmentImportMixin(SafeImportExportMixin):
    """The status chosen on the import page travels from the preview to the confirmation."""

    import_form_class = CommitmentImportForm
    confirm_form_class = CommitmentConfirmImportForm

    def create_import_form(self, request):
        form = super().create_import_form(request)
        form.user = request.user
        field = form.fields["status"]
        allowed = []
        for value, label in field.choices:
            try:
                services.check_import_choice(request.user, value)
            except ValidationError:
                continue
            allowed.append((value, label))
        field.widget.choices = allowed
        return form

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["status"] = import_form.cleaned_data.get("status", IMPORT_DRAFT)
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        status = getattr(form, "cleaned_data", {}).get("status") if form else None
        return {"user": request.user, "status_choice": status or IMPORT_DRAFT}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}
