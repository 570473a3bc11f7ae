from django.urls import path

from immersions.views import (
    a_traiter,
    documents,
    echanges,
    fonctions_critiques,
    immersions,
    indicateurs,
    liens,
)

app_name = "immersions"

urlpatterns = [
    path("immersions/", immersions.ImmersionListView.as_view(), name="immersion_list"),
    path("immersions/nouvelle/", immersions.ImmersionCreateView.as_view(), name="immersion_create"),
    path("immersions/<int:pk>/", immersions.ImmersionDetailView.as_view(), name="immersion_detail"),
    path("immersions/<int:pk>/modifier/", immersions.ImmersionUpdateView.as_view(), name="immersion_update"),
    path("immersions/<int:pk>/etape/", immersions.ImmersionStepView.as_view(), name="immersion_transition"),
    path("immersions/<int:pk>/bilan/", immersions.immersion_bilan, name="immersion_bilan"),
    path("immersions/<int:pk>/lien-tuteur/", immersions.immersion_resend_link, name="immersion_resend_link"),
    path("immersions/<int:pk>/synthese/", immersions.immersion_document, name="immersion_document"),
    path("immersions/lien/<str:purpose>/<str:token>/", liens.signed_link, name="lien"),
    path("echanges/", echanges.EchangeListView.as_view(), name="echange_list"),
    path("echanges/nouvelle/", echanges.EchangeCreateView.as_view(), name="echange_create"),
    path("echanges/<int:pk>/", echanges.EchangeDetailView.as_view(), name="echange_detail"),
    path("echanges/<int:pk>/modifier/", echanges.EchangeUpdateView.as_view(), name="echange_update"),
    path("echanges/<int:pk>/etape/", echanges.EchangeStepView.as_view(), name="echange_transition"),
    path("echanges/<int:pk>/accord/", echanges.echange_agreement, name="echange_agreement"),
    path("echanges/<int:pk>/retour/", echanges.EchangeReturnView.as_view(), name="echange_return"),
    path(
        "echanges/<int:pk>/derogation/", echanges.EchangeDerogationView.as_view(), name="echange_derogation"
    ),
    path("echanges/<int:pk>/renouveler/", echanges.echange_renew, name="echange_renew"),
    path("echanges/<int:pk>/convention/", echanges.echange_document, name="echange_document"),
    path("echanges/services/", fonctions_critiques.service_list, name="service_list"),
    path("echanges/services/<slug:slug>/", fonctions_critiques.service_detail, name="service_detail"),
    path("documents/<int:pk>/telecharger/", documents.document_download, name="document_download"),
    path("a-traiter/", a_traiter.a_traiter, name="a_traiter"),
    path("indicateurs/", indicateurs.indicateurs, name="indicateurs"),
    path("indicateurs/export.csv", indicateurs.indicateurs_csv, name="indicateurs_csv"),
]
