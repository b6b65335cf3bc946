"""Extension points other apps fill, so `catalog` never imports them.

Apps that build on the catalogue (the official texts, say) register here in their
`AppConfig.ready()`; the catalogue calls what is registered without knowing the app.
"""

# Names of query parameters an app's public pages read (the page cache redirects a request
# with any other parameter to the address without it: catalog/pagecache.py).
page_parameters = set()

# Callables record -> dict, merged into a commitment page's context and cached with it
# (under the catalogue version), so they must depend on the catalogue's data alone.
record_page_parts = []

# Callables [commitment ids] -> {id: text}: more words of a record's own search entry (its
# provisions, say), weighted like its keywords. Called once per batch of refreshed records.
search_document_parts = []

# Callables (queryset, parsed query) -> {commitment pk: score}: more text matches for a
# search (paragraphs of official texts, provisions), ranked after symbol matches like the
# record's own words.
search_parts = []

# Callables (records of a results page, query) -> {commitment pk: [hit]}: where else in the
# record the words were found (a paragraph of an official text), each hit a dict with
# "where", "language", "url" and "passage" (safe HTML, matched words in <mark>).
search_hit_parts = []


def record_page_context(record):
    context = {}
    for part in record_page_parts:
        context.update(part(record))
    return context


def search_document_text(ids):
    texts = {}
    for part in search_document_parts:
        for pk, text in part(ids).items():
            texts[pk] = f"{texts.get(pk, '')} {text}".strip()
    return texts


def search_hits(records, query):
    hits = {}
    for part in search_hit_parts:
        for pk, found in part(records, query).items():
            hits.setdefault(pk, []).extend(found)
    return hits
