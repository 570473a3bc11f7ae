"""Spreadsheet exports shared by the apps: values typed by members must stay text in Excel or LibreOffice."""

# A cell starting with one of these is read as a formula by spreadsheet software (CSV and XLSX alike):
# "=HYPERLINK(...)" in a name imported from a spreadsheet would run when staff open the export.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """`value` made inert for a spreadsheet cell: text that could start a formula gets a leading quote.

    Only text is touched; numbers, dates and None pass through unchanged (OWASP « CSV injection »).
    """
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value
