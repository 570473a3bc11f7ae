"""The booklet (livret de restitution): what was said per séquence, the rendered versions, attestations.

Rich text is cleaned with nh3 every time it is saved (`SanitisedHTMLField`), whatever the path (admin,
demo, shell), so only paragraphs, lists, emphasis and sub-headings ever reach the PDF templates.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accompagnement.models import Organisation
from ateliers.enums import Annexe2
from ateliers.models.atelier import Atelier, Inscription, Sequence
from fabrique.core import richtext
from fabrique.core.enums import DocumentStatus
from fabrique.core.models import GeneratedDocument, Positioned, TransitionLog, account_field
from fabrique.core.richtext import SanitisedHTMLField, validate_rich_text

# Names the first migrations refer to.
__all__ = ["SanitisedHTMLField", "validate_rich_text"]
RICH_TEXT_MAX_DEPTH = richtext.MAX_DEPTH
sanitise_rich_text = richtext.sanitise
max_nesting_depth = richtext.nesting_depth

RICH_TEXT_HELP = _(
    "Paragraphes, intertitres, listes, gras, italique, liens et citations, mis en forme avec la barre "
    "d'outils. Une citation (bouton « Citation ») apparaît en exergue dans le livret, à l'endroit choisi ; "
    "sa dernière ligne, si elle commence par « — », en nomme l'auteur."
)


class Redaction(models.Model):
    """What the booklet studio writes: a revision number (a save made from an older one is refused, so
    two people editing the same part never overwrite each other), who saved last and when."""

    revision = models.PositiveIntegerField(_("révision"), default=0, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True, null=True)
    updated_by = account_field(_("modifié par"), editable=False)

    class Meta:
        abstract = True


class ContenuSequence(Redaction):
    """The summary of what was said during one séquence (pull quotes sit in its flow, as <blockquote>),
    and the points participants insisted on."""

    sequence = models.OneToOneField(
        Sequence, verbose_name=_("séquence"), on_delete=models.CASCADE, related_name="contenu"
    )
    texte = SanitisedHTMLField(_("compte rendu"), blank=True, help_text=RICH_TEXT_HELP)
    points_cles = SanitisedHTMLField(
        _("points à retenir"),
        blank=True,
        help_text=_("Ce sur quoi les participants ont insisté ; affiché dans un encadré."),
    )

    class Meta:
        verbose_name = _("compte rendu de séquence")
        verbose_name_plural = _("comptes rendus de séquence")

    def __str__(self):
        return str(self.sequence)


class Question(Positioned, Redaction):
    """One question of a moderated debate, who asked it, and its answers (one or several answerers)."""

    sequence = models.ForeignKey(
        Sequence, verbose_name=_("séquence"), on_delete=models.CASCADE, related_name="questions"
    )
    question = models.TextField(_("question"), max_length=2000)
    asked_by = models.CharField(_("posée par"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions et réponses")
        ordering = ["sequence", "order", "pk"]

    def __str__(self):
        return self.question[:80]


class Reponse(Positioned, Redaction):
    """One answerer's answer to a debate question."""

    question = models.ForeignKey(
        Question, verbose_name=_("question"), on_delete=models.CASCADE, related_name="reponses"
    )
    answered_by = models.CharField(_("réponse de"), max_length=255, blank=True)
    text = SanitisedHTMLField(_("réponse"), blank=True, help_text=RICH_TEXT_HELP)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        ordering = ["question", "order", "pk"]

    def __str__(self):
        return self.answered_by or str(self.question)


class Contribution(Positioned, Redaction):
    """What one organisation said at the round table (what it already does, what it needs)."""

    sequence = models.ForeignKey(
        Sequence, verbose_name=_("séquence"), on_delete=models.CASCADE, related_name="contributions"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions_livret",
    )
    organisation_label = models.CharField(_("organisation (si hors réseau)"), max_length=255, blank=True)
    speaker = models.CharField(_("intervenant"), max_length=255, blank=True)
    text = SanitisedHTMLField(_("contribution"), help_text=RICH_TEXT_HELP)

    class Meta:
        verbose_name = _("contribution au tour de table")
        verbose_name_plural = _("contributions au tour de table")
        ordering = ["sequence", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(organisation_label=""),
                name="contribution_has_organisation",
            )
        ]

    def __str__(self):
        return self.organisation_name

    @property
    def organisation_name(self):
        return self.organisation_label or (str(self.organisation) if self.organisation_id else "")


class GroupeTravail(Positioned, Redaction):
    """A breakout group (by need: mobility, retraining...; by public: category A, B, C)."""

    sequence = models.ForeignKey(
        Sequence, verbose_name=_("séquence"), on_delete=models.CASCADE, related_name="groupes"
    )
    title = models.CharField(_("intitulé"), max_length=255)
    theme = models.CharField(_("thème"), max_length=255, blank=True)
    facilitator = models.CharField(_("animation"), max_length=255, blank=True)
    synthese = SanitisedHTMLField(_("synthèse des échanges"), blank=True, help_text=RICH_TEXT_HELP)

    class Meta:
        verbose_name = _("atelier en sous-groupe")
        verbose_name_plural = _("ateliers en sous-groupes")
        ordering = ["sequence", "order", "pk"]

    def __str__(self):
        return self.title


class Constat(Positioned):
    """A finding drawn from a breakout group."""

    groupe = models.ForeignKey(
        GroupeTravail, verbose_name=_("groupe"), on_delete=models.CASCADE, related_name="constats"
    )
    text = models.TextField(_("constat"), max_length=2000)

    class Meta:
        verbose_name = _("constat")
        verbose_name_plural = _("constats")
        ordering = ["groupe", "order", "pk"]

    def __str__(self):
        return self.text[:80]


class Ressource(Positioned, Redaction):
    """A resource presented to the network (a training path, a guide, a toolbox)."""

    sequence = models.ForeignKey(
        Sequence, verbose_name=_("séquence"), on_delete=models.CASCADE, related_name="ressources"
    )
    title = models.CharField(_("titre"), max_length=255)
    description = SanitisedHTMLField(_("description"), blank=True, help_text=RICH_TEXT_HELP)
    link = models.URLField(_("lien"), blank=True)

    class Meta:
        verbose_name = _("ressource présentée")
        verbose_name_plural = _("ressources présentées")
        ordering = ["sequence", "order", "pk"]

    def __str__(self):
        return self.title


class Rapporteur(models.Model):
    """A person named by staff to write a workshop's booklet content from the site (not the admin)."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="rapporteurs"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rapporteur"),
        on_delete=models.CASCADE,
        related_name="rapports_livret",
    )
    named_by = account_field(_("désigné par"))
    created_at = models.DateTimeField(_("désigné le"), auto_now_add=True)

    class Meta:
        verbose_name = _("rapporteur")
        verbose_name_plural = _("rapporteurs")
        constraints = [
            models.UniqueConstraint(fields=["atelier", "user"], name="rapporteur_unique_per_atelier")
        ]

    def __str__(self):
        return f"{self.user} — {self.atelier}"


class LivretQuerySet(models.QuerySet):
    def publies(self):
        return self.filter(published=True)

    def bloques(self, before):
        """Versions waiting or rendering since before `before`: a worker died or a message was lost."""
        return self.filter(
            Q(status=DocumentStatus.EN_COURS, started_at__lt=before)
            | Q(status=DocumentStatus.EN_ATTENTE, queued_at__lt=before)
        )


class AtelierLivret(Atelier):
    """The admin's entry point to a workshop's booklet: its content, versions and actions."""

    class Meta:
        proxy = True
        verbose_name = _("livret d'un atelier")
        verbose_name_plural = _("livrets des ateliers")


class SequenceLivret(Sequence):
    """A séquence seen from the booklet: the capture form of what was said."""

    class Meta:
        proxy = True
        verbose_name = _("contenu d'une séquence")
        verbose_name_plural = _("contenus des séquences")


def livret_upload_to(livret, filename):
    return f"livrets/atelier-{livret.atelier_id}/{filename}"


class Livret(GeneratedDocument):
    """One rendered version of a workshop's booklet. A published version is never rendered again."""

    atelier = models.ForeignKey(
        Atelier, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="livrets"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    file = models.FileField(_("fichier"), upload_to=livret_upload_to, blank=True, max_length=255)
    content_digest = models.CharField(
        _("empreinte du contenu"),
        max_length=64,
        blank=True,
        help_text=_("Empreinte du HTML rendu : deux versions au même contenu ont la même."),
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    queued_at = models.DateTimeField(_("mise en file le"), null=True, blank=True)
    started_at = models.DateTimeField(_("rendu commencé le"), null=True, blank=True)
    published = models.BooleanField(_("publiée"), default=False)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    published_by = account_field(_("publiée par"))
    diffuse_reseau = models.BooleanField(
        _("diffusée au réseau"),
        default=False,
        help_text=_("Tous les membres du réseau peuvent la télécharger, pas seulement les participants."),
    )
    diffuse_at = models.DateTimeField(_("diffusée le"), null=True, blank=True)

    objects = LivretQuerySet.as_manager()

    class Meta:
        verbose_name = _("livret de restitution")
        verbose_name_plural = _("livrets de restitution")
        ordering = ["atelier", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["atelier", "version"], name="livret_unique_version"),
            models.UniqueConstraint(
                fields=["atelier"], condition=Q(published=True), name="livret_one_published_per_atelier"
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(status=DocumentStatus.PRET), name="livret_published_is_ready"
            ),
        ]
        indexes = [models.Index(fields=["status", "started_at"])]

    def __str__(self):
        return f"{self.atelier} — v{self.version} ({self.get_status_display()})"


class LivretTransition(TransitionLog):
    """One step of a booklet version's render (queued, rendering, ready, failed, queued again)."""

    statuses = DocumentStatus
    livret = models.ForeignKey(Livret, on_delete=models.CASCADE, related_name="transitions")


def attestation_upload_to(attestation, filename):
    return f"attestations/atelier-{attestation.inscription.atelier_id}/{filename}"


class Attestation(GeneratedDocument):
    """The attendance certificate of one present participant, rendered by the same PDF helper."""

    inscription = models.OneToOneField(
        Inscription, verbose_name=_("inscription"), on_delete=models.CASCADE, related_name="attestation"
    )
    file = models.FileField(_("fichier"), upload_to=attestation_upload_to, blank=True, max_length=255)

    class Meta:
        verbose_name = _("attestation de participation")
        verbose_name_plural = _("attestations de participation")

    def __str__(self):
        return str(self.inscription)


class ReglagesLivret(Redaction):
    """A booklet's back matter, chosen per workshop: the second annex, an « Annexes » divider page and a
    back cover. Without a row the booklet has the charter in force as annex 2, no divider, no back cover."""

    atelier = models.OneToOneField(
        Atelier, verbose_name=_("atelier"), on_delete=models.CASCADE, related_name="reglages_livret"
    )
    annexe2 = models.CharField(_("annexe 2"), max_length=16, choices=Annexe2.choices, default=Annexe2.CHARTE)
    annexe2_titre = models.CharField(
        _("titre de l'annexe 2"),
        max_length=255,
        blank=True,
        help_text=_(
            "Pour un texte propre à ce livret, par exemple « La charte et les actions prioritaires »."
        ),
    )
    annexe2_texte = SanitisedHTMLField(_("texte de l'annexe 2"), blank=True, help_text=RICH_TEXT_HELP)
    page_annexes = models.BooleanField(
        _("page de séparation « Annexes »"),
        default=False,
        help_text=_("Une page de titre « Annexes » avant la liste des participants."),
    )
    quatrieme_couverture = SanitisedHTMLField(
        _("quatrième de couverture"),
        blank=True,
        help_text=_("Remerciements, liens utiles : la dernière page du livret. Vide : pas de quatrième."),
    )

    class Meta:
        verbose_name = _("réglages du livret")
        verbose_name_plural = _("réglages des livrets")

    def __str__(self):
        return str(self.atelier)


class LienLivretQuerySet(models.QuerySet):
    def utilisables(self, now):
        return self.filter(used_at__isnull=True, expires_at__gt=now)


class LienLivret(models.Model):
    """A signed, single-use, expiring link to a published booklet, sent to a participant whose account
    has no password yet. Only the token's SHA-256 is stored; the link is spent by its first download."""

    inscription = models.ForeignKey(
        Inscription, verbose_name=_("inscription"), on_delete=models.CASCADE, related_name="liens_livret"
    )
    token_hash = models.CharField(_("empreinte du jeton"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("envoyé le"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expire le"))
    used_at = models.DateTimeField(_("utilisé le"), null=True, blank=True)

    objects = LienLivretQuerySet.as_manager()

    class Meta:
        verbose_name = _("lien de téléchargement du livret")
        verbose_name_plural = _("liens de téléchargement du livret")
        ordering = ["-created_at"]

    def __str__(self):
        return str(self.inscription)
