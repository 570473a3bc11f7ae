"""Admin of the workshops: atelier.py (programme, workshops, registrations), livret.py (booklet content)."""
