"""Views of the workshops: atelier.py (programme, workshop, registrations), livret.py (booklet)."""
