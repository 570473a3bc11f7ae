"""How participant lists are grouped: the booklet's annex, the participants page, the sign-in sheet and the
exports all group people the same way (ateliers.livret.services.annexe).

The network's defaults live on each ministry or body (`Organisation.libelle_court`, `rang_protocolaire`,
`tutelle`) and in the network's `ReglageAnnexe` (the row without a workshop): regional platforms under one
heading, public bodies under one heading or under their supervising ministry, the name format. A booklet
may override all of it: its own `ReglageAnnexe` and, per ministry or body, a `RubriqueAnnexe` (heading,
rank).
"""

from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from accompagnement.models import Organisation
from ateliers.enums import FormatNom, RegroupementEtablissements
from ateliers.models.atelier import Atelier


class ReglageAnnexe(models.Model):
    """The grouping of participant lists: the network's (no workshop) or one booklet's override."""

    atelier = models.OneToOneField(
        Atelier,
        verbose_name=_("atelier"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reglage_annexe",
        help_text=_("Vide : les réglages du réseau, valables pour tout livret qui n'a pas les siens."),
    )
    regrouper_pfrh = models.BooleanField(
        _("regrouper les plateformes régionales"),
        default=True,
        help_text=_("Toutes les PFRH sous une seule rubrique."),
    )
    intitule_pfrh = models.CharField(
        _("intitulé de la rubrique des PFRH"),
        max_length=120,
        default="Plateformes régionales d'appui interministériel à la GRH",
    )
    rang_pfrh = models.PositiveSmallIntegerField(_("rang de la rubrique des PFRH"), default=90)
    etablissements = models.CharField(
        _("établissements publics"),
        max_length=16,
        choices=RegroupementEtablissements.choices,
        default=RegroupementEtablissements.RUBRIQUE,
    )
    intitule_etablissements = models.CharField(
        _("intitulé de la rubrique des établissements publics"),
        max_length=120,
        default="Établissements publics",
    )
    rang_etablissements = models.PositiveSmallIntegerField(
        _("rang de la rubrique des établissements publics"), default=80
    )
    format_nom = models.CharField(
        _("écriture des noms"), max_length=16, choices=FormatNom.choices, default=FormatNom.PRENOM_NOM
    )

    class Meta:
        verbose_name = _("réglage des listes de participants")
        verbose_name_plural = _("réglages des listes de participants")
        constraints = [
            # One network row (no workshop), one row per workshop.
            models.UniqueConstraint(Coalesce("atelier", Value(0)), name="reglage_annexe_unique")
        ]

    def __str__(self):
        return str(self.atelier) if self.atelier_id else str(_("Réglages du réseau"))


class RubriqueAnnexe(models.Model):
    """One booklet's heading for one ministry or body: its label and rank in that booklet's lists."""

    reglage = models.ForeignKey(
        ReglageAnnexe, verbose_name=_("réglage"), on_delete=models.CASCADE, related_name="rubriques"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("ministère ou organisme"),
        on_delete=models.CASCADE,
        related_name="+",
        limit_choices_to={"parent__isnull": True},
    )
    intitule = models.CharField(_("intitulé"), max_length=120, blank=True)
    rang = models.PositiveSmallIntegerField(_("rang"), null=True, blank=True)

    class Meta:
        verbose_name = _("rubrique")
        verbose_name_plural = _("rubriques")
        ordering = ["rang", "intitule"]
        constraints = [
            models.UniqueConstraint(fields=["reglage", "organisation"], name="rubrique_unique_par_reglage")
        ]

    def __str__(self):
        return self.intitule or str(self.organisation)
