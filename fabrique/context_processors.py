from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

# The main navigation, in the order of the design card. An entry shows once its app provides the page.
MAIN_NAVIGATION = [
    (_("Ateliers"), "ateliers:programme"),
    (_("Dispositifs"), "accompagnement:dispositif_list"),
    (_("Immersions"), "immersions:immersion_list"),
    (_("Réseau"), "accompagnement:reseau"),
]


def navigation(request):
    items = []
    for label, url_name in MAIN_NAVIGATION:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"label": label, "url": url, "current": request.path.startswith(url)})
    return {"main_navigation": items}
