"""The only caller of WeasyPrint: renders a Django template to PDF with a restricted URL fetcher.

WeasyPrint's default fetcher reads any `file://` path and fetches any URL, so a booklet's rich text could
embed `/etc/passwd` or make the worker call an internal address. Here only three kinds of resources are
read, for the document and its stylesheets alike:
- `data:` URIs;
- files that really lie under the project's static assets (STATICFILES_DIRS, the apps' static folders,
  STATIC_ROOT): fonts, logos;
- `media:<storage name>` (see `media_url`): an uploaded file, read through Django's storage API (so object
  storage works as well as the file system), and only when the caller listed that exact name in
  `allowed_media` (a booklet passes its own speakers' photos, nothing else).
Everything else (another file name, a path climbing out, `file://` elsewhere, http, ftp...) is refused and
logged, and the document renders without it.
"""

import logging
import mimetypes
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

TAGGED = "pdf/ua-1"
MEDIA_SCHEME = "media"
# An uploaded image larger than this is not read into a PDF (photos are checked on upload already).
MAX_MEDIA_BYTES = 10 * 1024 * 1024


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


def media_url(name):
    """The private URL under which a template refers to an uploaded file (`{% pdf_media name %}`):
    `media:<storage name>`. Only the restricted fetcher understands it, and only for allowed names."""
    return f"{MEDIA_SCHEME}:{quote(name, safe='/')}"


class RestrictedURLFetcher(URLFetcher):
    """Allows `data:` URIs, files under the static asset folders and the storage names in
    `allowed_media` (read from `storage`, the default storage unless given); refuses everything else."""

    def __init__(self, *, allowed_media=frozenset(), storage=None):
        super().__init__(timeout=1, allowed_protocols={"data", "file"}, allow_redirects=False)
        self.allowed_media = frozenset(allowed_media)
        self.storage = storage if storage is not None else default_storage

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower() if ":" in url else ""
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            path = Path(unquote(urlsplit(url).path)).resolve()
            if any(path.is_relative_to(root) for root in allowed_roots()) and path.is_file():
                return URLFetcherResponse(url, body=path.read_bytes(), headers=_content_type(path.name))
        if scheme == MEDIA_SCHEME:
            response = self._fetch_media(url)
            if response is not None:
                return response
        logger.warning("PDF: resource refused by the restricted fetcher: %.200s", url)
        raise ForbiddenResourceError(f"Ressource refusée : {url[:200]}")

    def _fetch_media(self, url):
        """An allowed storage name, read through the storage API; None when not allowed or unreadable.

        The name must be exactly one the caller listed: no normalisation happens before the comparison,
        so "../", another workshop's photo or an absolute path never match."""
        name = unquote(url[len(MEDIA_SCHEME) + 1 :])
        if name not in self.allowed_media:
            return None
        try:
            with self.storage.open(name, "rb") as handle:
                body = handle.read(MAX_MEDIA_BYTES + 1)
        except (OSError, ValueError) as error:  # missing file, storage refusing the name
            logger.warning("PDF: allowed media %.200s could not be read: %s", name, error)
            return None
        if len(body) > MAX_MEDIA_BYTES:
            logger.warning("PDF: allowed media %.200s is larger than %s bytes", name, MAX_MEDIA_BYTES)
            return None
        return URLFetcherResponse(url, body=body, headers=_content_type(name))


def _content_type(name):
    return {"Content-Type": mimetypes.guess_type(name)[0] or "application/octet-stream"}


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
    pages: int


def render_pdf_document(template_name, context, *, variant=TAGGED, allowed_media=frozenset(), storage=None):
    """Render `template_name` with `context` to a PDF; returns its bytes and its number of pages.

    `variant` is a WeasyPrint PDF variant: "pdf/ua-1" (the default) gives a tagged, accessible PDF;
    None gives an untagged one. The title, author and language come from the HTML's <title>,
    <meta name="author"> and <html lang>. `allowed_media` and `storage`: see `render_html_to_pdf`.
    """
    return render_html_to_pdf(
        render_to_string(template_name, context),
        variant=variant,
        allowed_media=allowed_media,
        storage=storage,
    )


def render_html_to_pdf(html, *, variant=TAGGED, allowed_media=frozenset(), storage=None):
    """Lay out HTML already rendered (by a template extending pdf/base.html) as a PDF, with the restricted
    fetcher: for callers that also need the HTML itself (a digest), so the template is rendered once.

    `allowed_media`: the storage names the document may embed (as `media:<name>` URLs), read from
    `storage` (the default storage unless given); every other uploaded file stays out.
    """
    fetcher = RestrictedURLFetcher(allowed_media=allowed_media, storage=storage)
    document = HTML(string=html, base_url=None, url_fetcher=fetcher).render(
        font_config=font_configuration(), pdf_variant=variant
    )
    content = document.write_pdf(pdf_variant=variant)
    return RenderedPdf(content=content, pages=len(document.pages))


def render_pdf(template_name, context, *, variant=TAGGED):
    """Render `template_name` with `context` to PDF bytes (see `render_pdf_document`)."""
    return render_pdf_document(template_name, context, variant=variant).content
