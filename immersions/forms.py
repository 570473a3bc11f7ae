"""Forms of immersions and agreements: DSFR rendering, clear errors next to the fields."""

import uuid
from operator import attrgetter

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from accompagnement.models import Organisation
from immersions.enums import REASON_REQUIRED
from immersions.models import Bilan, EchangeTalent, FonctionCritique, Immersion
from immersions.permissions import is_staff, lead_scope


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _roots(user):
    roots = Organisation.objects.actives().racines()
    return roots if is_staff(user) else roots.filter(id__in=lead_scope(user))


def _belongs_to(service, organisation):
    return organisation is not None and organisation.pk in (service.parent_id, service.parent.parent_id)


# The agent's identity, the same four fields on an immersion and an agreement (models.Mobilite).
AGENT_FIELDS = ["agent_name", "agent_email", "agent_grade", "agent_categorie"]


class PartiesFormMixin:
    """Origin, host and their services; the user declares only for an organisation they lead for."""

    max_days_setting = "IMMERSION_MAX_DAYS"

    def setup_parties(self, user):
        self.user = user
        # « Secrétariat général (SG) — Ministère des Armées »: a service's name alone exists in several
        # ministries; its parents are selected with it, so naming the options costs no query.
        services = (
            Organisation.objects.actives().filter(parent__isnull=False).select_related("parent__parent")
        )
        self.fields["origin"].queryset = _roots(user)
        self.fields["host"].queryset = Organisation.objects.actives().racines()
        self.fields["origin_service"].queryset = (
            services if is_staff(user) else services.filter(id__in=lead_scope(user))
        )
        self.fields["host_service"].queryset = services
        for name in ("origin_service", "host_service"):
            self.fields[name].label_from_instance = attrgetter("nom_complet")
        for name in ("start_date", "end_date"):
            self.fields[name].widget = DateInput()
        if self.instance.pk is None:
            # A new token on each display of the empty form; a second submission of the same form (a
            # double click) carries the same token and gets the declaration the first one saved.
            self.fields["creation_token"] = forms.UUIDField(
                required=False, widget=forms.HiddenInput, initial=uuid.uuid4
            )

    def clean_parties_and_dates(self, cleaned):
        for service_name, organisation_name in (("origin_service", "origin"), ("host_service", "host")):
            service = cleaned.get(service_name)
            if service is not None and not _belongs_to(service, cleaned.get(organisation_name)):
                self.add_error(
                    service_name,
                    _("Ce service ne fait pas partie de l'organisation choisie."),
                )
        start, end = cleaned.get("start_date"), cleaned.get("end_date")
        if start and end:
            max_days = getattr(settings, self.max_days_setting)
            if end < start:
                self.add_error("end_date", _("La date de fin doit être postérieure à la date de début."))
            elif (end - start).days + 1 > max_days:
                self.add_error(
                    "end_date",
                    _("La durée dépasse le maximum autorisé de %(max)s jours.") % {"max": max_days},
                )
        return cleaned

    def reject_own_address(self, cleaned, field, message):
        """The declaring user cannot name themselves as the other party (tutor, agent): that party's
        step would then be theirs to make."""
        address = (cleaned.get(field) or "").strip().lower()
        if address and address == (self.user.email or "").strip().lower():
            self.add_error(field, message)


class ImmersionForm(PartiesFormMixin, DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Immersion
        fields = [
            *AGENT_FIELDS,
            "origin",
            "origin_service",
            "manager_name",
            "manager_email",
            "host",
            "host_service",
            "tutor_name",
            "tutor_email",
            "kind",
            "objectives",
            "start_date",
            "end_date",
            "confidential",
        ]
        widgets = {"objectives": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_parties(user)
        self.fields["end_date"].help_text = _("Au plus %(max)s jours, premier et dernier jour compris.") % {
            "max": settings.IMMERSION_MAX_DAYS
        }

    def clean(self):
        cleaned = self.clean_parties_and_dates(super().clean())
        self.reject_own_address(
            cleaned,
            "tutor_email",
            _(
                "Le tuteur ou la tutrice accepte pour la structure d'accueil : indiquez son adresse, "
                "pas la vôtre."
            ),
        )
        return cleaned


class EchangeForm(PartiesFormMixin, DsfrBaseForm, forms.ModelForm):
    max_days_setting = "ECHANGE_MAX_DAYS"

    class Meta:
        model = EchangeTalent
        fields = [
            *AGENT_FIELDS,
            "origin",
            "origin_service",
            "fonction_critique",
            "host",
            "host_service",
            "mission",
            "start_date",
            "end_date",
            "planned_return_date",
            "host_pays_travel",
            "host_pays_equipment",
            "host_pays_training",
            "running_costs_details",
            "reinvoicing_amount",
        ]
        widgets = {
            "mission": forms.Textarea(attrs={"rows": 4}),
            "running_costs_details": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_parties(user)
        self.fields["planned_return_date"].widget = DateInput()
        functions = FonctionCritique.objects.filter(active=True).select_related("service")
        if not is_staff(user):
            functions = functions.filter(service_id__in=lead_scope(user))
        self.fields["fonction_critique"].queryset = functions
        self.fields["end_date"].help_text = _("Au plus %(max)s jours.") % {"max": settings.ECHANGE_MAX_DAYS}
        self.fields["reinvoicing_amount"].help_text = _(
            "Facultatif : montant que l'accueil rembourse à l'origine. Le traitement et les droits sociaux "
            "restent garantis par l'origine."
        )

    def clean(self):
        cleaned = self.clean_parties_and_dates(super().clean())
        self.reject_own_address(
            cleaned,
            "agent_email",
            _("L'agent donne lui-même son accord à la convention : indiquez son adresse, pas la vôtre."),
        )
        function, service = cleaned.get("fonction_critique"), cleaned.get("origin_service")
        if function is not None and service is not None and function.service_id != service.pk:
            self.add_error("fonction_critique", _("Cette fonction critique appartient à un autre service."))
        end, back = cleaned.get("end_date"), cleaned.get("planned_return_date")
        if end and back and back < end:
            self.add_error("planned_return_date", _("Le retour se prévoit à la fin de l'échange ou après."))
        return cleaned


class TransitionForm(DsfrBaseForm):
    to = forms.CharField(widget=forms.HiddenInput)
    expected = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Motif"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Les parties le liront dans l'historique."),
        error_messages={"required": _("Indiquez le motif du refus ou de l'annulation.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A refusal or a cancellation needs its reason; the other steps take none.
        self.fields["reason"].required = (self.data.get("to") or self.initial.get("to")) in REASON_REQUIRED


class BilanForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = Bilan
        fields = ["deroulement", "apprentissages", "retour_accueil", "suite", "prochaines_etapes"]
        widgets = {
            "deroulement": forms.RadioSelect,
            "suite": forms.RadioSelect,
            "apprentissages": forms.Textarea(attrs={"rows": 4}),
            "retour_accueil": forms.Textarea(attrs={"rows": 4}),
            "prochaines_etapes": forms.Textarea(attrs={"rows": 3}),
        }


class RetourForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = EchangeTalent
        fields = ["planned_return_date", "return_interview_date", "return_position"]
        widgets = {"planned_return_date": DateInput(), "return_interview_date": DateInput()}

    def clean(self):
        cleaned = super().clean()
        interview = cleaned.get("return_interview_date")
        if interview and interview < self.instance.start_date:
            self.add_error("return_interview_date", _("L'entretien de retour suit le début de l'échange."))
        back = cleaned.get("planned_return_date")
        if back and back < self.instance.end_date:
            self.add_error("planned_return_date", _("Le retour se prévoit à la fin de l'échange ou après."))
        return cleaned


class DerogationForm(DsfrBaseForm):
    reason = forms.CharField(
        label=_("Motif de la dérogation"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Comment le poste sera tenu pendant l'absence de l'agent."),
    )


class FonctionCritiqueForm(DsfrBaseForm, forms.ModelForm):
    class Meta:
        model = FonctionCritique
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class TutorDecisionForm(DsfrBaseForm):
    decision = forms.ChoiceField(
        label=_("Votre décision"),
        choices=[("accepter", _("J'accepte d'accueillir l'agent")), ("refuser", _("Je refuse"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Motif (obligatoire en cas de refus)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decision") == "refuser" and not cleaned.get("reason", "").strip():
            self.add_error("reason", _("Indiquez le motif du refus."))
        return cleaned
