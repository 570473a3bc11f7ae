"""The DGAFP staff's two roles (accompagnement.roles): their custom permissions on the account model, then
the groups « Animateur DGAFP » and « Administrateur » with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from accompagnement import roles


def seed_roles(apps, schema_editor):
    # Django creates permissions after every migration has run (post_migrate): on a fresh database they do
    # not exist yet here. Create those of every app the migrations know so far, then the groups.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    roles.sync_roles(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("accompagnement", "0006_organisation_annexe"),
        # Every app whose permissions the groups carry.
        ("ateliers", "0008_transition_log_names"),
        ("immersions", "0005_shared_bases"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("dsfr", "__latest__"),
        ("account", "__latest__"),
        ("mfa", "__latest__"),
        ("socialaccount", "__latest__"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="user",
            options={
                "ordering": ["last_name", "first_name"],
                "permissions": [
                    ("animer_reseau", "Animer le réseau (pages et actions de l'équipe DGAFP)"),
                    (
                        "gerer_comptes_personnel",
                        "Gérer les comptes de l'équipe, les mots de passe et les droits",
                    ),
                ],
                "verbose_name": "compte",
                "verbose_name_plural": "comptes",
            },
        ),
        migrations.RunPython(seed_roles, migrations.RunPython.noop),
    ]
