"""Forms of a booklet's « Annexe » page: its own settings of the participant lists (staff)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from ateliers.livret.services.annexe import CHAMPS_REGLAGE, intitule_par_defaut, rang_reseau
from ateliers.models import ReglageAnnexe

RANG_MAX = 32767  # a PositiveSmallIntegerField


class ReglageAnnexeForm(DsfrBaseForm, forms.ModelForm):
    """The umbrella headings and the name format of one booklet."""

    class Meta:
        model = ReglageAnnexe
        fields = CHAMPS_REGLAGE
        widgets = {"etablissements": forms.RadioSelect, "format_nom": forms.RadioSelect}
        help_texts = {
            "rang_pfrh": _("1 en premier."),
            "rang_etablissements": _("1 en premier."),
            "intitule_etablissements": _(
                "Sert aussi aux établissements sans tutelle quand ils sont rangés sous leur ministère."
            ),
        }


class RubriqueForm(DsfrBaseForm):
    """One ministry's or body's heading in one booklet: its label and rank."""

    intitule = forms.CharField(label=_("Intitulé"), max_length=120, required=False)
    rang = forms.IntegerField(label=_("Rang"), min_value=0, max_value=RANG_MAX, required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, prefix=f"rubrique-{organisation.pk}", **kwargs)
        self.organisation = organisation


def rubrique_forms(data, organisations, rubriques):
    """One RubriqueForm per ministry or body, filled from the booklet's headings (`rubriques`:
    {organisation pk: RubriqueAnnexe}), else from the network's label and rank (an organisation
    registered after the booklet was customised)."""
    forms_ = []
    for organisation in organisations:
        rubrique = rubriques.get(organisation.pk)
        if rubrique is not None:
            initial = {"intitule": rubrique.intitule, "rang": rubrique.rang}
        else:
            initial = {"intitule": intitule_par_defaut(organisation), "rang": rang_reseau(organisation)}
        forms_.append(RubriqueForm(data, organisation=organisation, initial=initial))
    return forms_
