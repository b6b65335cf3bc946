import re


def html(response):
    return response.content.decode()


def streamed(response):
    return b"".join(response.streaming_content).decode("utf-8")


def titles(response):
    """Titles of the listed records, in page order (without the <mark> of a search)."""
    found = re.findall(r'class="commitment-row__title"><a href="[^"]+">(.*?)</a>', html(response))
    return [re.sub(r"</?mark>", "", title) for title in found]


def facet(response, name):
    """{option value: count} of a catalogue facet as shown on the page."""
    page = html(response)
    pattern = rf'name="{re.escape(name)}" value="([^"]+)"[^>]*>[^<]*<span class="count">(\d+)<'
    return {value: int(count) for value, count in re.findall(pattern, page)}
