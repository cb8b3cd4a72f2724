"""Rendering an ADR body to HTML that is safe to put in a page."""

from __future__ import annotations

import pytest

from adrsite.records.render import render_markdown, without_title


def test_table_renders_as_an_html_table():
    html = render_markdown("| Option | Cost |\n|---|---:|\n| Redis | 3 |\n")

    assert html == (
        '<table>\n<thead>\n<tr>\n<th>Option</th>\n<th class="align-right">Cost</th>\n'
        "</tr>\n</thead>\n<tbody>\n<tr>\n<td>Redis</td>\n"
        '<td class="align-right">3</td>\n</tr>\n</tbody>\n</table>\n'
    )  # a class, not a style attribute: the site's CSP allows no inline styles


def test_headings_h2_to_h4_get_ids_and_a_permalink():
    html = render_markdown("# Title\n\n## Context and problem\n\n### Options\n\n#### Redis\n")

    assert html == (
        "<h1>Title</h1>\n"
        '<h2 id="context-and-problem">Context and problem '
        '<a class="header-anchor" href="#context-and-problem">#</a></h2>\n'
        '<h3 id="options">Options <a class="header-anchor" href="#options">#</a></h3>\n'
        '<h4 id="redis">Redis <a class="header-anchor" href="#redis">#</a></h4>\n'
    )


def test_h5_and_h6_get_no_anchor():
    assert render_markdown("##### Five\n\n###### Six\n") == "<h5>Five</h5>\n<h6>Six</h6>\n"


def test_repeated_headings_get_distinct_ids():
    html = render_markdown("## Pros\n\n## Pros\n")

    assert html == (
        '<h2 id="pros">Pros <a class="header-anchor" href="#pros">#</a></h2>\n'
        '<h2 id="pros-1">Pros <a class="header-anchor" href="#pros-1">#</a></h2>\n'
    )


def test_heading_with_quotes_cannot_break_out_of_its_id():
    html = render_markdown('## x" onmouseover="alert(1)\n')

    assert html == (
        '<h2 id="x-onmouseoveralert1">x&quot; onmouseover=&quot;alert(1) '
        '<a class="header-anchor" href="#x-onmouseoveralert1">#</a></h2>\n'
    )


@pytest.mark.parametrize(
    ("markdown", "html"),
    [
        ("<script>alert(1)</script>\n", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n"),
        (
            "Before <script>alert(1)</script> after",
            "<p>Before &lt;script&gt;alert(1)&lt;/script&gt; after</p>\n",
        ),
        (
            '<img src=x onerror="alert(1)">\n',
            "<p>&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</p>\n",
        ),
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("[x](JAVASCRIPT:alert(1))", "<p>[x](JAVASCRIPT:alert(1))</p>\n"),
        ("[x](&#106;avascript:alert(1))", "<p>[x](javascript:alert(1))</p>\n"),
        ("![x](javascript:alert(1))", "<p>![x](javascript:alert(1))</p>\n"),
        ("[x](vbscript:msgbox(1))", "<p>[x](vbscript:msgbox(1))</p>\n"),
        ("[x](data:text/html,hi)", "<p>[x](data:text/html,hi)</p>\n"),
        ("<javascript:alert(1)>", "<p>&lt;javascript:alert(1)&gt;</p>\n"),
        (
            "[x][r]\n\n[r]: javascript:alert(1)\n",
            "<p>[x][r]</p>\n<p>[r]: javascript:alert(1)</p>\n",
        ),
        (
            '<a href="javascript:alert(1)">x</a>',
            "<p>&lt;a href=&quot;javascript:alert(1)&quot;&gt;x&lt;/a&gt;</p>\n",
        ),
        ("```\n<script>\n```\n", "<pre><code>&lt;script&gt;\n</code></pre>\n"),
    ],
)
def test_raw_html_and_script_links_arrive_as_text(markdown, html):
    assert render_markdown(markdown) == html


def test_ordinary_links_are_kept():
    html = render_markdown("[web](https://example.com) and [3. Use Y](0003-use-y.md)")

    assert html == (
        '<p><a href="https://example.com">web</a> and <a href="0003-use-y.md">3. Use Y</a></p>\n'
    )


def test_strikethrough_renders():
    assert render_markdown("~~proposed~~ accepted") == "<p><s>proposed</s> accepted</p>\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("# Use X\n\nWhy.\n", "\nWhy.\n"),
        ("\n\n# Use X\nWhy.\n", "Why.\n"),
        ("Use X\n=====\n\nWhy.\n", "\nWhy.\n"),
        ("## Context\n\nWhy.\n", "## Context\n\nWhy.\n"),  # no title: kept whole
        ("Why.\n", "Why.\n"),
    ],
)
def test_without_title_drops_only_a_leading_title_heading(body, expected):
    assert without_title(body) == expected


def test_a_link_callback_rewrites_link_targets_it_knows_and_keeps_the_rest():
    html = render_markdown(
        "[B](0002-b.md) and [web](https://example.com) and [C](0003-c.md#why)",
        link=lambda href: "/decisions/2/" if href == "0002-b.md" else None,
    )
    assert '<a href="/decisions/2/">B</a>' in html
    assert '<a href="https://example.com">web</a>' in html
    assert '<a href="0003-c.md#why">C</a>' in html
