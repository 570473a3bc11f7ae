"""The booklet (livret de restitution): its content models, the studio, the render, versions, certificates,
the participant annex and the single-use links. Everything about the booklet lives below this folder."""
