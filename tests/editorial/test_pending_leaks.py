"""Pending changes never reach a public surface: every public answer is byte-for-byte the same
before and after a record gets pending changes (content, themes, evidence, sources, relations)."""

import pytest
from django.test import Client

from catalog.editorial import pending, services
from catalog.models import ActivityCategory, Commitment, Theme

pytestmark = pytest.mark.django_db

MARKER = "zanzibarquux"


def public_urls(record, other, theme, category):
    return [
        "/",
        "/commitments/",
        f"/commitments/?theme={theme.slug}",
        f"/commitments/?category={category.slug}",
        f"/commitments/?search={MARKER}",
        record.get_absolute_url(),
        other.get_absolute_url(),
        "/commitments/export.csv",
        "/commitments/export.json",
        f"/commitments/export.csv?search={MARKER}",
        "/commitments/feed.atom",
        f"/commitments/?search={MARKER}&ordering=title",
        f"/commitments/?search={record.title.split()[0]}",
        "/sitemap.xml",
        "/sitemap-commitments.xml",
        "/themes/",
        theme.get_absolute_url(),
        "/categories/",
        category.get_absolute_url(),
        "/timeline/",
        "/matrix/",
        "/api/v1/commitments/",
        f"/api/v1/commitments/{record.slug}/",
        f"/api/v1/commitments/{other.slug}/",
        f"/api/v1/commitments/?search={MARKER}",
        "/api/v1/commitments/?format=csv&page_size=100",
        f"/api/v1/themes/{theme.slug}/",
        f"/api/v1/categories/{category.slug}/",
    ]


def answers(urls):
    client = Client()
    result = {}
    for url in urls:
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        result[url] = (response.status_code, body)
    return result


def test_pending_changes_leak_to_no_public_surface(seed, django_user_model):
    from tests.conftest import make_staff

    editor = make_staff(django_user_model, "erin", "Editor")
    published = Commitment.objects.published()
    record = published.filter(sources__isnull=False).first()
    other = published.exclude(pk=record.pk).exclude(incoming_relations__source=record).first()
    theme = Theme.objects.exclude(commitments=record).first()
    category = ActivityCategory.objects.exclude(commitments=record).first()
    urls = public_urls(record, other, theme, category)
    before = answers(urls)
    assert all(status == 200 for status, _body in before.values()), {
        url: status for url, (status, _body) in before.items() if status != 200
    }

    data = pending.snapshot(record)
    data["fields"].update(
        title=f"Pending {MARKER} title",
        summary=f"Pending {MARKER} summary.",
        keywords=MARKER,
        key_quotation=f"{MARKER} quotation",
    )
    data["themes"].append(theme.pk)
    data["sources"].append(
        {
            "url": f"https://www.osce.org/{MARKER}",
            "label": MARKER,
            "language": "en",
            "kind": "official",
            "position": 9,
        }
    )
    data["category_assignments"].append(
        {"category_id": category.pk, "note": MARKER, "source_url": ""}
    )
    data["outgoing_relations"].append({"target_id": other.pk, "kind": "references", "note": MARKER})
    services.save_pending(user=editor, commitment=record, data=data)
    services.submit_changes(user=editor, commitment=record)
    pending.validate(record, data)  # a real, approvable version

    after = answers(urls)

    changed = [url for url in urls if after[url] != before[url]]
    assert changed == []
    # Beyond the pages that echo the query itself, the marker appears nowhere.
    assert [url for url in urls if MARKER not in url and MARKER.encode() in after[url][1]] == []
