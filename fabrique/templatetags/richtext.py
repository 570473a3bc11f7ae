"""`{% rich_text_media media %}`: form media rendered with the request's CSP nonce.

The rich-text editor (django-prose-editor) is loaded as ES modules through an import map, which is an
inline `<script type="importmap">`: under the site's CSP (script-src 'self' + nonce) it runs only with
the request's nonce. js_asset's `Media` carries a nonce onto every tag it renders; plain `forms.Media`
(pages without an editor) is wrapped the same way.
"""

from django import template
from js_asset import Media

register = template.Library()


@register.simple_tag(takes_context=True)
def rich_text_media(context, media):
    """Render `media` (a form's, a page's, the admin's) with the CSP nonce of the current request."""
    if not media:
        return ""
    request = context.get("request")
    # django-csp's lazy nonce is falsy until read: read it (str), which also puts it in the header.
    nonce = getattr(request, "csp_nonce", None) if request is not None else None
    return Media.from_media(media, nonce="" if nonce is None else str(nonce)).render()
