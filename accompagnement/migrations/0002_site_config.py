"""Seed the DSFR site configuration: the header and footer read it on every page."""

from django.db import migrations


def seed_site_config(apps, schema_editor):
    DsfrConfig = apps.get_model("dsfr", "DsfrConfig")
    DsfrConfig.objects.update_or_create(
        language="fr",
        defaults={
            "site_title": "Fabrique de l'accompagnement RH",
            "site_tagline": "Le réseau interministériel des têtes de réseau de l'accompagnement RH — DGAFP",
            "header_brand": "République française",
            "header_brand_html": "République<br>française",
            "footer_brand": "République française",
            "footer_brand_html": "République<br>française",
            "footer_description": (
                "La Fabrique de l'accompagnement RH est animée par la direction générale de l'administration "
                "et de la fonction publique (DGAFP)."
            ),
            "accessibility_status": "NOT",
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnement", "0001_initial"),
        ("dsfr", "__latest__"),
    ]

    operations = [migrations.RunPython(seed_site_config, migrations.RunPython.noop)]
