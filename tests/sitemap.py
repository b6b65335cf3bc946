"""The whole sitemap: /sitemap.xml is an index; this reads it and every section it lists."""

import re
from urllib.parse import urlsplit


def whole_sitemap(client):
    """The index followed by each of its sections (every page of each), as one text."""
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    parts = [index.content.decode()]
    for location in re.findall(r"<loc>([^<]+)</loc>", parts[0]):
        address = urlsplit(location)
        response = client.get(address.path, {"p": address.query[2:]} if address.query else {})
        assert response.status_code == 200, location
        parts.append(response.content.decode())
    return "\n".join(parts)
