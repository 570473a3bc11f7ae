"""fabrique.core.richtext: what people paste or type becomes the booklet's limited rich text, nothing else."""

import pytest

from fabrique.core.richtext import nesting_depth, normalise, sanitise, text_of

WORD_2016 = (
    "<p class=MsoNormal>Premier paragraphe.</p>"
    "<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>"
    "<![if !supportLists]>"
    "<span style='font-family:Symbol'><span style='mso-list:Ignore'>·<span style='font:7.0pt \"Times\"'>"
    "&nbsp;&nbsp;&nbsp;</span></span></span><![endif]>Un point</p>"
    "<p class=MsoListParagraphCxSpLast style='mso-list:l0 level1 lfo1'><![if !supportLists]>"
    "<span style='mso-list:Ignore'>·<span>&nbsp;</span></span><![endif]><b>Deux</b> <i>points</i></p>"
)
WORD_ITEM = (
    "<p class=MsoListParagraph style='mso-list:{list}'>"
    "<![if !supportLists]>{marker}&nbsp; <![endif]>{text}</p>"
)
WORD_CONDITIONAL_ONLY = (
    WORD_ITEM.format(list="l0 level1 lfo1", marker="·", text="Puce")
    + "<p class=MsoNormal>entre</p>"
    + WORD_ITEM.format(list="l1 level1 lfo2", marker="1.", text="Un")
    + WORD_ITEM.format(list="l1 level1 lfo2", marker="2.", text="Deux")
)


def test_normalise_word_lists_become_real_lists():
    assert normalise(WORD_2016) == (
        "<p>Premier paragraphe.</p><ul><li>Un point</li><li><strong>Deux</strong> <em>points</em></li></ul>"
    )


def test_normalise_word_lists_marked_only_by_conditional_comments():
    assert normalise(WORD_CONDITIONAL_ONLY) == (
        "<ul><li>Puce</li></ul><p>entre</p><ol><li>Un</li><li>Deux</li></ol>"
    )


def test_normalise_plain_text_blank_lines_make_paragraphs_and_dashes_lists():
    typed = "Bonjour\nligne deux\n\n- a\n- b\n\n1. x\n2) y\n\nR&D <pas une balise"
    assert normalise(typed) == (
        "<p>Bonjour<br>ligne deux</p><ul><li><p>a</p></li><li><p>b</p></li></ul>"
        "<ol><li><p>x</p></li><li><p>y</p></li></ol><p>R&amp;D &lt;pas une balise</p>"
    )


def test_normalise_other_headings_and_tables_keep_readable_text():
    assert normalise("<h1>Grand</h1><h6>Petit</h6><table><tr><td>SRV</td><td>DRH</td></tr></table>") == (
        "<h3>Grand</h3><h4>Petit</h4>SRV DRH"
    )


@pytest.mark.parametrize(
    ("hostile", "clean"),
    [
        ('<p onclick="x()">a<script>alert(1)</script></p>', "<p>a</p>"),
        ('<p style="color:red">a</p><style>p{}</style>', "<p>a</p>"),
        ('<p><img src="file:///etc/passwd" onerror="x()">a</p>', "<p>a</p>"),
        ('<p><a href="javascript:alert(1)">lien</a></p>', "<p>lien</p>"),
        ('<p><a href="file:///etc/passwd">fichier</a></p>', "<p>fichier</p>"),
        (
            '<p><a href="https://x.fr" target="_blank" rel="x">ok</a></p>',
            '<p><a href="https://x.fr">ok</a></p>',
        ),
        ('<iframe src="http://169.254.169.254/"></iframe><p>b</p>', "<p>b</p>"),
    ],
)
def test_sanitise_keeps_only_the_allowed_tags_and_a_link_address(hostile, clean):
    assert normalise(hostile) == clean
    assert sanitise(clean) == clean


def test_sanitise_drops_the_editors_empty_paragraphs():
    assert sanitise("<p></p>") == ""
    assert sanitise("<p>a</p><p><br></p>") == "<p>a</p>"


def test_nesting_depth_counts_lists_and_quotes():
    assert nesting_depth("<p>a</p>") == 0
    assert nesting_depth("<blockquote><ul><li><ul><li>x</li></ul></li></ul></blockquote>") == 3


def test_text_of_gives_the_words():
    assert text_of("<p>Un &amp; <strong>deux</strong></p>") == "Un & deux"
