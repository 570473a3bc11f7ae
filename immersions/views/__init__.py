"""Pages of immersions and Talent Exchange agreements, one module per feature.

declarations: the generic views immersions and agreements share (list, declare, edit, detail, step)
immersions, echanges: their pages · fonctions_critiques: a service's departures and critical functions
documents: PDF downloads · liens: signed links of tutors and agents · a_traiter, indicateurs
"""
