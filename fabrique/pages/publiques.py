"""The pages anyone may read: the footer's legal pages, and the 404 and 500 error pages."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token
from django.views.generic import TemplateView


@method_decorator(login_not_required, name="dispatch")
class PublicPage(TemplateView):
    """A static page anyone may read (the footer's legal pages)."""

    title = ""

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=self.title, **kwargs)


@requires_csrf_token
@login_not_required
def page_not_found(request, exception):
    return render(request, "404.html", {"title": _("Page non trouvée")}, status=404)


@requires_csrf_token
@login_not_required
def server_error(request):
    # Rendered without the request's context processors: a failing database must not fail the error page,
    # and nothing about the error or the user reaches the page.
    return HttpResponseServerError(loader.get_template("500.html").render({}))
