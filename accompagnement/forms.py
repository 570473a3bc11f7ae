from allauth.account import forms as allauth_forms
from django.utils.translation import gettext_lazy as _

from fabrique.forms import DsfrFormMixin

NEW_PASSWORD_LABELS = {
    "oldpassword": _("Mot de passe actuel"),
    "password1": _("Nouveau mot de passe"),
    "password2": _("Confirmation du nouveau mot de passe"),
}
NEW_PASSWORD_HELP = {"password1": _("Au moins 12 caractères, ni trop courant, ni uniquement des chiffres.")}


class LoginForm(DsfrFormMixin, allauth_forms.LoginForm):
    field_labels = {"login": _("Adresse électronique"), "password": _("Mot de passe")}
    field_help_texts = {"login": _("Format attendu : prenom.nom@ministere.gouv.fr"), "password": ""}
    field_autocomplete = {"login": "email"}


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
