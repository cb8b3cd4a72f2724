"""Day/month dates read by the folder's own convention, git's date breaking a tie (pure core)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from adrsite.records.dates import settle_dates
from adrsite.records.folder import find_folder, read_folder
from adrsite.records.model import Record
from adrsite.records.parse import parse


def dated(number: int, when: str, *, colon: str = ":") -> Record:
    """An adr-tools decision with `Date<colon> <when>` on line 3."""
    text = f"# {number}. D{number}\n\nDate{colon} {when}\n\n## Status\n\nAccepted\n"
    return parse(f"adr/{number:04d}-d{number}.md", text.encode())


def facts(records: list[Record]) -> list[tuple[str, str, list[str]]]:
    return [(r.path, r.date, [str(p) for p in r.problems]) for r in records]


def not_iso(path: str, text: str, iso: str) -> str:
    return f"{path}:3: warning: date {text!r} is not ISO 8601 (YYYY-MM-DD); read as {iso}"


def test_a_date_only_day_first_fits_settles_the_folder_as_day_first():
    records = [dated(1, "26/03/2018"), dated(2, "01/06/2019")]

    assert facts(settle_dates(records)) == [
        ("adr/0001-d1.md", "2018-03-26", [not_iso("adr/0001-d1.md", "26/03/2018", "2018-03-26")]),
        (
            "adr/0002-d2.md",
            "2019-06-01",
            [
                not_iso("adr/0002-d2.md", "01/06/2019", "2019-06-01")
                + ": the folder writes day first (26/03/2018 in adr/0001-d1.md)"
            ],
        ),
    ]


def test_a_date_only_month_first_fits_settles_dotted_dates_as_month_first():
    records = [dated(1, "12.20.2019"), dated(2, "12.21.2019"), dated(3, "01.06.2019")]

    settled = settle_dates(records)

    assert (settled[2].date, [str(p) for p in settled[2].problems]) == (
        "2019-01-06",
        [
            not_iso("adr/0003-d3.md", "01.06.2019", "2019-01-06")
            + ": the folder writes month first (12.20.2019 in adr/0001-d1.md and 1 other date)"
        ],
    )


def test_the_majority_of_the_evidence_wins():
    records = [dated(1, "26/03/2018"), dated(2, "27/03/2018"), dated(3, "03/28/2018")]

    assert settle_dates([*records, dated(4, "01/06/2019")])[3].date == "2019-06-01"


def test_git_breaks_the_tie_when_no_date_tells():
    records = [dated(1, "01/06/2019"), dated(2, "02/07/2019")]
    touched = {
        "adr/0001-d1.md": datetime(2019, 6, 3, 10, tzinfo=UTC),  # June: day first
        "adr/0002-d2.md": date(2019, 7, 1),
    }

    settled = settle_dates(records, touched)

    assert [r.date for r in settled] == ["2019-06-01", "2019-07-02"]
    assert [str(p) for p in settled[0].problems] == [
        not_iso("adr/0001-d1.md", "01/06/2019", "2019-06-01")
        + ": day first is nearer the dates git has for these files"
    ]


def test_evidence_in_the_folder_wins_over_git():
    records = [dated(1, "12/20/2019"), dated(2, "01/06/2019")]

    settled = settle_dates(records, {"adr/0002-d2.md": date(2019, 6, 1)})

    assert settled[1].date == "2019-01-06"


def test_undecidable_keeps_the_warning_with_both_readings():
    records = [dated(1, "01/06/2019"), dated(2, "2019-05-05")]

    settled = settle_dates(records, {"adr/0001-d1.md": date(2019, 3, 20)})  # equally near

    assert settled == records
    assert facts(settled)[0] == (
        "adr/0001-d1.md",
        "2019-01-06",
        [
            "adr/0001-d1.md:3: warning: date '01/06/2019' is ambiguous: 2019-06-01 (day first) "
            "or 2019-01-06 (month first), and no other date in the folder tells which; "
            "read as 2019-01-06 (write YYYY-MM-DD)"
        ],
    )
    assert [p.code for p in settled[0].problems] == ["date-ambiguous"]


def test_a_folder_without_ambiguous_dates_is_returned_as_is():
    records = [dated(1, "26/03/2018"), dated(2, "2019-01-02"), dated(3, "09/09/2020")]

    assert settle_dates(records) is records


def test_read_folder_settles_dates_so_check_list_and_show_agree(tmp_path: Path):
    (tmp_path / ".git").mkdir()
    folder = tmp_path / "adr"
    folder.mkdir()
    (folder / "0001-a.md").write_text("# 1. A\n\nDate 26/03/2018\n\n## Status\n\nAccepted\n")
    (folder / "0002-b.md").write_text("# 2. B\n\nDate 01/06/2019\n\n## Status\n\nAccepted\n")

    records = read_folder(find_folder(tmp_path))

    assert [(r.path, r.date) for r in records] == [
        ("adr/0001-a.md", "2018-03-26"),
        ("adr/0002-b.md", "2019-06-01"),
    ]
