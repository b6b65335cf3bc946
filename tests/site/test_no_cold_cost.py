"""No visitor pays for a write (catalog/caching.py, catalog/warming.py).

- A record's page and API entry are kept under that record's stamp: an edit of another record
  leaves them valid.
- With a shared cache (Redis), a write's new catalogue version is warmed by the re-warming
  task (home figures, facet counts, the first catalogue and API pages, in every language)
  before it is served; until then, for at most `caching.STALE_SECONDS`, visitors get the
  previous version.
- A value missing under the current version is computed once, however many ask at once.
"""

import datetime
import pickle
import threading
import time

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from catalog import caching
from catalog.api.views import CommitmentViewSet
from catalog.models import Commitment
from catalog.pagecache import HEADER
from tests.factories import CommitmentFactory, CommitmentRelationFactory
from tests.task_backends import DATABASE_TASKS
from tests.writes import correct, move

CATALOGUE = "/en/commitments/"
API_LIST = "/api/v1/commitments/"


def page(record):
    return reverse("catalog:commitment_detail", args=[record.slug])


def api_entry(record):
    return f"{API_LIST}{record.slug}/"


def queries_of(client, url, **query):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url, query)
    assert response.status_code == 200
    return response, len(context.captured_queries)


@pytest.fixture
def two_records(db):
    return CommitmentFactory(title="Record A"), CommitmentFactory(title="Record B")


def test_an_edit_of_one_record_leaves_another_records_page_kept(client, two_records):
    a, b = two_records
    assert client.get(page(b))[HEADER] == "miss"

    correct(a, title="Record A, corrected")
    response, queries = queries_of(client, page(b))

    assert response[HEADER] == "hit"
    assert queries == 0  # the page cache's lookup reads the cache only
    edited = client.get(page(a))
    assert edited[HEADER] == "miss"
    assert "Record A, corrected" in edited.content.decode()


def test_an_edit_of_one_record_leaves_another_records_api_entry_kept(client, two_records):
    a, b = two_records
    client.get(api_entry(b))
    _response, kept = queries_of(client, api_entry(b))

    correct(a, title="Record A, corrected")
    response, queries = queries_of(client, api_entry(b))

    assert queries == kept == 0  # served by the page cache before the view: nothing recomputed
    assert response[HEADER] == "hit"
    assert response.json()["title"] == "Record B"
    assert client.get(api_entry(a)).json()["title"] == "Record A, corrected"


def test_the_api_list_serializes_only_the_edited_record_again(
    client, two_records, monkeypatch, settings
):
    settings.PAGE_CACHE_ENABLED = False  # no kept answers: the list is rendered each time
    a, b = two_records
    serialized = []
    get_serializer = CommitmentViewSet.get_serializer

    def counting(view, records, *args, **kwargs):
        records = list(records)
        serialized.extend(record.slug for record in records)
        return get_serializer(view, records, *args, **kwargs)

    monkeypatch.setattr(CommitmentViewSet, "get_serializer", counting)
    client.get(API_LIST)
    assert sorted(serialized) == sorted([a.slug, b.slug])
    serialized.clear()

    correct(a, title="Record A, corrected")
    titles = [row["title"] for row in client.get(API_LIST).json()["results"]]

    assert serialized == [a.slug]
    assert sorted(titles) == ["Record A, corrected", "Record B"]


def test_an_edit_gives_the_records_related_to_it_a_new_page(client, two_records):
    a, b = two_records
    CommitmentRelationFactory(source=b, target=a)
    assert "Record A" in client.get(page(b)).content.decode()

    correct(a, title="Record A, corrected")
    response = client.get(page(b))

    assert response[HEADER] == "miss"
    assert "Record A, corrected" in response.content.decode()


def test_a_deletion_gives_every_record_a_new_page(client, two_records):
    from catalog.editorial import services
    from tests.writes import committed, publisher

    a, b = two_records
    client.get(page(b))
    with committed():
        services.delete([a], user=publisher())

    assert client.get(page(b))[HEADER] == "miss"
    assert client.get(page(a)).status_code == 404


# With a shared cache: the new version is warmed before it is served ---------------------


@pytest.fixture
def redis(shared_cache, settings):
    settings.SITE_URL = "http://testserver"
    return shared_cache


def test_after_a_publication_the_next_visitor_gets_warm_pages_that_show_it(client, redis, db):
    CommitmentFactory(title="Already public")
    draft = CommitmentFactory(title="Newly published", draft=True)
    for url in ("/en/", CATALOGUE, API_LIST):
        client.get(url)

    move(draft, Commitment.Status.PUBLISHED)  # the re-warming task runs on commit (tests)

    for url in ("/en/", CATALOGUE, "/fr/commitments/"):
        response, queries = queries_of(client, url)
        assert response[HEADER] == "hit", url  # warmed by the task, not by this visitor
        assert queries == 0
        assert "Newly published" in response.content.decode()
    response, queries = queries_of(client, API_LIST)
    assert (response[HEADER], queries) == ("hit", 0)  # the answer was kept by the task
    assert "Newly published" in [row["title"] for row in response.json()["results"]]
    assert "Newly published" in client.get(page(draft)).content.decode()


@pytest.mark.django_db(transaction=True)
def test_an_unwarmed_publication_shows_within_the_stated_bound(client, redis, settings):
    """With the task not run yet (a worker busy or down), visitors keep the previous version
    for at most caching.STALE_SECONDS (2 s) after the commit, then get the new one."""
    settings.TASKS = DATABASE_TASKS  # the re-warming task waits in the queue
    CommitmentFactory(title="Already public")
    draft = CommitmentFactory(title="Newly published", draft=True)
    assert "Newly published" not in client.get(CATALOGUE).content.decode()

    move(draft, Commitment.Status.PUBLISHED)

    assert caching.STALE_SECONDS <= 2
    assert "Newly published" not in client.get(CATALOGUE).content.decode()
    later = timezone.now() + datetime.timedelta(seconds=caching.STALE_SECONDS)
    with time_machine.travel(later, tick=False):
        assert "Newly published" in client.get(CATALOGUE).content.decode()


def test_a_value_is_computed_once_however_many_ask_at_once(redis, db):
    """Two requests (threads, each with its own Redis connection) miss the same facet counts:
    one computes them under the lock in Redis, the other waits for its value."""
    runs = []

    def compute():
        runs.append(threading.get_ident())
        time.sleep(0.5)
        return {"counted": True}

    results = []

    def visitor():
        results.append(caching.cached("facets-test", ("same",), compute))

    visitors = [threading.Thread(target=visitor) for _ in range(2)]
    for thread in visitors:
        thread.start()
    for thread in visitors:
        thread.join()

    assert len(runs) == 1
    assert results == [{"counted": True}, {"counted": True}]
    assert not list(redis._cache.get_client().scan_iter(f"{redis.key_prefix}*lock*"))


def test_a_waiter_computes_the_value_itself_when_the_lock_holder_is_gone(redis, db, monkeypatch):
    monkeypatch.setattr(caching, "WAIT_SECONDS", 0.2)
    key = "catalogue:stuck-test"
    cache.add(f"lock:{key}", 1, caching.LOCK_SECONDS)  # a request that died holding it

    assert caching.compute_once(key, lambda: "computed") == "computed"


@pytest.mark.django_db(transaction=True)
def test_an_edited_records_previous_page_is_served_until_its_new_one_is_warm(
    client, redis, settings
):
    """With the re-warming task still queued, an edited record that is still public keeps
    its previous page (at most caching.STALE_SECONDS); the task warms the new one and it is
    served at once, from the cache."""
    settings.TASKS = DATABASE_TASKS  # the task waits in the queue until run below
    record = CommitmentFactory(title="Record A")
    assert client.get(page(record))[HEADER] == "miss"

    correct(record, title="Record A, corrected")

    response = client.get(page(record))
    assert response[HEADER] == "hit"
    assert "Record A, corrected" not in response.content.decode()
    later = timezone.now() + datetime.timedelta(seconds=caching.STALE_SECONDS)
    with time_machine.travel(later, tick=False):
        assert "Record A, corrected" in client.get(page(record)).content.decode()

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    response, queries = queries_of(client, page(record))
    assert response[HEADER] == "hit"  # warmed by the task
    assert queries == 0
    assert "Record A, corrected" in response.content.decode()
    entry = client.get(api_entry(record)).json()
    assert entry["title"] == "Record A, corrected"


@pytest.mark.django_db(transaction=True)
def test_a_withdrawn_records_page_is_gone_at_once(client, redis, settings):
    """No grace for a record that stopped being public: its page is a 404 on the next
    request, before any task has run."""
    settings.TASKS = DATABASE_TASKS
    record = CommitmentFactory(title="Record A")
    assert client.get(page(record)).status_code == 200
    assert client.get(api_entry(record)).status_code == 200

    move(record, Commitment.Status.ARCHIVED)

    assert client.get(page(record)).status_code == 404
    assert client.get(api_entry(record)).status_code == 404


def test_counts_and_figures_are_computed_once_for_every_language(client, redis, db):
    """The home figures and the published counts do not depend on the language: the second
    language's home page renders its own text from the figures the first one computed."""
    CommitmentFactory(title="Record A", year=2004)
    CommitmentFactory(title="Record B", year=2011)
    assert client.get("/en/")[HEADER] == "miss"

    with CaptureQueriesContext(connection) as french:
        response = client.get("/fr/")

    assert response[HEADER] == "miss"
    aggregates = [
        query["sql"]
        for query in french.captured_queries
        if any(word in query["sql"].upper() for word in ("COUNT(", "MIN(", "MAX("))
    ]
    assert aggregates == []
    page = response.content.decode()
    assert "engagements publiés" in page
    assert "2004–2011" in page


def test_facet_counts_are_computed_once_for_every_language(client, redis, db):
    """The catalogue's facet counts do not depend on the language (a search's do): the
    French catalogue counts nothing again after the English one, and still names each theme
    in French (or in English where it has no French name)."""
    from tests.factories import ThemeFactory

    translated = ThemeFactory(name="Counter-terrorism", name_fr="Lutte contre le terrorisme")
    untranslated = ThemeFactory(name="Cyber security")
    CommitmentFactory(title="Record A", themes=[translated, untranslated])
    CommitmentFactory(title="Record B", themes=[translated])
    assert client.get(CATALOGUE)[HEADER] == "miss"

    with CaptureQueriesContext(connection) as french:
        response = client.get("/fr/commitments/")

    assert response[HEADER] == "miss"
    assert [query["sql"] for query in french.captured_queries if "GROUP BY" in query["sql"]] == []
    facets = response.context["facets"]
    assert [(option["label"], option["count"]) for option in facets["theme"]] == [
        ("Cyber security", 1),
        ("Lutte contre le terrorisme", 2),
    ]


def test_kept_facets_name_the_kinds_in_each_language_as_plain_text(client, redis, db):
    """The kind facet's labels are kept per language as plain strings: a lazy translation in a
    kept value builds a new class each time a page unpickles it (about 0.4 ms a label). Read
    back from Redis, each language's entry names the kinds in that language."""
    CommitmentFactory(title="Record A", kind=Commitment.Kind.DECISION)
    CommitmentFactory(title="Record B", kind=Commitment.Kind.RESOLUTION)
    for language in ("en", "fr"):
        assert client.get(f"/{language}/commitments/").status_code == 200
    server = redis._cache.get_client()
    kept = [
        pickle.loads(server.get(key))
        for key in server.keys(f"{redis.key_prefix}:*:catalogue:facets:*")
    ]

    labels = [[option["label"] for option in facets["kind"]] for facets in kept]
    assert sorted(labels, key=str) == [["decision", "resolution"], ["décision", "résolution"]]
    assert {type(label) for names in labels for label in names} == {str}


@pytest.mark.django_db(transaction=True)
def test_a_newer_edit_is_not_hidden_by_the_older_edits_warm_up(client, redis, settings):
    """Two edits of one record, the first one's task running after the second write: the
    first task's warm-up does not make the second edit's stamp served early or lost; the
    second task's does."""
    settings.TASKS = DATABASE_TASKS
    record = CommitmentFactory(title="Record A")
    client.get(page(record))
    correct(record, title="Record A, first")
    first_stamp = cache.get(f"{caching.STAMP_PREFIX}{record.pk}")
    correct(record, title="Record A, second")

    # The first task, late: it marks the first edit's stamp warm, which is no longer pending.
    cache.set(f"{caching.WARM_PREFIX}{record.pk}", first_stamp[1])
    content = client.get(page(record)).content.decode()
    assert "Record A, second" not in content
    assert "Record A, first" not in content  # the page visitors had, until the second is warm

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    response, queries = queries_of(client, page(record))
    assert queries == 0
    assert "Record A, second" in response.content.decode()


def test_the_warm_up_is_not_counted_against_the_api_throttle(client, redis, db, settings):
    """The warm-up asks for the API list and each changed record's entry in six languages
    from the site's own address: counted, it used up the limit of a client at that address and
    was refused (429) itself, leaving the API entries cold."""
    settings.API_ANON_THROTTLE_RATE = "3/minute"
    draft = CommitmentFactory(title="Newly published", draft=True)
    assert client.get(API_LIST).status_code == 200  # the client's first request of its three

    move(draft, Commitment.Status.PUBLISHED)  # the warm-up asks for 12 API answers

    response, queries = queries_of(client, API_LIST)
    assert (response.status_code, response[HEADER], queries) == (200, "hit", 0)
    assert "Newly published" in [row["title"] for row in response.json()["results"]]
    entry = client.get(f"{API_LIST}{draft.slug}/")
    assert (entry.status_code, entry[HEADER]) == (200, "hit")
    assert client.get(API_LIST).status_code == 429  # the client's own fourth request
