from django.urls import path
from django.views.i18n import JavaScriptCatalog

from ateliers.livret.views import annexe, liens
from ateliers.livret.views import telechargements as livret
from ateliers.livret.views.studio import accueil, apercu, enregistrement, parties, versions
from ateliers.views import atelier

app_name = "ateliers"

urlpatterns = [
    # Programme, workshops and registrations (views/atelier.py).
    path("ateliers/", atelier.programme, name="programme"),
    path("ateliers/programme.ics", atelier.programme_ics, name="programme_ics"),
    path("ateliers/agenda/renouveler/", atelier.renew_feed, name="renew_feed"),
    path("ateliers/<int:pk>/", atelier.atelier_detail, name="atelier_detail"),
    path("ateliers/<int:pk>/atelier.ics", atelier.atelier_ics, name="atelier_ics"),
    path("ateliers/<int:pk>/inscription/", atelier.register, name="register"),
    path("ateliers/<int:pk>/inscrire-un-collegue/", atelier.register_colleague, name="register_colleague"),
    path("ateliers/<int:pk>/participants/", atelier.participants, name="participants"),
    path("ateliers/<int:pk>/emargement/", atelier.emargement, name="emargement"),
    path("ateliers/<int:pk>/emargement.pdf", atelier.emargement_pdf, name="emargement_pdf"),
    path("ateliers/<int:pk>/inscriptions.<str:fmt>", atelier.export, name="export"),
    path("inscriptions/<int:pk>/annuler/", atelier.cancel, name="cancel"),
    path("mes-inscriptions/", atelier.mes_inscriptions, name="mes_inscriptions"),
    # The booklet and attendance certificates (views/livret.py).
    path("ateliers/<int:pk>/livret.pdf", livret.livret_pdf, name="livret_pdf"),
    path("livret/lien/<slug:token>/", liens.lien_livret, name="lien_livret"),  # no account needed
    path("ateliers/<int:pk>/attestation.pdf", livret.attestation_pdf, name="attestation_pdf"),
    # The booklet studio (livret/views/studio/): staff and named rapporteurs write the booklet.
    path("ateliers/<int:pk>/livret/", accueil.accueil, name="livret_contenu"),
    path("ateliers/<int:pk>/livret/reglages/", parties.reglages, name="studio_reglages"),
    path("ateliers/<int:pk>/livret/groupes/<int:groupe_pk>/", parties.groupe, name="studio_groupe"),
    path(
        "ateliers/<int:pk>/livret/enregistrer/<slug:bloc>/<int:obj_pk>/",
        enregistrement.enregistrer,
        name="studio_enregistrer",
    ),
    path(
        "ateliers/<int:pk>/livret/ajouter/<slug:bloc>/<int:parent_pk>/",
        enregistrement.ajouter,
        name="studio_ajouter",
    ),
    path(
        "ateliers/<int:pk>/livret/supprimer/<slug:bloc>/<int:obj_pk>/",
        enregistrement.supprimer,
        name="studio_supprimer",
    ),
    path(
        "ateliers/<int:pk>/livret/deplacer/<slug:bloc>/<int:obj_pk>/",
        enregistrement.deplacer,
        name="studio_deplacer",
    ),
    path("ateliers/<int:pk>/livret/apercu/", apercu.apercu, name="studio_apercu"),
    path("ateliers/<int:pk>/livret/photos/<int:intervenant_pk>/", apercu.photo, name="studio_photo"),
    path("ateliers/<int:pk>/livret/versions/", versions.versions, name="studio_versions"),
    path("ateliers/<int:pk>/livret/generer/", versions.generer, name="studio_generer"),
    path(
        "ateliers/<int:pk>/livret/versions/<int:livret_pk>/publier/", versions.publier, name="studio_publier"
    ),
    path(
        "ateliers/<int:pk>/livret/versions/<int:livret_pk>/diffuser/",
        versions.diffuser,
        name="studio_diffuser",
    ),
    path(
        "ateliers/livret/jsi18n/",
        JavaScriptCatalog.as_view(packages=["django_prose_editor", "ateliers"]),
        name="studio_jsi18n",
    ),
    path("ateliers/<int:pk>/livret/annexe/", annexe.livret_annexe, name="livret_annexe"),
    path("ateliers/<int:pk>/livret/<int:sequence_pk>/", parties.partie, name="livret_sequence"),
]
