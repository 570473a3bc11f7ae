"""What every form of the site shares: the DSFR rendering (labels, hints, errors next to the field)."""

from dsfr.forms import DsfrBaseForm


class DsfrFormMixin(DsfrBaseForm):
    """Mix into a third-party form (allauth's) to render it with the DSFR field templates.

    `field_labels` and `field_help_texts` replace the third party's wording with ours; placeholders are
    dropped (a placeholder is no label, RGAA 11.1).
    """

    field_labels = {}
    field_help_texts = {}
    field_autocomplete = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs.pop("placeholder", None)
            if name in self.field_labels:
                field.label = self.field_labels[name]
            if name in self.field_help_texts:
                field.help_text = self.field_help_texts[name]
            if name in self.field_autocomplete:
                field.widget.attrs["autocomplete"] = self.field_autocomplete[name]
        # DsfrBaseForm built the bound fields before the changes above: build them again.
        self._bound_fields_cache.clear()
