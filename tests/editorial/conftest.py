import pytest
from django.forms import CheckboxInput, MultiWidget

from tests.factories import (
    CategoryAssignmentFactory,
    CommitmentFactory,
    CommitmentRelationFactory,
    SourceFactory,
    ThemeFactory,
)


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def publisher_client(client, publisher):
    client.force_login(publisher)
    return client


@pytest.fixture
def full_record(db):
    """A draft with a theme, a source, category evidence and a relation to another record."""
    theme = ThemeFactory()
    commitment = CommitmentFactory(draft=True, themes=[theme], title="Original title")
    SourceFactory(commitment=commitment, url="https://www.osce.org/original-source")
    CategoryAssignmentFactory(commitment=commitment)
    CommitmentRelationFactory(source=commitment)
    return commitment


def form_data(response):
    """The POST data a browser would send back for the admin change form on the page."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form.add_prefix(name)] = formset.management_form[name].value()
        forms.extend(formset.forms)
    for form in forms:
        for name, field in form.fields.items():
            key = form.add_prefix(name)
            value = form[name].value()
            if isinstance(field.widget, CheckboxInput):
                if value:
                    data[key] = "on"
            elif isinstance(field.widget, MultiWidget):
                parts = value if isinstance(value, list) else field.widget.decompress(value)
                for index, part in enumerate(parts):
                    data[f"{key}_{index}"] = "" if part is None else str(part)
            elif isinstance(value, list | tuple):
                data[key] = [str(item) for item in value]
            elif value is not None:
                data[key] = str(value)
    return data


def change_url(commitment):
    return f"/admin/catalog/commitment/{commitment.pk}/change/"


def load_form(client, commitment):
    response = client.get(change_url(commitment))
    assert response.status_code == 200
    return form_data(response)


def messages_of(response):
    return [str(message) for message in response.context["messages"]] if response.context else []
