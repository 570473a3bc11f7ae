from django import template
from django.templatetags.static import static

from fabrique.core.pdf import media_url, static_file_url

register = template.Library()


@register.simple_tag(takes_context=True)
def pdf_static(context, path):
    """`{% pdf_static "dsfr/.../Marianne-Regular.woff2" %}`: a static asset's file URL for WeasyPrint;
    its public static URL in an HTML preview shown in a browser (which may not read file:// URLs)."""
    if callable(context.get("media_preview_url")):
        return static(path)
    return static_file_url(path)


@register.simple_tag(takes_context=True)
def pdf_media(context, name):
    """`{% pdf_media intervenant.photo %}`: an uploaded file's private `media:` URL, which only the
    restricted fetcher reads, and only when the renderer was given that name (`allowed_media`).

    An HTML preview shown in a browser may put a callable `media_preview_url` (name -> URL of a view that
    checks permissions) in its context instead."""
    preview = context.get("media_preview_url")
    return preview(str(name)) if callable(preview) else media_url(str(name))
