from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ateliers', '0003_livret'),
    ]

    operations = [
        migrations.AddField(
            model_name='livret',
            name='queued_at',
            field=models.DateTimeField(blank=True, null=True, verbose_name='mise en file le'),
        ),
    ]
