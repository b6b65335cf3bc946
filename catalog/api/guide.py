"""The API's guide page (/api/v1/docs/): worked examples and a reference of every operation,
rendered on the server from the same OpenAPI schema Swagger UI and ReDoc read — no script, so
it is quick on a phone and readable without JavaScript. The interactive explorer (Swagger UI)
and ReDoc stay at /api/v1/explorer/ and /api/v1/redoc/."""

import functools
import re

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.generic import TemplateView
from drf_spectacular.generators import SchemaGenerator

INLINE = re.compile(r"`([^`]+)`|\*\*([^*]+)\*\*|\[([^\]]+)\]\(([^)\s]+)\)")


def _inline(text):
    """Escaped text with the schema's inline Markdown: `code`, **strong**, [links](address)."""
    parts, position = [], 0
    for match in INLINE.finditer(text):
        parts.append(escape(text[position : match.start()]))
        code, strong, label, address = match.groups()
        if code is not None:
            parts.append(f"<code>{escape(code)}</code>")
        elif strong is not None:
            parts.append(f"<strong>{escape(strong)}</strong>")
        elif address.startswith(("/", "https://", "http://")):
            parts.append(f'<a href="{escape(address)}">{escape(label)}</a>')
        else:
            parts.append(escape(label))
        position = match.end()
    parts.append(escape(text[position:]))
    return "".join(parts)


def markdown(text):
    """The schema's descriptions as HTML: paragraphs, "- " lists and inline Markdown; all
    other text escaped."""
    blocks = []
    for block in re.split(r"\n\s*\n", (text or "").strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        if all(line.startswith(("- ", "* ")) for line in lines):
            items = "".join(f"<li>{_inline(line[2:])}</li>" for line in lines)
            blocks.append(f"<ul>{items}</ul>")
        else:
            blocks.append(f"<p>{_inline(' '.join(lines))}</p>")
    return mark_safe("".join(blocks))


def _values(schema):
    """What a parameter takes, in words: its type, its values or its range."""
    schema = schema or {}
    if schema.get("type") == "array":
        return _values(schema.get("items"))
    if "enum" in schema:
        return ", ".join(str(value) for value in schema["enum"] if value not in ("", None))
    kind = schema.get("type", "")
    bounds = [
        f"{name} {schema[key]}"
        for key, name in (("minimum", "≥"), ("maximum", "≤"), ("maxLength", "length ≤"))
        if key in schema
    ]
    return " ".join([kind, *bounds]).strip()


@functools.lru_cache(maxsize=8)
def operations(language):
    """[(anchor, method, path, summary, description HTML, parameters, responses)] from the
    schema as the active language writes it (built once per process and language)."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    found = []
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            anchor = re.sub(r"[^a-z0-9]+", "-", f"{method} {path}".lower()).strip("-")
            parameters = [
                {
                    "name": parameter["name"],
                    "where": parameter.get("in", ""),
                    "required": parameter.get("required", False),
                    "repeatable": (parameter.get("schema") or {}).get("type") == "array",
                    "values": _values(parameter.get("schema")),
                    "description": markdown(parameter.get("description", "")),
                }
                for parameter in operation.get("parameters", [])
            ]
            responses = [
                (code, markdown(answer.get("description", "")))
                for code, answer in sorted(operation.get("responses", {}).items())
            ]
            found.append(
                {
                    "anchor": anchor,
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": markdown(operation.get("description", "")),
                    "parameters": parameters,
                    "responses": responses,
                }
            )
    return tuple(found), markdown(schema.get("info", {}).get("description", ""))


class GuideView(TemplateView):
    template_name = "api/guide.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found, introduction = operations(get_language())
        base = self.request.build_absolute_uri("/api/v1/")
        context.update(operations=found, introduction=introduction, base=base)
        return context
