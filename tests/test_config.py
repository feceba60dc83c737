"""The configuration: config.toml under flags and the environment, `quiz config`, the theme
saved without losing the rest of the file, and passwords that are never shown."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz import config
from quiz.cli.main import main
from quiz.config import ConfigError, load_config, redact, save_theme, saved_theme
from quiz.paths import default_profile

PASSWORD = "s3cr3t-Pa55"


@pytest.fixture(autouse=True)
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No QUIZ_DB or QUIZ_PROFILE from the shell that runs the tests; data in a folder of
    the test's own."""
    monkeypatch.delenv("QUIZ_DB", raising=False)
    monkeypatch.delenv("QUIZ_PROFILE", raising=False)
    data = tmp_path / "data"
    monkeypatch.setenv("QUIZ_DATA_DIR", str(data))
    return data


def write_config(config_dir: Path, text: str | bytes) -> Path:
    config_dir.mkdir(exist_ok=True)
    path = config_dir / "config.toml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "-m", "quiz", *args], capture_output=True, text=True, timeout=60
    )
    assert "Traceback" not in result.stdout + result.stderr
    return result


# --- where each value comes from ----------------------------------------------------------


def test_with_nothing_set_every_value_is_the_default(config_dir: Path, environment: Path) -> None:
    settings = load_config({})
    assert settings.path == config_dir / "config.toml" and not settings.exists
    assert settings.database == f"sqlite://{environment / 'progress.db'}"
    assert settings.database.startswith("sqlite:///")
    assert settings.profile == default_profile()
    assert settings.theme == config.DEFAULT_THEME
    assert settings.retention == config.DEFAULT_RETENTION
    assert all(settings.source(key) == "default" for key in config.KEYS)


def test_the_defaults_are_those_of_the_app_and_the_scheduler() -> None:
    from textual.app import App

    from quiz.core.scheduling import DEFAULT_RETENTION

    assert App[None]().theme == config.DEFAULT_THEME
    assert config.DEFAULT_RETENTION == DEFAULT_RETENTION


def test_a_relative_data_folder_makes_an_absolute_url(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUIZ_DATA_DIR", "here")
    assert load_config().database == f"sqlite://{tmp_path / 'here' / 'progress.db'}"


LEVELS = {
    # key: (file value as TOML, environment variable and value, flag value, value expected)
    "database": (
        '"sqlite:///from/file.db"',
        ("QUIZ_DB", "postgresql://env@host/db"),
        "postgresql://flag@host/db",
    ),
    "profile": ('"filed"', ("QUIZ_PROFILE", "envied"), "flagged"),
    "theme": ('"nord"', None, "gruvbox"),
    "retention": ("0.8", None, 0.95),
}


@pytest.mark.parametrize("key", config.KEYS)
def test_a_flag_beats_the_environment_beats_the_file_beats_the_default(
    key: str, config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    in_file, in_environment, in_flag = LEVELS[key]
    assert load_config({}).source(key) == "default"

    write_config(config_dir, f"{key} = {in_file}\n")
    settings = load_config({key: None})  # a flag not given is None
    assert settings.source(key) == "file" and settings.exists
    assert settings.value(key) == tomllib.loads(f"v = {in_file}")["v"]

    if in_environment:
        variable, value = in_environment
        monkeypatch.setenv(variable, value)
        settings = load_config({})
        assert (settings.value(key), settings.source(key)) == (value, "environment")
        assert settings.origin(key) == f"environment ({variable})"

    settings = load_config({key: in_flag})
    assert (settings.value(key), settings.source(key)) == (in_flag, "flag")
    assert settings.origin(key) == f"flag ({config.FLAGS[key]})"


def test_an_empty_variable_or_flag_counts_as_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZ_DB", "")
    monkeypatch.setenv("QUIZ_PROFILE", "")
    settings = load_config({"profile": ""})
    assert settings.source("database") == settings.source("profile") == "default"


def test_each_key_comes_from_its_own_source(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_config(config_dir, 'profile = "ada"\nretention = 0.85\n')
    monkeypatch.setenv("QUIZ_DB", "postgresql://host/db")
    settings = load_config({"theme": "nord"})
    assert [settings.source(key) for key in config.KEYS] == ["environment", "file", "flag", "file"]
    assert (settings.profile, settings.retention) == ("ada", 0.85)


def test_a_retention_flag_may_be_text(config_dir: Path) -> None:
    assert load_config({"retention": "0.75"}).retention == 0.75


def test_an_unknown_flag_is_a_mistake_in_the_caller() -> None:
    with pytest.raises(ValueError, match="data_dir"):
        load_config({"data_dir": "x"})


# --- files and values that cannot be used ---------------------------------------------------

BAD_FILES = [
    # (content, where, what)
    (b"database = \n", ":1:12:", "not valid TOML"),
    (b'profile = "ada"\nprofile = "bob"\n', ":2:", "not valid TOML"),
    (b'theme = "caf\xe9"\n', ":1:", "not UTF-8"),
    (b"retention = 1.5\n", ":1:", "from 0.7 to 0.99, not 1.5"),
    (b"retention = 0.5\n", ":1:", "from 0.7 to 0.99"),
    (b"retention = nan\n", ":1:", "from 0.7 to 0.99"),
    (b'\n\nretention = "high"\n', ":3:", "a number from 0.7 to 0.99, not 'high'"),
    (b"retention = true\n", ":1:", "not true or false"),
    (b"database = 5\n", ":1:", "must be text in quotes, not a whole number"),
    (b'profile = ["ada"]\n', ":1:", "not a list"),
    (b'profile = "  "\n', ":1:", "must not be empty"),
    (b"theme = 2024-01-01\n", ":1:", "not a date or time"),
    (b'database = "mysql://localhost/quiz"\n', ":1:", "must be a URL such as"),
    (b'profile = "ada"\nprofiles = "bob"\n', ":2:", "unknown key 'profiles'"),
    (b'theme = "nord"\n[database]\nurl = "x"\n', ":2:", "must be text in quotes, not a table"),
    (b'theme = "nord"\n\n[extra]\nkey = 1\n', ":3:", "unknown key 'extra'"),
    (b'colour.scheme = "dark"\n', ":1:", "unknown key 'colour'"),
]


@pytest.mark.parametrize(("content", "where", "what"), BAD_FILES)
def test_a_bad_file_is_one_line_naming_the_file_and_line_and_exit_2(
    config_dir: Path, capsys: pytest.CaptureFixture[str], content: bytes, where: str, what: str
) -> None:
    path = write_config(config_dir, content)
    with pytest.raises(ConfigError):
        load_config({})
    assert main(["config"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith(f"quiz: {path}{where}") and what in err, err
    assert err.count("\n") == 1


def test_a_bad_file_ends_a_real_process_without_a_traceback(config_dir: Path) -> None:
    path = write_config(config_dir, "retention = [\n")
    result = run("config")
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith(f"quiz: {path}:") and result.stderr.count("\n") == 1


@pytest.mark.parametrize("make", ["folder", "fifo"])
def test_a_config_path_that_is_not_a_file_is_a_clear_error(
    config_dir: Path, capsys: pytest.CaptureFixture[str], make: str
) -> None:
    config_dir.mkdir()
    path = config_dir / "config.toml"
    if make == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)  # must not hang waiting for a writer
    assert main(["config"]) == 2
    assert capsys.readouterr().err == f"quiz: {path}: not a regular file\n"


def test_an_unreadable_file_is_a_clear_error(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_config(config_dir, 'theme = "nord"\n')

    def refuse(*args: object) -> int:  # chmod would not do: the tests may run as root
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("quiz.config.os.open", refuse)
    assert main(["config"]) == 2
    assert capsys.readouterr().err == f"quiz: {path}: cannot be read: Permission denied\n"
    assert saved_theme() is None  # the app starts in its own theme


@pytest.mark.parametrize(
    ("variable", "value", "what"),
    [
        ("QUIZ_DB", "localhost/quiz", "QUIZ_DB: database must be a URL"),
        ("QUIZ_PROFILE", " ", "QUIZ_PROFILE: profile must not be empty"),
    ],
)
def test_a_bad_variable_is_named(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    variable: str,
    value: str,
    what: str,
) -> None:
    monkeypatch.setenv(variable, value)
    assert main(["config"]) == 2
    assert capsys.readouterr().err.startswith(f"quiz: {what}")


def test_a_bad_flag_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "--db", "nothing"]) == 2
    assert capsys.readouterr().err.startswith("quiz: --db: database must be a URL")
    with pytest.raises(ConfigError, match=r"^--retention: retention must be from"):
        load_config({"retention": 2})


# --- passwords ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://ada:secret@host/db", "postgresql://ada:***@host/db"),
        ("postgresql://ada:secret@host:5432/db?sslmode=require", "postgresql://ada:***@host:5432/db?sslmode=require"),
        ("postgres://:secret@host/db", "postgres://:***@host/db"),
        ("postgresql://ada:p@ss/w?rd#x@host/db", "postgresql://ada:***@host/db"),
        ("postgresql://ada:@host/db", "postgresql://ada:***@host/db"),
        ("postgresql://host/db?user=ada&password=secret", "postgresql://host/db?user=ada&password=***"),
        ("postgresql://host/db?PASSWORD=secret&sslmode=require", "postgresql://host/db?PASSWORD=***&sslmode=require"),
        ("postgresql://host/db?sslpassword=secret", "postgresql://host/db?sslpassword=***"),
        ("host=db password='a b' user=ada", "host=db password=*** user=ada"),
        ("postgresql://ada@host:5432/db", "postgresql://ada@host:5432/db"),
        ("postgresql://host:5432/db", "postgresql://host:5432/db"),
        ("sqlite:///home/me/.local/share/quiz/progress.db", "sqlite:///home/me/.local/share/quiz/progress.db"),
    ],
)  # fmt: skip
def test_redact_hides_the_password(url: str, shown: str) -> None:
    assert redact(url) == shown


@given(
    user=st.from_regex(r"[A-Za-z0-9_.-]{0,8}", fullmatch=True),
    password=st.text(min_size=1).filter(lambda text: "***" not in text),
    host=st.from_regex(r"[a-z0-9.-]{1,12}(:[0-9]{1,5})?", fullmatch=True),
)
def test_no_password_survives_redaction(user: str, password: str, host: str) -> None:
    shown = redact(f"postgresql://{user}:{password}@{host}/db")
    assert shown == f"postgresql://{user}:***@{host}/db"


URL = f"postgresql://ada:{PASSWORD}@db.example:5432/quiz?sslmode=require&password={PASSWORD}"


@pytest.mark.parametrize("form", [[], ["--json"]])
def test_quiz_config_never_prints_the_password(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], form: list[str]
) -> None:
    monkeypatch.setenv("QUIZ_DB", URL)
    assert main(["config", *form]) == 0
    out, err = capsys.readouterr()
    assert PASSWORD not in out + err
    assert "postgresql://ada:***@db.example:5432/quiz" in out
    assert main(["config", "--db", URL.replace("ada", "bob"), *form]) == 0
    out, err = capsys.readouterr()
    assert PASSWORD not in out + err and "bob:***@" in out


def test_a_password_in_a_file_or_a_mistake_is_never_printed(
    config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(config_dir, f'database = "{URL}"\n')
    assert main(["config"]) == 0
    assert PASSWORD not in "".join(capsys.readouterr())
    wrong = f"mysql://ada:{PASSWORD}@host/db"
    write_config(config_dir, f'database = "{wrong}"\n')
    assert main(["config"]) == 2
    assert main(["config", "--db", wrong]) == 2
    with pytest.raises(SystemExit):  # argparse quotes what it did not understand
        main(["config", "--profile", "x", wrong])
    out, err = capsys.readouterr()
    assert PASSWORD not in out + err and "mysql://ada:***@host/db" in err


def test_the_password_is_not_printed_by_a_real_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZ_DB", URL)
    result = run("config")
    assert result.returncode == 0 and PASSWORD not in result.stdout + result.stderr


# --- quiz config ----------------------------------------------------------------------------


def test_quiz_config_shows_each_value_and_its_source(
    config_dir: Path, environment: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUIZ_PROFILE", "ada")
    result = run("config")
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0] == f"config file  {config_dir / 'config.toml'} (not found)"
    database = f"sqlite://{environment / 'progress.db'}"
    assert lines[1].split() == ["database", database, "default"]
    assert lines[2].split() == ["profile", "ada", "environment", "(QUIZ_PROFILE)"]
    assert lines[3].split() == ["theme", "textual-dark", "default"]
    assert lines[4].split() == ["retention", "0.9", "default"]
    assert len(lines) == 5
    assert len({line.rindex(line.split()[2]) for line in lines[1:]}) == 1  # sources aligned


def test_quiz_config_shows_what_flags_would_do(
    config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(config_dir, 'profile = "ada"\ntheme = "nord"\n')
    assert main(["config", "--profile", "bob", "--db", "postgresql://host/db"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].endswith("config.toml")  # found: no "(not found)"
    assert "postgresql://host/db   flag (--db)" in out
    assert out.splitlines()[2].split() == ["profile", "bob", "flag", "(--profile)"]
    assert out.splitlines()[3].split() == ["theme", "nord", "file"]


def test_quiz_config_json(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_config(config_dir, "retention = 0.8\n")
    monkeypatch.setenv("QUIZ_PROFILE", "ada")
    result = run("config", "--json")
    assert result.returncode == 0
    document = json.loads(result.stdout)
    assert document["file"] == {"path": str(config_dir / "config.toml"), "exists": True}
    assert document["profile"] == {"value": "ada", "source": "environment"}
    assert document["retention"] == {"value": 0.8, "source": "file"}
    assert document["theme"] == {"value": "textual-dark", "source": "default"}
    assert document["database"]["source"] == "default"


def test_a_control_code_in_a_value_is_not_sent_to_the_terminal(
    config_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write_config(config_dir, 'profile = "a\\u001b]0;pwned\\u0007b"\n')
    assert main(["config"]) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_quiz_config_is_in_the_help() -> None:
    assert "quiz config " in run("--help").stdout


# --- the theme, saved -----------------------------------------------------------------------


def test_saving_the_theme_keeps_the_other_keys_and_comments(config_dir: Path) -> None:
    text = (
        "# my quiz\n"
        'database = "postgresql://ada:pw@host/db"  # the class server\n'
        'profile = "ada"\r\n'
        "retention = 0.85"  # no final newline
    )
    path = write_config(config_dir, text)
    assert save_theme("nord")
    assert path.read_bytes().decode() == text + '\ntheme = "nord"\n'
    assert save_theme("gruvbox")
    assert path.read_bytes().decode() == text + '\ntheme = "gruvbox"\n'
    settings = load_config({})
    assert (settings.theme, settings.theme_source, settings.profile) == ("gruvbox", "file", "ada")
    assert settings.database == "postgresql://ada:pw@host/db"
    assert [p.name for p in config_dir.iterdir()] == ["config.toml"]  # no temporary file left


def test_the_theme_line_is_replaced_where_it_is(config_dir: Path) -> None:
    path = write_config(config_dir, '"theme" = "nord" # mine\r\nprofile = "ada"\n')
    assert save_theme("gruvbox")
    assert path.read_bytes() == b'theme = "gruvbox"\r\nprofile = "ada"\n'


def test_a_theme_the_line_cannot_hold_rewrites_the_file_with_every_key(config_dir: Path) -> None:
    path = write_config(config_dir, 'theme = """\nnord"""\nprofile = "ada"\nretention = 0.8\n')
    assert save_theme("gruvbox")
    assert tomllib.loads(path.read_text(encoding="utf-8")) == {
        "theme": "gruvbox",
        "profile": "ada",
        "retention": 0.8,
    }


def test_the_theme_goes_before_a_table_so_it_stays_at_the_top(config_dir: Path) -> None:
    path = write_config(config_dir, 'profile = "ada"\n[extra]\ntheme = "x"\n')
    assert save_theme("nord")
    assert tomllib.loads(path.read_text()) == {
        "profile": "ada",
        "theme": "nord",
        "extra": {"theme": "x"},
    }


@given(st.text(st.characters(exclude_categories=["Cs"])))
def test_any_theme_name_is_written_as_valid_toml(theme: str) -> None:
    line = f"theme = {config._toml_string(theme)}"
    assert tomllib.loads(line) == {"theme": theme}
    assert "\n" not in line


def test_saving_makes_the_folder_and_writes_only_the_theme(config_dir: Path) -> None:
    assert save_theme('no"such\\theme\n')
    assert (config_dir / "config.toml").read_text() == 'theme = "no\\"such\\\\theme\\n"\n'
    assert saved_theme() == 'no"such\\theme\n'
    assert save_theme("nord") and saved_theme() == "nord"


def test_saving_keeps_the_files_permissions(config_dir: Path) -> None:
    path = write_config(config_dir, 'database = "postgresql://ada:pw@host/db"\n')
    path.chmod(0o600)
    assert save_theme("nord")
    assert path.stat().st_mode & 0o777 == 0o600
    assert save_theme("nord", config_dir / "new" / "config.toml")
    assert (config_dir / "new" / "config.toml").stat().st_mode & 0o077 == 0


def test_a_linked_config_file_stays_a_link(config_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "dotfiles" / "quiz.toml"
    target.parent.mkdir()
    target.write_text('profile = "ada"\n')
    config_dir.mkdir()
    (config_dir / "config.toml").symlink_to(target)
    assert save_theme("nord")
    assert (config_dir / "config.toml").is_symlink()
    assert tomllib.loads(target.read_text()) == {"profile": "ada", "theme": "nord"}


def test_a_folder_that_cannot_be_written_is_ignored(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = write_config(config_dir, 'profile = "ada"\n')

    def refuse(*args: object, **kwargs: object) -> tuple[int, str]:  # root ignores chmod
        raise PermissionError(13, "Permission denied")

    with monkeypatch.context() as patch:
        patch.setattr("quiz.paths.tempfile.mkstemp", refuse)
        assert save_theme("nord") is False
    assert path.read_text() == 'profile = "ada"\n'
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    assert save_theme("nord", blocker / "config.toml") is False  # its folder is a file


def test_a_read_only_file_is_left_alone(config_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_config(config_dir, 'profile = "ada"\n')
    monkeypatch.setattr("quiz.config.os.access", lambda *args: False)  # root ignores chmod
    assert save_theme("nord") is False
    assert path.read_text() == 'profile = "ada"\n'


def test_a_failed_write_leaves_the_file_whole(
    config_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_config(config_dir, 'profile = "ada"\n')

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("quiz.config.os.fsync", full)
    assert save_theme("nord") is False
    assert path.read_text() == 'profile = "ada"\n'
    assert [p.name for p in config_dir.iterdir()] == ["config.toml"]


@pytest.mark.parametrize("content", [b"theme = \n", b"\xff\xfe", b"[[a]]\n[a]\n"])
def test_a_damaged_file_gives_no_theme_and_is_not_overwritten(
    config_dir: Path, content: bytes
) -> None:
    path = write_config(config_dir, content)
    assert saved_theme() is None
    assert save_theme("nord") is False
    assert path.read_bytes() == content


def test_a_wrong_value_elsewhere_does_not_stop_the_theme(config_dir: Path) -> None:
    path = write_config(config_dir, 'retention = 5\ntheme = "nord"\n')
    assert saved_theme() == "nord"
    assert save_theme("gruvbox")
    assert path.read_text() == 'retention = 5\ntheme = "gruvbox"\n'


def test_a_theme_that_is_not_text_reads_as_none(config_dir: Path) -> None:
    write_config(config_dir, "theme = 7\n")
    assert saved_theme() is None
    assert save_theme("nord") and saved_theme() == "nord"


def test_a_theme_utf8_cannot_hold_is_given_up(config_dir: Path) -> None:
    assert save_theme("\udcff") is False
    assert not (config_dir / "config.toml").exists()


# --- settings.json, from earlier versions -----------------------------------------------------


def test_the_theme_in_settings_json_is_used_until_config_toml_has_one(config_dir: Path) -> None:
    config_dir.mkdir()
    (config_dir / "settings.json").write_text('{"theme": "nord"}')
    assert saved_theme() == "nord"
    settings = load_config({})
    assert (settings.theme, settings.theme_source) == ("nord", "file")
    assert settings.origin("theme") == f"file ({config_dir / 'settings.json'})"
    write_config(config_dir, 'profile = "ada"\n')
    assert saved_theme() == "nord"  # a config.toml without a theme still lets it through

    assert save_theme("nord")  # the next save writes it to config.toml
    assert tomllib.loads((config_dir / "config.toml").read_text()) == {
        "profile": "ada",
        "theme": "nord",
    }
    assert load_config({}).origin("theme") == "file"

    write_config(config_dir, 'theme = "gruvbox"\n')  # and from then on config.toml wins
    assert saved_theme() == "gruvbox" and load_config({}).theme == "gruvbox"


@pytest.mark.parametrize("content", [b"{not json", b"\xff\xfe\x00", b'["nord"]', b'{"theme": 7}'])
def test_a_damaged_settings_json_is_ignored(config_dir: Path, content: bytes) -> None:
    config_dir.mkdir()
    (config_dir / "settings.json").write_bytes(content)
    assert saved_theme() is None
    assert load_config({}).theme_source == "default"
