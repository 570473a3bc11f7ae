"""Abstract bases shared by the apps' models: one shape per idea, written once.

- `Timestamped`: when a row was created and last changed;
- `Positioned`: a row's place in a running order (séquence, question, groupe...);
- `GeneratedDocument`: a PDF the worker renders (booklet version, certificate, agreement, summary);
- `TransitionLog`: one status change of a workflow (see `fabrique.core.workflow`).

No concrete model lives here: the ground floor knows no app, each app declares its own tables.
"""

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fabrique.core.enums import DocumentStatus


def account_field(verbose_name, **options):
    """A link to the account that did something (asked, changed, published...): it stays empty, the row
    kept, when the account is deleted."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        **options,
    )


class Timestamped(models.Model):
    """When the row was created and when it was last saved."""

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True


class Positioned(models.Model):
    """A row's position in its parent's running order; equal positions fall back to creation order."""

    order = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        abstract = True


class GeneratedDocument(models.Model):
    """A file the worker renders: its status, the file and what proves it (size, SHA-256, pages), the error
    of a failed render, who asked and when, when it was rendered. Downloads go through a view that checks
    permissions, never through a public media URL."""

    status = models.CharField(
        _("état"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.EN_ATTENTE
    )
    file = models.FileField(_("fichier"), blank=True, max_length=255)
    size = models.PositiveIntegerField(_("taille (octets)"), null=True, blank=True)
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64, blank=True)
    pages = models.PositiveSmallIntegerField(_("pages"), null=True, blank=True)
    error = models.TextField(_("erreur"), blank=True)
    requested_by = account_field(_("demandé par"))
    requested_at = models.DateTimeField(_("demandé le"), default=timezone.now)
    rendered_at = models.DateTimeField(_("rendu le"), null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def is_ready(self):
        return self.status == DocumentStatus.PRET

    def store(self, name, pdf):
        """Keep the rendered `pdf` (a `fabrique.core.pdf.RenderedPdf`) on the row: file, size, SHA-256, pages.

        The caller moves the status to « prêt » and saves the row with `update_fields=self.STORED_FIELDS`
        (plus the status and its own fields).
        """
        self.file.save(name, ContentFile(pdf.content), save=False)
        self.size = len(pdf.content)
        self.sha256 = hashlib.sha256(pdf.content).hexdigest()
        self.pages = pdf.pages
        self.error = ""
        self.rendered_at = timezone.now()

    STORED_FIELDS = ("file", "size", "sha256", "pages", "error", "rendered_at")


class TransitionLog(models.Model):
    """One status change: from, to, who (account and the name shown), when, why. Timelines read it.

    Each workflow declares its concrete log with a foreign key to its object and `statuses`, the
    workflow's TextChoices, for the labels.
    """

    from_status = models.CharField(_("de"), max_length=32, blank=True)
    to_status = models.CharField(_("vers"), max_length=32)
    by = account_field(_("par"))
    actor_label = models.CharField(_("acteur"), max_length=255, blank=True)
    at = models.DateTimeField(_("le"), default=timezone.now)
    reason = models.TextField(_("motif"), blank=True)

    statuses = None  # the workflow's TextChoices, set by each concrete log

    class Meta:
        abstract = True
        ordering = ["at", "id"]
        verbose_name = _("changement de statut")
        verbose_name_plural = _("changements de statut")

    def __str__(self):
        return f"{self.from_label or '—'} → {self.to_label}"

    @property
    def from_label(self):
        return self.statuses(self.from_status).label if self.from_status else ""

    @property
    def to_label(self):
        return self.statuses(self.to_status).label
