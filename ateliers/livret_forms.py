"""Forms of the booklet's front-end editor (staff and named rapporteurs)."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from ateliers.models import ContenuSequence

# Help texts are rendered as HTML by the DSFR field group: tag names only, never angle brackets.
RICH_TEXT_HINT = _(
    "HTML simple : paragraphes (p), listes (ul, ol, li), italique (em), gras (strong), intertitres "
    "(h3, h4), saut de ligne (br). Toute autre balise est retirée à l'enregistrement."
)


class ContenuSequenceForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = ContenuSequence
        fields = ["texte", "points_cles"]
        widgets = {
            "texte": forms.Textarea(attrs={"rows": 16}),
            "points_cles": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {"texte": RICH_TEXT_HINT}
