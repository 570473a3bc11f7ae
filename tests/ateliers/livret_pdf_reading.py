"""Reading a rendered booklet back: its text page by page, its sommaire, the page a part starts on."""

import re
import subprocess

# How each part is announced in the sommaire, and the kicker printed (in capitals) above its title.
PART_HEADINGS = [
    "1. Ouverture",
    "2. Feuille de route",
    "3. Débat",
    "4. Communication",
    "5. Ateliers",
    "Annexe 1",
    "Annexe 2",
]
PART_KICKERS = [heading.upper() for heading in PART_HEADINGS]


def pdftotext(content, tmp_path, *pages):
    path = tmp_path / "livret.pdf"
    path.write_bytes(content)
    args = ["pdftotext", "-layout"]
    if pages:
        args += ["-f", str(pages[0]), "-l", str(pages[-1])]
    return subprocess.run([*args, str(path), "-"], capture_output=True, text=True, check=True).stdout


def flat(text):
    """The text on one line, runs of white space made one space."""
    return " ".join(text.split())


def sommaire_entries(rendered, tmp_path):
    """(title, page) per sommaire line, read from the sommaire page itself."""
    page = pdftotext(rendered.content, tmp_path, 2)
    assert "Sommaire" in page
    entries = re.findall(r"^\s*(\S.*?)\s*\.{3,}\s*(\d+)\s*$", page, flags=re.MULTILINE)
    return [(title.strip(), int(number)) for title, number in entries]


def page_of(rendered, tmp_path, marker):
    """The first page past the sommaire whose text holds `marker`."""
    for number in range(3, rendered.pages + 1):
        if marker in pdftotext(rendered.content, tmp_path, number):
            return number
    raise AssertionError(marker)


def assert_sommaire_points_to_the_right_pages(rendered, tmp_path, markers):
    """Each sommaire entry's page is where its marker (a line of its own) first appears."""
    entries = sommaire_entries(rendered, tmp_path)
    assert len(entries) == len(markers), entries
    for (title, number), marker in zip(entries, markers, strict=True):
        pattern = re.compile(rf"^\s*{re.escape(marker)}\s*$", flags=re.MULTILINE)
        assert pattern.search(pdftotext(rendered.content, tmp_path, number)), f"{title} → page {number}"
        assert not pattern.search(pdftotext(rendered.content, tmp_path, number - 1)), title
    return entries
