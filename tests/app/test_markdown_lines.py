"""render_markdown on its own (no app): light Markdown to lines of an exact width."""

from __future__ import annotations

from rich.style import Style

from toaster_tui.app.widgets.markdown_lines import BodyStyles, render_markdown

STYLES = BodyStyles(
    base=Style(color="white", bgcolor="black"), h1=Style(bold=True), h2=Style(underline=True),
    h3=Style(bold=True), code=Style(bgcolor="grey23"), fence=Style(bgcolor="grey11"),
    quote=Style(bgcolor="grey15"), quote_bar=Style(color="yellow"), bullet=Style(color="blue"),
    rule=Style(color="grey50"), link=Style(underline=True))


def plain(source: str, width: int) -> list[str]:
    return [line.text.rstrip() for line in render_markdown(source, width, STYLES)]


def test_lists_number_and_nest() -> None:
    source = "3. three\n4. four\n   - inner *one*\n   - inner two\n5. five\n"
    assert plain(source, 40) == [
        " 3. three", " 4. four", "    • inner one", "    • inner two", " 5. five"]


def test_loose_lists_quotes_and_hard_breaks() -> None:
    assert plain("- a\n\n- b\n", 20) == ["• a", "", "• b"]
    assert plain("> one\n>\n> two\n", 20) == ["▌ one", "▌", "▌ two"]
    assert plain("line one  \nline two\n", 20) == ["line one", "line two"]


def test_every_line_fills_the_width_even_when_narrow() -> None:
    deep = "> " * 12 + "quoted " * 20 + "\n\n```\n" + "x" * 50 + "\n```\n\n---\n"
    for width in (1, 5, 13, 40):
        lines = render_markdown(deep + "- " * 8 + "item", width, STYLES)
        assert lines and all(line.cell_length == width for line in lines)


def test_empty_and_plain_text() -> None:
    assert plain("", 20) == []
    assert plain("just text, *nothing* else", 40) == ["just text, nothing else"]



def test_raw_html_reads_as_its_text_not_as_code() -> None:
    # Markup as feeds carry it (a WordPress embed, inline spans and a comment):
    # markdown-it reads it as html_block / html_inline tokens.
    source = ('<figure class="wp-block-embed"><div class="wp-block-embed__wrapper">\n'
              'Watch the <em>talk</em> &amp; the slides.\n</div></figure>\n\n'
              'After <span class="x">inline</span> tags<!-- tracking -->.\n')
    lines = render_markdown(source, 40, STYLES)
    assert [line.text.rstrip() for line in lines] == [
        "Watch the talk & the slides.", "", "After inline tags."]
    assert all(segment.style is None or segment.style.bgcolor != STYLES.fence.bgcolor
               for line in lines for segment in line)
