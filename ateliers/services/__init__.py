"""Domain services of the workshops: inscriptions.py (register, cancel, promote), livret.py (booklet)."""
