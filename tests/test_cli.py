"""The command line: help, clear errors, non-zero exits on bad input, the extract contract."""

from __future__ import annotations

import inspect
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()
COMMANDS = [
    "demo",
    "run",
    "crawl",
    "extract",
    "score",
    "report",
    "export",
    "evidence",
    "browse",
    "serve",
    "deploy",
    "dispatch",
    "db",
    "review",
    "agreement",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command: str) -> None:
    result = runner.invoke(app, [command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output


def test_missing_seed_file_exits_2_with_a_clear_message(home: Path) -> None:
    result = runner.invoke(app, ["run", str(home / "missing.csv")])
    assert result.exit_code == 2
    assert "seed file not found" in result.output
    assert not (home / "audit.db").exists(), "a typo must not create and migrate a database"


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("clinic-audit 0.")


def test_a_home_or_database_that_cannot_be_created_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")  # a folder cannot be made inside a file, even by root
    monkeypatch.setenv("CLINIC_AUDIT_HOME", str(not_a_folder / "var"))
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2 and "CLINIC_AUDIT_HOME" in result.output, result.output
    monkeypatch.setenv("CLINIC_AUDIT_HOME", str(tmp_path / "var"))
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", f"sqlite:///{not_a_folder / 'db' / 'audit.db'}")
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2 and "cannot open database" in result.output, result.output


def test_a_seed_file_with_only_bad_rows_reports_them_and_exits_2(
    home: Path, tmp_path: Path
) -> None:
    seeds = tmp_path / "seeds.csv"
    seeds.write_text("url,name\nftp://x.example/,A\nnot a url,B\n")
    result = runner.invoke(app, ["crawl", str(seeds)])
    assert result.exit_code == 2
    assert "skipped" in result.output and ":2:" in result.output and ":3:" in result.output
    assert "no usable seed row" in result.output


def test_unreachable_database_exits_2(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(
        "CLINIC_AUDIT_DB_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    )
    result = runner.invoke(app, ["db", "upgrade"])
    assert result.exit_code == 2
    assert "cannot open database" in result.output


def test_commands_on_an_empty_database_say_what_to_do(home: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    result = runner.invoke(app, ["score"])
    assert result.exit_code == 2 and "no run yet" in result.output


@pytest.mark.parametrize(
    "command", [["report"], ["export"], ["score"], ["evidence", "show", "https://a.example/"]]
)
def test_a_command_that_reads_creates_no_database(home: Path, command: list[str]) -> None:
    result = runner.invoke(app, command)
    assert result.exit_code == 2 and "has no tables yet" in result.output, result.output
    assert not home.exists(), "an empty database left behind would look like a real one"


def test_extract_jsonl_follows_the_contract(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><h1>Stem cell clinic</h1><p>We treat knee arthritis with "
        "your own bone marrow cells under ultrasound guidance. Book a consultation."
        "</p></body></html>"
    )
    note = tmp_path / "note.txt"
    note.write_text("We do not treat autism.")
    result = runner.invoke(app, ["extract", str(page), str(note), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.strip().splitlines()]
    assert [r["source"] for r in lines] == [str(page), str(note)]
    assert list(lines[0]) == [
        "source",
        "url",
        "language",
        "is_clinic",
        "conditions",
        "cell_sources",
        "origin",
        "regulators",
        "flags",
    ]
    assert lines[0]["conditions"][0]["slug"] == "knee-osteoarthritis"
    assert list(lines[0]["conditions"][0]) == ["slug", "tier", "stance", "quote"]
    assert set(lines[0]["flags"]) == {
        "cure_or_guarantee",
        "fda_approval_claim",
        "cites_research",
        "testimonials",
        "states_cell_count",
        "imaging_guidance",
        "lists_exclusions",
        "price_stated",
    }


def test_extract_judges_a_single_file_as_a_one_page_site(tmp_path: Path) -> None:
    news = tmp_path / "news.html"
    news.write_text(
        "<html><body><article><h1>Clinic news</h1><p>By our staff writer. Published in "
        "November.</p><p>Stem cell therapy helps knee osteoarthritis, according to the "
        "reporter.</p></article></body></html>"
    )
    result = runner.invoke(app, ["extract", str(news), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    [line] = [json.loads(line) for line in result.stdout.strip().splitlines()]
    # The page sells nothing, so what it presents as helping is a mention (the same page
    # crawled as a one-page site gets the same verdict: tests/test_site_verdict.py).
    assert line["is_clinic"] is False
    assert [(c["slug"], c["stance"]) for c in line["conditions"]] == [
        ("knee-osteoarthritis", "mentioned")
    ]
    table = runner.invoke(app, ["extract", str(news), "--format", "table"])
    assert table.exit_code == 0, table.output
    assert "sells no treatment" in table.output and "reads like news" in table.output


def test_extract_of_a_missing_file_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["extract", str(tmp_path / "nope.html")])
    assert result.exit_code == 2 and "no such file" in result.output


def test_the_cli_reference_in_docs_is_current() -> None:
    from flows.cli_reference import REFERENCE, render

    assert REFERENCE.read_text(encoding="utf-8") == render(), (
        "docs/cli.md is stale: run `python -m flows.cli_reference`"
    )


def test_the_rubric_tables_in_the_readme_are_current() -> None:
    from flows.rubric_reference import README, rewrite

    text = README.read_text(encoding="utf-8")
    assert rewrite(text) == text, "stale: run `python -m flows.rubric_reference`"


def test_extract_table_shows_quotes_the_cue_behind_each_stance_and_mentions(
    tmp_path: Path,
) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><body><p>We do not treat autism [red]here[/red].</p>"
        "<p>We treat lupus with 50 million cells.</p>"
        "<p>Book a free consultation.</p></body></html>"
    )
    result = runner.invoke(app, ["extract", str(page), "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "we do not treat" in result.output  # the cue that disclaimed autism
    assert "[red]here[/red]" in result.output  # scraped text printed literally
    assert "states_cell_count: 50 million cells" in result.output


def test_run_needs_seeds_or_a_run_to_resume(home: Path) -> None:
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 2 and "--resume RUN_ID" in result.output


def test_resuming_a_run_that_does_not_exist_exits_2(home: Path) -> None:
    result = runner.invoke(app, ["run", "--resume", "42"])
    assert result.exit_code == 2 and "no run 42" in result.output


def test_export_writes_into_the_home_folder_by_default(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "audit-home"
    monkeypatch.setenv("CLINIC_AUDIT_HOME", str(home))
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", f"sqlite:///{home / 'audit.db'}")
    monkeypatch.chdir(tmp_path)
    runner.invoke(app, ["db", "upgrade"])
    result = runner.invoke(app, ["export"])
    assert result.exit_code == 0, result.output
    assert (home / "exports" / "claims.csv").exists()
    assert not (tmp_path / "var" / "exports").exists()


def test_evidence_of_a_url_no_run_fetched_exits_2(home: Path) -> None:
    runner.invoke(app, ["db", "upgrade"])
    result = runner.invoke(app, ["evidence", "show", "https://clinic.example/never"])
    assert result.exit_code == 2 and "was not fetched" in result.output, result.output


@pytest.mark.parametrize(
    "command",
    [["dispatch"], ["deploy", "--pool", "p", "--cron", "0 3 1 * *", "--seeds"]],
    ids=["dispatch", "deploy"],
)
def test_orchestration_checks_the_seed_file_before_anything(home: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, str(home / "missing.csv")])
    assert result.exit_code == 2 and "seed file not found" in result.output, result.output
    assert not home.exists(), "a typo must not create a database or Prefect's folder"


@pytest.mark.parametrize("command", [["run", "seeds.csv"], ["dispatch", "seeds.csv"], ["report"]])
def test_an_unknown_rubric_exits_2_before_anything_is_done(home: Path, command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--rubric", "nonsense"])
    assert result.exit_code == 2 and "no shipped rubric 'nonsense'" in result.output, result.output
    assert not home.exists()


def test_an_output_folder_that_cannot_be_written_exits_2_with_a_message(
    home: Path, tmp_path: Path
) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("")  # nothing can be made inside a file, even by root
    runner.invoke(app, ["db", "upgrade"])
    result = runner.invoke(app, ["export", "--out", str(not_a_folder / "tables")])
    assert result.exit_code == 2, result.output
    assert "cannot write" in result.output and "Traceback" not in result.output


def test_the_crawl_options_of_the_command_line_reach_the_crawl(
    home: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from tests.crawling import RESOLVE
    from tests.local_web import html, serve

    monkeypatch.setenv("CLINIC_AUDIT_ALLOW_LOOPBACK", "1")
    monkeypatch.setenv("CLINIC_AUDIT_RESOLVE", ",".join(RESOLVE))
    links = " ".join(f'<a href="/p{i}">{i}</a>' for i in range(5))
    site = {"/": html(links), **{f"/p{i}": html(f"page {i}") for i in range(5)}}
    with serve({"clinica.test": site}) as web:
        seeds = tmp_path / "seeds.csv"
        seeds.write_text(f"url\n{web.url('clinica.test')}\n")
        result = runner.invoke(
            app, ["crawl", str(seeds), "--fast", "--max-pages", "2", "--max-depth", "1"]
        )
    assert result.exit_code == 0, result.output
    [job_file] = (home / "runs").glob("run-*/crawl-job.json")
    job = json.loads(job_file.read_text())
    given = {key: job[key] for key in ("fast", "max_pages", "max_depth", "render_js")}
    assert given == {"fast": True, "max_pages": 2, "max_depth": 1, "render_js": False}
    assert job["allow_loopback"] and job["resolve"] == list(RESOLVE)  # and the configuration's
    assert "Run 1: 2 pages" in result.output


def test_a_command_given_the_crawl_options_gets_them_as_one_object() -> None:
    from flows.cli_common import takes_crawl_options
    from flows.stages import CrawlOptions

    received = []

    @takes_crawl_options(render_js=False)
    def command(name: str = "x", *, options: CrawlOptions, last: int = 0) -> None:
        received.append((name, options, last))

    names = list(inspect.signature(command).parameters)
    assert names == ["name", "fast", "max_pages", "max_depth", "last"]  # in the place of options
    command(name="y", fast=True, max_pages=3, max_depth=2, last=1)
    [(name, options, last)] = received
    assert (name, last) == ("y", 1) and isinstance(options, CrawlOptions)
    assert (options.fast, options.max_pages, options.max_depth) == (True, 3, 2)


@pytest.mark.postgres
def test_messages_name_the_database_without_its_password(
    home: Path, postgres_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The server trusts 127.0.0.1 and ignores the password; a terminal (or a cron mail, a CI
    # log) must not show it.
    monkeypatch.setenv("CLINIC_AUDIT_DB_URL", postgres_url.replace("@", ":not-shown@", 1))
    empty = runner.invoke(app, ["report"])
    assert empty.exit_code == 2 and "has no tables yet" in empty.output, empty.output
    upgraded = runner.invoke(app, ["db", "upgrade"])
    no_run = runner.invoke(app, ["score", "--run", "7"])
    assert no_run.exit_code == 2 and "no run 7 in postgresql" in no_run.output, no_run.output
    for said in (empty.output, upgraded.output, no_run.output):
        assert "not-shown" not in said and "***" in said, said
