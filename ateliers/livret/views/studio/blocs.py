"""One block of the studio as its pages show it (`studio/_bloc.html`): the row it edits, its form, where it
saves, its status (« Enregistré le … par … »), its list actions, and the conflict panel that shows both
texts when someone saved it meanwhile."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape, format_html, format_html_join, linebreaks
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accompagnement.models import Organisation
from ateliers.enums import Annexe2
from ateliers.livret.forms.studio import AJOUT_FORMS, BLOC_FORMS, organisation_choices
from ateliers.livret.models import ContenuSequence, ReglagesLivret
from ateliers.livret.services import studio
from ateliers.livret.services.studio import BLOCS, heure
from ateliers.models import Sequence
from fabrique.core import richtext

ADD_LABELS = {
    "contribution": gettext_lazy("Ajouter une contribution"),
    "question": gettext_lazy("Ajouter une question"),
    "reponse": gettext_lazy("Ajouter une réponse"),
    "groupe": gettext_lazy("Ajouter un groupe"),
    "ressource": gettext_lazy("Ajouter une ressource"),
}
RICH_FIELDS = {"texte", "points_cles", "text", "synthese", "description", "portrait"}
RICH_FIELDS |= {"annexe2_texte", "quatrieme_couverture"}


def block_instance(atelier, bloc, obj_pk):
    """The row a block's form edits (a séquence's text and the back matter may not exist yet), or 404."""
    if bloc not in BLOCS:
        raise Http404
    if bloc == "sequence":
        sequence = get_object_or_404(
            Sequence.objects.filter(atelier=atelier).select_related("contenu"), pk=obj_pk
        )
        return contenu_of(sequence)
    if bloc == "reglages":
        if obj_pk != atelier.pk:
            raise Http404
        return reglages_of(atelier)
    return get_object_or_404(studio.blocks_of(atelier, bloc), pk=obj_pk)


def contenu_of(sequence):
    """A séquence's text and key points (a new, unsaved row until they are first written)."""
    return getattr(sequence, "contenu", None) or ContenuSequence(sequence=sequence)


def reglages_of(atelier, *related):
    """The booklet's back matter (a new, unsaved row until it is first written)."""
    reglages = ReglagesLivret.objects.filter(atelier=atelier)
    if related:
        reglages = reglages.select_related(*related)
    return reglages.first() or ReglagesLivret(atelier=atelier)


def bloc_form(bloc, obj, key, *, data=None, files=None, organisations=None):
    kwargs = {"instance": obj, "key": key}
    if bloc == "contribution":
        kwargs["organisations"] = (
            organisations if organisations is not None else organisation_choices(keep=[obj.organisation_id])
        )
    if bloc == "groupe" and data is not None:
        kwargs["constats"] = []  # a bound form shows what was posted
    return BLOC_FORMS[bloc](data, files, **kwargs)


def block(atelier, bloc, obj, key, *, title, retour, posted=None, organisations=None, **extra):
    """What `studio/_bloc.html` shows of one block: its form, where it saves, its status, its actions.
    `posted` is the form just refused, {"bloc", "key", "form", "conflict"}: when it is this block's, its
    form (with its errors, or with both texts on a conflict) is shown instead of a fresh one."""
    form = conflict = None
    if posted and posted["bloc"] == bloc and posted["key"] == key:
        form, conflict = posted.get("form"), posted.get("conflict")
    form = form or bloc_form(bloc, obj, key, organisations=organisations)
    shown = {
        "bloc": bloc,
        "key": key,
        "anchor": f"bloc-{bloc}-{key}",
        "form": form,
        "title": title,
        "retour": retour,
        "action": reverse("ateliers:studio_enregistrer", args=[atelier.pk, bloc, key]),
        "status": _saved_label(obj),
        "multipart": bloc == "intervenant",
        "conflict": conflict,
        "conflict_fields": conflict_fields(conflict, form) if conflict else [],
        "page_url": _retour_url(atelier, retour),
        **extra,
    }
    if retour.startswith("groupe-"):
        return shown  # a group's phone page writes it; its part's page moves or deletes it
    if BLOCS[bloc].deletable and obj.pk:
        shown["delete_url"] = reverse("ateliers:studio_supprimer", args=[atelier.pk, bloc, obj.pk])
    if BLOCS[bloc].parent and obj.pk:
        shown["move_url"] = reverse("ateliers:studio_deplacer", args=[atelier.pk, bloc, obj.pk])
    return shown


def ajout(atelier, bloc, parent_pk, *, posted=None, organisations=None):
    """The « Ajouter … » form at the end of a list (bound when it was just refused)."""
    if posted and posted.get("ajout") == (bloc, parent_pk):
        form = posted["form"]
    else:
        kwargs = {"organisations": organisations} if bloc == "contribution" else {}
        form = AJOUT_FORMS[bloc](key=parent_pk, **kwargs)
    return {
        "bloc": bloc,
        "form": form,
        "label": ADD_LABELS[bloc],
        "action": reverse("ateliers:studio_ajouter", args=[atelier.pk, bloc, parent_pk]),
        "anchor": f"ajout-{bloc}-{parent_pk}",
    }


def _saved_label(obj):
    """« Enregistré le 18 avril 2023 à 10 h 42 par Camille Martin » for a block already written."""
    updated_at = getattr(obj, "updated_at", None)
    if not obj.pk or not getattr(obj, "revision", 0) or updated_at is None:
        return ""
    label = _("Enregistré le %(date)s à %(heure)s") % {
        "date": date_format(timezone.localtime(updated_at), "j F Y"),
        "heure": heure(updated_at),
    }
    updated_by = getattr(obj, "updated_by", None)
    if updated_by is not None:
        label += " " + _("par %(name)s") % {"name": updated_by.display_name}
    return label


def _retour_url(atelier, retour):
    """The page a block's form is on (« Prendre leur version » reloads it)."""
    kind, _sep, key = retour.partition("-")
    if kind == "groupe":
        return reverse("ateliers:studio_groupe", args=[atelier.pk, int(key)])
    if kind == "partie":
        return reverse("ateliers:livret_sequence", args=[atelier.pk, int(key)])
    return reverse("ateliers:studio_reglages", args=[atelier.pk])


# --- The conflict panel ----------------------------------------------------------------------------


def conflict_fields(conflict, form):
    """The fields whose texts differ, each with its label, their HTML and mine."""
    names = [name for name in conflict.theirs if conflict.theirs[name] != conflict.mine.get(name)]
    organisations = {}
    if "organisation" in names:
        pks = {conflict.theirs["organisation"], conflict.mine.get("organisation")} - {None}
        organisations = {
            o.pk: o.nom_complet
            for o in Organisation.objects.filter(pk__in=pks).select_related("parent__parent")
        }
    return [
        {
            "name": name,
            "label": str(form.fields[name].label) if name in form.fields else name,
            "theirs": _display(name, conflict.theirs[name], organisations),
            "mine": _display(name, conflict.mine.get(name), organisations),
            "value": "\n".join(conflict.theirs[name]) if name == "constats" else conflict.theirs[name],
        }
        for name in names
    ]


def _display(name, value, organisations=None):
    """A value as the conflict panel shows it (HTML): rich text cleaned, plain text escaped."""
    if name == "organisation":
        return escape((organisations or {}).get(value, _("Hors réseau")))
    if name == "constats":
        items = format_html_join("", "<li>{}</li>", ((line,) for line in value or []))
        return format_html("<ul>{}</ul>", items) if value else ""
    if name == "annexe2":
        return escape(Annexe2(value).label if value in Annexe2.values else value)
    if isinstance(value, bool):
        return _("Oui") if value else _("Non")
    if name in RICH_FIELDS:
        return mark_safe(richtext.sanitise(value))
    return linebreaks(value, autoescape=True) if value else ""
