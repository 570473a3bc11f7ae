from django.urls import path

from ateliers.views import atelier, livret

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
    path("ateliers/<int:pk>/attestation.pdf", livret.attestation_pdf, name="attestation_pdf"),
    path("ateliers/<int:pk>/livret/", livret.livret_contenu, name="livret_contenu"),
    path("ateliers/<int:pk>/livret/<int:sequence_pk>/", livret.livret_sequence, name="livret_sequence"),
]
