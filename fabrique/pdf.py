"""The only caller of WeasyPrint: renders a Django template to PDF with a restricted URL fetcher.

WeasyPrint's default fetcher reads any `file://` path and fetches any URL, so a booklet's rich text could
embed `/etc/passwd` or make the worker call an internal address. Here only `data:` URIs and files that
really lie under the project's static assets (STATICFILES_DIRS, the apps' static folders, STATIC_ROOT) are
read; everything else is refused and logged, and the document renders without it.
"""

import logging
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

TAGGED = "pdf/ua-1"


class ForbiddenResourceError(ValueError):
    """A resource the restricted fetcher refuses (WeasyPrint skips it and goes on)."""


@cache
def allowed_roots():
    """The real paths of every static asset folder the project serves."""
    roots = {Path(settings.STATIC_ROOT).resolve()}
    for finder in finders.get_finders():
        for storage in getattr(finder, "storages", {}).values():
            roots.add(Path(storage.location).resolve())
    return tuple(sorted(roots))


class RestrictedURLFetcher(URLFetcher):
    """Allows `data:` URIs and files under the static asset folders; refuses everything else."""

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols={"data", "file"}, allow_redirects=False)

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in allowed_roots()) and path.is_file():
                mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mimetype})
        logger.warning("PDF: resource refused by the restricted fetcher: %.200s", url)
        raise ForbiddenResourceError(f"Ressource refusée : {url[:200]}")


@cache
def font_configuration():
    """One font configuration per process: building it costs more than a small render."""
    return FontConfiguration()


def static_file_url(path):
    """The `file://` URL of a static asset, for templates rendered to PDF (see the `pdf_static` tag)."""
    found = finders.find(path)
    if not found:
        raise FileNotFoundError(f"Fichier statique introuvable : {path}")
    return Path(found).resolve().as_uri()


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    page_count: int


def render_pdf_document(template_name, context, *, variant=TAGGED):
    """Render `template_name` with `context` to a PDF; returns its bytes and its number of pages.

    `variant` is a WeasyPrint PDF variant: "pdf/ua-1" (the default) gives a tagged, accessible PDF;
    None gives an untagged one. The title, author and language come from the HTML's <title>,
    <meta name="author"> and <html lang>.
    """
    return render_html_to_pdf(render_to_string(template_name, context), variant=variant)


def render_html_to_pdf(html, *, variant=TAGGED):
    """Lay out HTML already rendered (by a template extending pdf/base.html) as a PDF, with the restricted
    fetcher: for callers that also need the HTML itself (a digest), so the template is rendered once."""
    fetcher = RestrictedURLFetcher()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(
        font_config=font_configuration(), pdf_variant=variant
    )
    content = document.write_pdf(pdf_variant=variant)
    return RenderedPdf(content=content, page_count=len(document.pages))


def render_pdf(template_name, context, *, variant=TAGGED):
    """Render `template_name` with `context` to PDF bytes (see `render_pdf_document`)."""
    return render_pdf_document(template_name, context, variant=variant).content
