"""`{% livret_downloads atelier %}`: the booklet and attendance-certificate links a user may follow.

Any workshop page can show them with one line; the same predicates as the download views decide.
"""

from django import template

from ateliers import permissions
from ateliers.livret.services import attestations, versions

register = template.Library()


@register.inclusion_tag("ateliers/livret/_telechargements.html", takes_context=True)
def livret_downloads(context, atelier):
    user = context["request"].user
    livret = versions.published_version(atelier.pk)
    return {
        "atelier": atelier,
        "livret": livret if livret and permissions.can_download(user, livret) else None,
        "attestation": attestations.attestation_inscription_for(user, atelier.pk) is not None,
        "rapporteur": permissions.can_edit_content(user, atelier.pk),
    }
