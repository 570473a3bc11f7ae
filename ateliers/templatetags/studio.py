"""`{% peut_ecrire_livret atelier as ... %}`: whether to link the booklet studio from a workshop's page.

Staff always see the link; the rapporteurs staff named see it from the workshop's start, when the booklet
is written (during the workshop, on a phone, and after). Before that the page asks nothing more of the
database for them, and the studio stays reachable at its address.
"""

from django import template
from django.utils import timezone

from ateliers import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def peut_ecrire_livret(context, atelier):
    user = context["request"].user
    if not permissions.is_staff(user) and atelier.starts_at > timezone.now():
        return False
    return permissions.can_edit_content(user, atelier.pk)
