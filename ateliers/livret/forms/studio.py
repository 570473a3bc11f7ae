"""Forms of the booklet studio (staff and named rapporteurs): one form per block, autosaved.

Every block form carries the `revision` its writer started from (see `ateliers.livret.services.studio`) and
renders its fields with ids unique on the page (`auto_id` "<bloc>-<pk>-<field>") while keeping the field
names the save endpoint expects. Rich text uses the editor of `fabrique.core.richtext` (no raw HTML anywhere).

The admin's forms of the same rows (`RevisionCheckForm`) carry the revision their page was opened at and
refuse, with the same rule (`ateliers.livret.services.studio.check_revision`), to
overwrite what was saved since.
"""

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.forms.models import InlineForeignKeyField
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBaseForm

from accompagnement.models import Organisation, fold
from ateliers.livret.services.studio import Conflict, check_revision, heure
from ateliers.livret.validators import PHOTO_ACCEPT, PHOTO_HELP, validate_photo
from ateliers.models import (
    ContenuSequence,
    Contribution,
    GroupeTravail,
    Intervenant,
    Question,
    ReglagesLivret,
    Reponse,
    Ressource,
)

CONSTAT_MAX_CHARS = 2000
CONSTATS_MAX = 60


def organisation_choices(keep=()):
    """The organisations a round-table contribution may name: every ministry or body and their
    directions (active ones, plus those in `keep`), « Nom — Ministère », grouped under their ministry.
    One query."""
    organisations = (
        Organisation.objects.filter(parent__parent__isnull=True)
        .filter(active=True)
        .select_related("parent__parent")
    )
    if keep:
        organisations = organisations | Organisation.objects.filter(pk__in=keep).select_related(
            "parent__parent"
        )
    groups = {}
    for organisation in organisations:
        root = organisation.racine
        groups.setdefault(root.pk, (root.name, []))[1].append(
            (organisation.pk != root.pk, fold(organisation.name), organisation.pk, organisation.nom_complet)
        )
    return [
        (name, [(pk, label) for _direction, _key, pk, label in sorted(members)])
        for name, members in sorted(groups.values(), key=lambda group: fold(group[0]))
    ]


def _organisation_field():
    return forms.TypedChoiceField(
        label=_("Organisation"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Un ministère, un organisme ou l'une de leurs directions. Hors réseau : laissez vide."),
    )


def _organisation_choices_field(form, organisations):
    form.fields["organisation"].choices = [("", _("— Hors réseau (nom ci-dessous) —")), *organisations]


def _require_organisation(cleaned):
    if not cleaned.get("organisation") and not (cleaned.get("organisation_label") or "").strip():
        raise forms.ValidationError(
            _("Choisissez l'organisation, ou écrivez le nom d'une organisation hors réseau."),
            code="organisation_required",
        )
    return cleaned


class StudioForm(DsfrBaseForm, forms.ModelForm):
    """A block of the studio: the model's fields plus the revision the writer started from."""

    bloc = ""
    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def __init__(self, *args, key, **kwargs):
        instance = kwargs["instance"]
        kwargs.setdefault("auto_id", f"{self.bloc}-{key}-%s")
        kwargs["initial"] = {"revision": instance.revision, **kwargs.get("initial", {})}
        super().__init__(*args, **kwargs)
        self.key = key

    def validate_unique(self):
        pass  # the service finds (or creates) the one row this block is: no duplicate to check here

    def values(self):
        """What the service saves: the block's fields from the cleaned data."""
        return {name: value for name, value in self.cleaned_data.items() if name != "revision"}


class ContenuSequenceForm(StudioForm):
    bloc = "sequence"

    class Meta:
        model = ContenuSequence
        fields = ["texte", "points_cles"]


class ContributionForm(StudioForm):
    bloc = "contribution"
    organisation = _organisation_field()

    class Meta:
        model = Contribution
        fields = ["organisation_label", "speaker", "text"]
        labels = {"organisation_label": _("Organisation hors réseau")}
        help_texts = {"organisation_label": _("Son nom, tel qu'il paraîtra dans le livret.")}

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        _organisation_choices_field(self, organisations)
        self.fields["organisation"].initial = self.instance.organisation_id
        self.order_fields(["organisation", "organisation_label", "speaker", "text"])

    def clean(self):
        return _require_organisation(super().clean())


class QuestionForm(StudioForm):
    bloc = "question"

    class Meta:
        model = Question
        fields = ["question", "asked_by"]
        widgets = {"question": forms.Textarea(attrs={"rows": 2})}


class ReponseForm(StudioForm):
    bloc = "reponse"

    class Meta:
        model = Reponse
        fields = ["answered_by", "text"]


class ConstatsField(forms.CharField):
    """The findings of a group written one per line; cleaned as a list of lines."""

    widget = forms.Textarea(attrs={"rows": 6})

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def validate(self, value):
        super().validate(value)
        if len(value) > CONSTATS_MAX:
            raise forms.ValidationError(
                _("%(count)s constats : %(max)s au plus par groupe."),
                params={"count": len(value), "max": CONSTATS_MAX},
                code="too_many",
            )
        for line in value:
            if len(line) > CONSTAT_MAX_CHARS:
                raise forms.ValidationError(
                    _("Un constat dépasse %(max)s caractères : « %(start)s… »."),
                    params={"max": CONSTAT_MAX_CHARS, "start": line[:40]},
                    code="too_long",
                )


class GroupeForm(StudioForm):
    bloc = "groupe"
    constats = ConstatsField(
        label=_("Constats"), required=False, help_text=_("Un constat par ligne, dans l'ordre du livret.")
    )

    class Meta:
        model = GroupeTravail
        fields = ["title", "theme", "facilitator", "synthese"]

    def __init__(self, *args, constats=None, **kwargs):
        super().__init__(*args, **kwargs)
        if constats is None:
            constats = [c.text for c in self.instance.constats.all()] if self.instance.pk else []
        self.fields["constats"].initial = constats


class RessourceForm(StudioForm):
    bloc = "ressource"
    link = forms.URLField(label=_("Lien"), required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Ressource
        fields = ["title", "description", "link"]


class PortraitForm(StudioForm):
    """A speaker's portrait in the booklet: a photo (checked by `validate_photo`) and a few lines."""

    bloc = "intervenant"
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        validators=[validate_photo],
        help_text=PHOTO_HELP,
        widget=forms.FileInput(attrs={"accept": PHOTO_ACCEPT}),
    )
    retirer_photo = forms.BooleanField(label=_("Retirer la photo"), required=False)

    class Meta:
        model = Intervenant
        fields = ["portrait"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.instance.photo:
            del self.fields["retirer_photo"]

    def values(self):
        return {"portrait": self.cleaned_data["portrait"]}


class ReglagesLivretForm(StudioForm):
    bloc = "reglages"

    class Meta:
        model = ReglagesLivret
        fields = ["annexe2", "annexe2_titre", "annexe2_texte", "page_annexes", "quatrieme_couverture"]
        widgets = {"annexe2": forms.RadioSelect}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("annexe2") == "texte" and not cleaned.get("annexe2_titre", "").strip():
            self.add_error("annexe2_titre", _("Donnez un titre à ce texte : il paraît au sommaire."))
        return cleaned


# --- The admin's forms of what the studio writes ---------------------------------------------------

REVISION_FIELD = "revision_ouverte"


class RevisionField(forms.IntegerField):
    """The revision of a row when its page was opened (hidden): what a save is checked against, never a
    change in itself (an untouched inline form stays unsaved)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=0, required=False, **kwargs)

    def has_changed(self, initial, data):
        return False


def conflict_message(conflict):
    """« Ce bloc a été modifié par Camille Martin à 10 h 42 depuis l'ouverture de cette page : … »."""
    if conflict.updated_at is None:  # a speaker's row records neither who nor when
        return gettext(
            "Ce bloc a été modifié depuis l'ouverture de cette page : rechargez-la pour voir sa version ; "
            "votre texte est ci-dessous."
        )
    when = timezone.localtime(conflict.updated_at)
    moment = gettext("à %(heure)s") % {"heure": heure(when)}
    if when.date() != timezone.localdate():
        moment = gettext("le %(date)s à %(heure)s") % {
            "date": date_format(when, "j F Y"),
            "heure": heure(when),
        }
    if conflict.updated_by is None:
        return gettext(
            "Ce bloc a été modifié %(moment)s depuis l'ouverture de cette page : rechargez-la pour voir sa "
            "version ; votre texte est ci-dessous."
        ) % {"moment": moment}
    return gettext(
        "Ce bloc a été modifié par %(name)s %(moment)s depuis l'ouverture de cette page : rechargez-la pour "
        "voir sa version ; votre texte est ci-dessous."
    ) % {"name": conflict.updated_by.display_name, "moment": moment}


UNKNOWN_REVISION = _(
    "Cette page ne dit pas quelle version de ce bloc elle montrait : rechargez-la pour voir la version "
    "enregistrée ; votre texte est ci-dessous."
)


class RevisionCheckForm(forms.ModelForm):
    """An admin form (or inline form) of a row the studio writes (`Redaction` rows, a speaker).

    It carries, hidden, the revision the row had when the page was opened. Its `clean` locks the row
    (the admin's change view runs in a transaction, so the lock holds until the save) and refuses, keeping
    what was typed, a save made from an older revision whose values differ from what is now stored (the
    studio's rule, `check_revision`). Otherwise the save goes on from the row's current revision, which
    the admin bumps when it saves a change (`ateliers.livret.admin.livret.StaffOnlyMixin.record_writer`)."""

    revision_ouverte = RevisionField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[REVISION_FIELD].initial = self.instance.revision

    def compared_fields(self):
        """The row's own fields this form edits (neither its key nor the inline's parent)."""
        opts = self._meta.model._meta
        names = []
        for name, field in self.fields.items():
            if name in (REVISION_FIELD, opts.pk.name) or isinstance(field, InlineForeignKeyField):
                continue
            try:
                model_field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.concrete and model_field.editable and name in self.cleaned_data:
                names.append(name)
        return names

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is None:
            return cleaned
        model = self._meta.model
        stored = model._default_manager.select_for_update().filter(pk=self.instance.pk).first()
        if stored is None:
            raise forms.ValidationError(
                _(
                    "Ce bloc a été supprimé depuis l'ouverture de cette page : copiez votre texte et "
                    "rechargez-la."
                ),
                code="deleted",
            )
        opened = cleaned.get(REVISION_FIELD)
        values = {name: cleaned[name] for name in self.compared_fields()}
        try:
            # A page that does not say its revision (opened before this check existed) may be stale.
            check_revision(stored, -1 if opened is None else opened, values)
        except Conflict as conflict:
            message = conflict_message(conflict) if opened is not None else UNKNOWN_REVISION
            raise forms.ValidationError(message, code="conflict") from None
        self.instance.revision = stored.revision
        return cleaned


# --- Adding a block: the fields that name it, the rest is written in the studio -------------------


class AjoutForm(DsfrBaseForm):
    bloc = ""

    def __init__(self, *args, key, **kwargs):
        kwargs.setdefault("auto_id", f"ajout-{self.bloc}-{key}-%s")
        super().__init__(*args, **kwargs)


class AjoutContributionForm(AjoutForm):
    bloc = "contribution"
    organisation = _organisation_field()
    organisation_label = forms.CharField(label=_("Organisation hors réseau"), max_length=255, required=False)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        _organisation_choices_field(self, organisations)

    def clean(self):
        return _require_organisation(super().clean())


class AjoutQuestionForm(AjoutForm):
    bloc = "question"
    question = forms.CharField(label=_("Question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class AjoutReponseForm(AjoutForm):
    bloc = "reponse"
    answered_by = forms.CharField(
        label=_("Réponse de"), max_length=255, help_text=_("Nom et fonction de la personne qui répond.")
    )


class AjoutGroupeForm(AjoutForm):
    bloc = "groupe"
    title = forms.CharField(label=_("Intitulé du groupe"), max_length=255)


class AjoutRessourceForm(AjoutForm):
    bloc = "ressource"
    title = forms.CharField(label=_("Titre de la ressource"), max_length=255)


BLOC_FORMS = {
    form.bloc: form
    for form in (
        ContenuSequenceForm,
        ContributionForm,
        QuestionForm,
        ReponseForm,
        GroupeForm,
        RessourceForm,
        PortraitForm,
        ReglagesLivretForm,
    )
}
AJOUT_FORMS = {
    form.bloc: form
    for form in (
        AjoutContributionForm,
        AjoutQuestionForm,
        AjoutReponseForm,
        AjoutGroupeForm,
        AjoutRessourceForm,
    )
}
