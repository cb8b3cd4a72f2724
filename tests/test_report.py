"""How problems are written out: one line for people, JSON for tools, annotations for GitHub."""

from __future__ import annotations

import json

from adrsite.records.model import ERROR, WARNING, Problem
from adrsite.records.report import check_report, github_annotation, problem_line

PROBLEMS = [
    Problem("adr/0002-x.md", 3, ERROR, "front-matter-yaml", "bad: YAML, here"),
    Problem("adr/0003-y.md", 1, WARNING, "status-unknown", "status 'maybe'"),
]


def test_a_problem_is_spelled_one_way_wherever_it_is_shown():
    assert problem_line(PROBLEMS[0]) == "adr/0002-x.md:3: error: bad: YAML, here"
    assert str(PROBLEMS[0]) == problem_line(PROBLEMS[0])


def test_the_text_report_lists_each_problem_then_counts_with_plurals():
    assert check_report(PROBLEMS, decisions=1, format="text").splitlines() == [
        "adr/0002-x.md:3: error: bad: YAML, here",
        "adr/0003-y.md:1: warning: status 'maybe'",
        "1 decision: 1 error, 1 warning",
    ]
    assert check_report([], decisions=2, format="text") == "2 decisions: 0 errors, 0 warnings"


def test_the_json_report_counts_and_lists_every_field():
    report = json.loads(check_report(PROBLEMS, decisions=4, format="json"))
    assert (report["decisions"], report["errors"], report["warnings"]) == (4, 1, 1)
    assert report["problems"][0] == {
        "path": "adr/0002-x.md",
        "line": 3,
        "severity": "error",
        "code": "front-matter-yaml",
        "message": "bad: YAML, here",
    }


def test_a_github_annotation_escapes_what_would_end_its_fields():
    problem = Problem("adr/a,b:c.md", 2, WARNING, "x", "100%\nsure: yes, really")
    assert github_annotation(problem) == (
        "::warning file=adr/a%2Cb%3Ac.md,line=2,title=adr check x::100%25%0Asure: yes, really"
    )
    report = check_report(PROBLEMS, decisions=1, format="github").splitlines()
    assert report[0].startswith("::error file=adr/0002-x.md,line=3,")
    assert report[-1] == "1 decision: 1 error, 1 warning"
