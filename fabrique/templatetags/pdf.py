from django import template

from fabrique.pdf import static_file_url

register = template.Library()


@register.simple_tag
def pdf_static(path):
    """`{% pdf_static "dsfr/.../Marianne-Regular.woff2" %}`: a static asset's file URL for WeasyPrint."""
    return static_file_url(path)
