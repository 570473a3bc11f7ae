"""What the immersion pages and the agreement pages share.

Both are declared by a lead, kept as a draft until submitted, then moved through their workflow one step
at a time from their detail page (each step a small form). The views below are Django's generic views
with that behaviour; `immersions.py` and `echanges.py` describe their kind once (a `DeclarationKind`: its
permissions and services) and subclass the views, setting the kind, templates and titles.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, UpdateView
from django_filters.views import FilterView

from fabrique.core.workflow import TransitionError
from immersions import permissions as perms
from immersions.forms import TransitionForm

PAGE_SIZE = 25

# Labels of the action buttons, by target status.
ACTION_LABELS = {
    "soumise": gettext_lazy("Soumettre"),
    "acceptee_origine": gettext_lazy("Accepter pour l'origine"),
    "acceptee_accueil": gettext_lazy("Accepter pour l'accueil"),
    "validee_origine": gettext_lazy("Valider pour l'origine"),
    "validee_accueil": gettext_lazy("Valider pour l'accueil"),
    "en_cours": gettext_lazy("Démarrer"),
    "terminee": gettext_lazy("Clore"),
    "refusee": gettext_lazy("Refuser"),
    "annulee": gettext_lazy("Annuler"),
}


def crumbs(current, *links):
    """The DSFR breadcrumb's data: `links` are (url, title) pairs, then the current page."""
    return {"links": [{"url": url, "title": title} for url, title in links], "current": current}


def action_forms(actions, status, bound=None):
    """One small form per step the user may make; a refused submission comes back with its errors."""
    forms = []
    for to in actions:
        if bound is not None and bound.data.get("to") == to:
            form = bound
        else:
            form = TransitionForm(initial={"to": to, "expected": status}, auto_id=f"id_{to}_%s")
        forms.append({"to": to, "label": ACTION_LABELS.get(to, to), "form": form})
    return forms


@dataclass(frozen=True)
class DeclarationKind:
    """One kind of declaration (immersion, agreement) as the views below need it: its names, its statuses,
    and the functions of its permissions and services modules they call."""

    model: type
    url: str  # prefix of its URL names: "<url>_list", "<url>_detail"
    crumb: str  # the breadcrumb's name of its list
    statuses: type  # its status enum (BROUILLON, SOUMISE, ...)
    detail_queryset: Callable  # (user): the rows the user may see, with what their detail page shows
    visible_to: Callable  # (user, queryset): the rows of `queryset` the user may see
    can_edit: Callable  # (user, obj)
    can_transition: Callable  # (user, obj, to)
    create: Callable  # (obj, *, by): the row saved; the first one when the same form comes twice
    update: Callable  # (obj, *, fields, by)
    transition: Callable  # (obj, to, *, by, **kwargs): True if the status changed


class DeclarationMixin:
    """The views below for one kind of declaration: set `kind` once per kind (immersion, agreement)."""

    kind = None  # a DeclarationKind

    def can_transition(self, obj, to):
        return self.kind.can_transition(self.request.user, obj, to)

    def transition(self, obj, to, **kwargs):
        """Make the step `to` for the user (the kind's service); True if the status changed."""
        return self.kind.transition(obj, to, by=self.request.user, **kwargs)

    def list_crumb(self):
        return (reverse(f"{self.kind.url}_list"), self.kind.crumb)

    def redirect_to_detail(self, obj):
        return redirect(f"{self.kind.url}_detail", pk=obj.pk)


class DeclarationListView(DeclarationMixin, FilterView):
    """The rows the user may see (`get_queryset`), filtered, 25 a page."""

    paginate_by = PAGE_SIZE
    strict = False  # a filter field with an invalid value is left out; the list is not emptied
    title = ""

    def get_queryset(self):
        return self.kind.visible_to(self.request.user, self.kind.model.objects.with_relations())

    def paginate_queryset(self, queryset, page_size):
        # An unknown or out-of-range page number shows the nearest page (Paginator.get_page), not a 404.
        paginator = self.get_paginator(queryset, page_size)
        page = paginator.get_page(self.request.GET.get(self.page_kwarg))
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title,
            can_declare=perms.can_declare_immersion(self.request.user),
            breadcrumb_data=crumbs(self.kind.crumb),
            **kwargs,
        )


class DeclarationFormMixin(DeclarationMixin):
    """Declare (or edit while a draft) with the kind's form; « Soumettre » also submits it."""

    title = ""
    submitted = ""  # the message once submitted

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["data"] = self.request.POST or None
        return {**kwargs, "user": self.request.user}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=self.title,
            instance=self.object,
            breadcrumb_data=crumbs(self.title, self.list_crumb()),
            **kwargs,
        )

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=400 if form.is_bound else 200)

    def form_valid(self, form):
        request = self.request
        obj = form.save(commit=False)
        if self.object is None:
            obj.creation_token = form.cleaned_data.get("creation_token")
            saved = self.kind.create(obj, by=request.user)
            if saved is not obj:  # the same form submitted again (a double click): nothing new
                messages.info(
                    request, _("Cette déclaration était déjà enregistrée : rien n'a été créé en double.")
                )
                return self.redirect_to_detail(saved)
        else:
            try:
                self.kind.update(obj, fields=form.Meta.fields, by=request.user)
            except TransitionError as error:
                messages.error(request, error.message)
                return self.redirect_to_detail(obj)
        submitted = self.kind.statuses.SOUMISE
        if "soumettre" in request.POST and self.can_transition(obj, submitted):
            self.transition(obj, submitted, expected=self.kind.statuses.BROUILLON)
            messages.success(request, self.submitted)
        elif "soumettre" in request.POST:
            messages.warning(
                request, _("Brouillon enregistré. La soumission revient à la structure d'origine.")
            )
        else:
            messages.success(request, _("Brouillon enregistré."))
        return self.redirect_to_detail(obj)


class DeclarationCreateView(UserPassesTestMixin, DeclarationFormMixin, CreateView):
    raise_exception = True  # a member who may not declare gets a 403

    def test_func(self):
        return perms.can_declare_immersion(self.request.user)


class DeclarationUpdateView(DeclarationFormMixin, UpdateView):
    def get_queryset(self):
        return self.kind.detail_queryset(self.request.user)

    def get_object(self, queryset=None):
        obj = super().get_object(queryset)
        if not self.kind.can_edit(self.request.user, obj):
            raise PermissionDenied
        return obj


class DeclarationDetailView(DeclarationMixin, DetailView):
    """The detail page; its POST-only subclasses render it again with a refused form (400), or make their
    change through `apply`."""

    def get_queryset(self):
        return self.kind.detail_queryset(self.request.user)

    def render_refused(self, **forms):
        return self.render_to_response(self.get_context_data(**forms), status=400)

    def apply(self, service, obj, success, **kwargs):
        """Make the change `service(obj, by=user, **kwargs)`; its refusal (a TransitionError) becomes the
        error message, else `success` is shown; then back to the detail page."""
        try:
            service(obj, by=self.request.user, **kwargs)
        except TransitionError as error:
            messages.error(self.request, error.message)
        else:
            messages.success(self.request, success)
        return self.redirect_to_detail(obj)


class StepMixin:
    """One step of the workflow, posted from the detail page (placed before a `DeclarationDetailView`)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        self.object = obj = self.get_object()
        to = request.POST.get("to", "")
        form = TransitionForm(request.POST, auto_id=f"id_{to}_%s")
        if not form.is_valid():
            if not self.can_transition(obj, to):
                raise PermissionDenied
            return self.render_refused(bound=form)
        try:
            changed = self.transition(
                obj,
                form.cleaned_data["to"],
                reason=form.cleaned_data["reason"],
                expected=form.cleaned_data["expected"],
            )
        except TransitionError as error:
            messages.error(request, error.message)
        else:
            if changed:
                messages.success(
                    request, _("Étape enregistrée : %(status)s.") % {"status": obj.get_status_display()}
                )
            else:
                messages.info(request, _("Cette étape était déjà enregistrée : rien n'a changé."))
        return self.redirect_to_detail(obj)
