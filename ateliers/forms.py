"""Forms of the workshop pages: register (oneself or a colleague), check-in."""

from django import forms
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from ateliers.enums import Presence
from ateliers.livret.services.annexe import format_nom

CONSENT_LABEL = _("J'accepte de figurer dans la liste des participants du livret de restitution")
CONSENT_HELP = _(
    "Nom, prénom et organisation ; vous pouvez changer d'avis en écrivant à l'équipe d'animation."
)


class InscriptionForm(DsfrBaseForm):
    """Register oneself."""

    # Consent is an act: the box starts unchecked (and an unchecked box records a refusal).
    consent_annuaire = forms.BooleanField(label=CONSENT_LABEL, help_text=CONSENT_HELP, required=False)


class ColleagueInscriptionForm(DsfrBaseForm):
    """Register a colleague of one's own organisation."""

    user = forms.ModelChoiceField(label=_("Collègue à inscrire"), queryset=None, empty_label=_("Choisir"))
    consent_annuaire = forms.BooleanField(
        label=_("Ce collègue accepte de figurer dans la liste des participants du livret"),
        required=False,
    )

    def __init__(self, *args, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = colleagues
        self.fields["user"].label_from_instance = lambda user: (
            f"{format_nom(user.first_name, user.last_name) or user.email} — {user.email}"
        )


class EmargementForm(forms.Form):
    """One presence value per confirmed registration: fields `presence_<id>`."""

    def __init__(self, *args, inscriptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.inscriptions = inscriptions
        for inscription in inscriptions:
            self.fields[f"presence_{inscription.pk}"] = forms.ChoiceField(
                label=inscription.user.display_name,
                choices=Presence.choices,
                initial=inscription.presence,
                widget=forms.RadioSelect,
            )

    def presences(self):
        """{registration id: presence} from the cleaned data."""
        return {
            inscription.pk: self.cleaned_data[f"presence_{inscription.pk}"]
            for inscription in self.inscriptions
        }
