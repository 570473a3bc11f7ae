from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from accompagnement import throttling
from accompagnement.enums import Besoin, DispositifKind, Public
from accompagnement.models import Dispositif
from fabrique.core.forms import DsfrFormMixin

NEW_PASSWORD_LABELS = {
    "oldpassword": _("Mot de passe actuel"),
    "password1": _("Nouveau mot de passe"),
    "password2": _("Confirmation du nouveau mot de passe"),
}
NEW_PASSWORD_HELP = {"password1": _("Au moins 12 caractères, ni trop courant, ni uniquement des chiffres.")}


class LoginForm(DsfrFormMixin, allauth_forms.LoginForm):
    """Email and password, throttled per (account, address) pair (accompagnement.throttling): a try that
    comes too soon after failures is refused with the wait, before the password is checked."""

    field_labels = {"login": _("Adresse électronique"), "password": _("Mot de passe")}
    field_help_texts = {"login": _("Format attendu : prenom.nom@ministere.gouv.fr"), "password": ""}
    field_autocomplete = {"login": "email"}

    def clean(self):
        email = self.cleaned_data.get("login")
        if self.errors or not email or not self.cleaned_data.get("password"):
            return super().clean()
        throttle = throttling.login_throttle(self.request, email)
        wait = throttle.begin()
        if wait:
            throttling.account_failed(email)
            raise ValidationError(throttling.login_wait_error(wait), code="throttled")
        try:
            cleaned_data = super().clean()
        except ValidationError:
            throttling.account_failed(email)
            raise
        throttle.succeeded()
        return cleaned_data


class SecondFactorThrottleMixin(DsfrFormMixin):
    """allauth's code check (TOTP or recovery code), DSFR rendering, a growing wait per account after
    failures (MFA_FORMS)."""

    field_labels = {"code": _("Code")}
    field_help_texts = {"code": ""}  # the page says what to type
    field_autocomplete = {"code": "one-time-code"}

    def clean_code(self):
        throttle = throttling.second_factor_throttle(self.user)
        wait = throttle.begin()
        if wait:
            raise ValidationError(throttling.code_wait_error(wait), code="throttled")
        code = super().clean_code()
        throttle.succeeded()
        return code


class SecondFactorForm(SecondFactorThrottleMixin, mfa_forms.AuthenticateForm):
    pass


class SecondFactorReauthenticateForm(SecondFactorThrottleMixin, mfa_forms.ReauthenticateForm):
    pass


class ActivateSecondFactorForm(DsfrFormMixin, totp_forms.ActivateTOTPForm):
    """Enrolment: the first code the authenticator app shows (staff, accompagnement.second_factor)."""

    field_labels = {"code": _("Code à six chiffres affiché par l'application")}
    field_help_texts = {"code": ""}
    field_autocomplete = {"code": "one-time-code"}


class ResetPasswordForm(DsfrFormMixin, allauth_forms.ResetPasswordForm):
    field_labels = {"email": _("Adresse électronique")}
    field_help_texts = {
        "email": _("L'adresse de votre compte : vous y recevrez un lien valable trois jours.")
    }
    field_autocomplete = {"email": "email"}


class ResetPasswordKeyForm(DsfrFormMixin, allauth_forms.ResetPasswordKeyForm):
    field_labels = NEW_PASSWORD_LABELS
    field_help_texts = NEW_PASSWORD_HELP


class ChangePasswordForm(DsfrFormMixin, allauth_forms.ChangePasswordForm):
    field_labels = NEW_PASSWORD_LABELS
    field_help_texts = NEW_PASSWORD_HELP


class ReauthenticateForm(DsfrFormMixin, allauth_forms.ReauthenticateForm):
    """The password again before a sensitive change (adding a second factor, new recovery codes)."""

    field_labels = {"password": _("Mot de passe")}
    field_help_texts = {"password": ""}
    field_autocomplete = {"password": "current-password"}


class InvitationPasswordForm(DsfrFormMixin, SetPasswordForm):
    """The invited member chooses their password (Django's SetPasswordForm, DSFR rendering)."""

    field_labels = {"new_password1": _("Mot de passe"), "new_password2": _("Confirmation du mot de passe")}
    field_help_texts = {"new_password1": NEW_PASSWORD_HELP["password1"], "new_password2": ""}
    field_autocomplete = {"new_password1": "new-password", "new_password2": "new-password"}


class CharteAcceptanceForm(DsfrBaseForm):
    accept = forms.BooleanField(
        label=_("J'ai lu la charte de la Fabrique et je m'engage à la respecter."),
        error_messages={"required": _("Cochez la case pour accepter la charte.")},
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)


class LinksField(forms.CharField):
    """Web addresses, one per line; each must be an http(s) URL."""

    widget = forms.Textarea(attrs={"rows": 3})
    validator = URLValidator(schemes=["http", "https"])

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        return [line.strip() for line in (super().to_python(value) or "").splitlines() if line.strip()]

    def validate(self, value):
        super().validate(value)
        errors = []
        for url in value:
            try:
                self.validator(url)
            except ValidationError:
                errors.append(
                    ValidationError(
                        _("« %(url)s » n'est pas une adresse web valide (elle commence par https://)."),
                        params={"url": url},
                        code="invalid_url",
                    )
                )
        if errors:
            raise ValidationError(errors)
        if len(value) > 10:
            raise ValidationError(_("Dix liens au plus."), code="too_many")


def organisation_label(organisation):
    """« Secrétariat général (SG) — Ministère de la Justice »: a direction's name alone is ambiguous across
    ministries. The queryset selects `parent__parent`, so naming every option costs no query."""
    return organisation.nom_complet


# What describes a scheme, edited alike on the site (DispositifForm) and in the admin, in this order.
DISPOSITIF_DESCRIPTION_FIELDS = [
    "kind",
    "maturity",
    "needs",
    "publics",
    "summary",
    "description",
    "access",
    "contact",
    "links",
    "is_model",
]


class DispositifForm(DsfrBaseForm, forms.ModelForm):
    """Propose or edit a scheme. `organisations` is what the author may write for (see permissions)."""

    needs = forms.MultipleChoiceField(
        label=_("Besoins traités"),
        choices=Besoin.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un besoin.")},
    )
    publics = forms.MultipleChoiceField(
        label=_("Publics"),
        choices=Public.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Cochez au moins un public.")},
    )
    links = LinksField(
        label=_("Liens"),
        required=False,
        help_text=_("Une adresse par ligne, par exemple https://www.fonction-publique.gouv.fr/…"),
    )

    class Meta:
        model = Dispositif
        fields = ["title", "organisation", *DISPOSITIF_DESCRIPTION_FIELDS]
        labels = {
            "is_model": _("Proposer ce dispositif comme modèle que d'autres organisations peuvent adopter")
        }
        help_texts = {
            "title": _("Le nom sous lequel les agents connaissent le dispositif."),
            "summary": _("En deux ou trois phrases : ce qu'il apporte, à qui. 600 caractères au plus."),
            "description": _("Déroulement, durée, acteurs, résultats obtenus."),
            "access": _("Qui peut le demander, auprès de qui, avec quel accord."),
            "contact": _("Service ou adresse électronique à contacter."),
        }
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "description": forms.Textarea(attrs={"rows": 6}),
            "access": forms.Textarea(attrs={"rows": 3}),
        }
        error_messages = {
            "title": {"required": _("Donnez un titre au dispositif.")},
            "summary": {"required": _("Résumez le dispositif en quelques phrases.")},
            "kind": {"required": _("Choisissez le type de dispositif.")},
            "organisation": {"required": _("Choisissez l'organisation qui porte le dispositif.")},
        }

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.select_related("parent__parent").order_by(
            "parent__name", "name"
        )
        self.fields["organisation"].empty_label = _("Choisir une organisation")
        self.fields["organisation"].label_from_instance = organisation_label
        self.fields["kind"].choices = [("", _("Choisir un type")), *DispositifKind.choices]


class AdoptionForm(DsfrBaseForm):
    organisation = forms.ModelChoiceField(
        label=_("Adopter pour"), queryset=None, empty_label=None, to_field_name="pk"
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.select_related("parent__parent")
        self.fields["organisation"].label_from_instance = organisation_label
