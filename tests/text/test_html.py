"""HTML remnants to text; expected values written by hand."""

import pytest

from curate.text.html import html_to_text


@pytest.mark.parametrize("markup, text", [
    ("Dear <b>customer</b>,<br>your card&nbsp;is &#x92A;&#2325;", "Dear customer,\nyour card is पक"),
    ("<p>one</p><p>two</p>", "one\ntwo\n"),
    ("<ul><li>a</li><li>b</li></ul>", "a\nb\n"),
    ("<h2>Title</h2>body<br/>end", "Title\nbody\nend"),
    ("before<script>var x = '<b>';</script>after", "beforeafter"),
    ("a<style type='text/css'>p { color: red }</style>b", "ab"),
    ("x<!-- a comment <b> -->y", "xy"),
    ("R&amp;D &lt;team&gt; &quot;ok&quot; &copy;", 'R&D <team> "ok" ©'),
    ("<DIV CLASS='x'>Upper</DIV>", "Upper\n"),
    ("<TABLE><TR><TD>cell</TD></TR></TABLE>", "cell\n"),
    ("<B>bold</B> and <address>Pune</address>", "bold and Pune"),
    ('<a href="https://x.in">link</a> <span style="c">s</span><o:p></o:p>', "link s"),
])
def test_markup_becomes_text(markup, text):
    assert html_to_text(markup) == text


@pytest.mark.parametrize("plain", [
    "no markup at all", "a < b and c > d", "I <3 curry", "AT&T", "fish & chips", "5 &lt 6", "मेरा नाम राम है", "",
    # placeholders of pre-masked data and SMS templates, and a tokenizer's markers, are text, not tags
    "Customer <NAME> called from <PHONE> about card <CARD_NUMBER>.", "Dear <name>, your OTP is <otp>.",
    "<customer_name> paid Rs <amount> on <date>", "Lives at <ADDRESS>, call at <TIME>, code <CODE>",
    "<s>[INST] hi [/INST] hello</s>", "<|user|> hi <|end|>", "<mask> and <unk>",
])
def test_text_that_only_looks_like_markup_is_kept(plain):
    assert html_to_text(plain) == plain
