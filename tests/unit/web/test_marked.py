"""The web layer makes HTML of highlighted text: every character escaped, each match
in <mark>, and nothing else added."""

from kb.search import Highlighted
from kb.web.templating import marked


def test_text_is_escaped_and_matches_are_marked():
    html = marked(Highlighted('Om <script> & "lön"', ((3, 11), (15, 18))))
    assert html == 'Om <mark>&lt;script&gt;</mark> &amp; &#34;<mark>lön</mark>&#34;'


def test_text_without_matches_is_only_escaped():
    assert marked(Highlighted("Stabilt <b>system</b> … ")) == \
        "Stabilt &lt;b&gt;system&lt;/b&gt; … "


def test_nothing_to_show_is_empty_markup():
    assert marked(Highlighted()) == ""
    assert marked(None) == ""
    assert hasattr(marked(Highlighted("x")), "__html__")
