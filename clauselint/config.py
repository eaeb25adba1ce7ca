"""Settings from `.clauselint.toml`, `[tool.clauselint]` in pyproject.toml or `[clauselint]` in setup.cfg.

Found by walking up from the working directory, like ruff and yamllint; command-line flags win over
the file, and the file wins over the defaults. Unknown keys are errors that name the file.
"""

from __future__ import annotations

import configparser
import dataclasses
import json
import re
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clauselint.documents.reader import ReadLimits
from clauselint.findings import Severity
from clauselint.policy import FAIL_ON_CHOICES
from clauselint.reporters import FORMAT_ALIASES, FORMATS

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib

CONFIG_FILES = (".clauselint.toml", "pyproject.toml", "setup.cfg")
DEFAULT_PACKS = ("sfp-4.1",)
PARTY_ROLES = ("provider", "customer", "offering")
STATUSES_WITH_SEVERITY = ("partial", "missing", "conflict")
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmg]i?b?|b)?\s*$", re.IGNORECASE)
_SIZE_UNITS = {"b": 1, "k": 1024, "m": 1024**2, "g": 1024**3}


class ConfigError(Exception):
    """A configuration file or value is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class Settings:
    """Everything a lint run can be configured with; the defaults are what runs without a config file."""

    packs: tuple[str, ...] = DEFAULT_PACKS
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    # rule (or pack/rule) -> severity for all its non-present findings, or {status: severity}
    severity: Mapping[str, Mapping[str, Severity]] = field(default_factory=dict)
    fail_on: str = "partial"
    libraries: tuple[str, ...] = ()
    parties: Mapping[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = ()
    waivers: str | None = None
    format: str = "text"
    jobs: int | None = None  # None: the machine's cores
    timeout: float | None = None  # seconds per file in a batch; None: the default, 0: no limit
    limits: ReadLimits = ReadLimits()
    model: str | None = None
    source: str | None = None  # the file these settings were read from, if any
    base: str = "."  # the folder relative paths in the file are resolved against
    configured: frozenset[str] = frozenset()  # the keys the file set (the rest are defaults)

    def with_overrides(self, **values: Any) -> Settings:
        """Command-line values win; None means "not given"."""
        given = {key: value for key, value in values.items() if value is not None}
        return dataclasses.replace(self, **given)


def discover(start: str | Path = ".") -> Path | None:
    """The nearest config file walking up from `start`: .clauselint.toml, then pyproject.toml, then setup.cfg."""
    folder = Path(start).resolve()
    for directory in (folder, *folder.parents):
        for name in CONFIG_FILES:
            candidate = directory / name
            if candidate.is_file() and _has_section(candidate):
                return candidate
    return None


def load_settings(path: str | Path | None = None, *, start: str | Path = ".", isolated: bool = False) -> Settings:
    """Settings from `path`, or from the discovered file, or the defaults (`isolated` skips discovery)."""
    if path is None and not isolated:
        path = discover(start)
    if path is None:
        return Settings()
    path = Path(path)
    table = read_table(path)
    return settings_from_table(table, source=str(path), base=str(path.resolve().parent))


def read_table(path: Path) -> dict[str, Any]:
    """The clauselint table of a config file, with keys in kebab-case."""
    if not path.is_file():
        raise ConfigError(f"{path}: no such config file")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error})") from None
    if path.name == "setup.cfg" or path.suffix == ".cfg" or path.suffix == ".ini":
        return _ini_table(path, text)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: not valid TOML ({error})") from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("clauselint", {})
    elif "clauselint" in data and isinstance(data["clauselint"], dict) and len(data) == 1:
        data = data["clauselint"]  # a .clauselint.toml may also put everything under [clauselint]
    return _kebab(data)


def _has_section(path: Path) -> bool:
    if path.name == ".clauselint.toml":
        return True
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    header = r"^\s*\[\s*tool\.clauselint\s*[\].]" if path.name == "pyproject.toml" else r"^\s*\[\s*clauselint\s*[\].]"
    return re.search(header, text, re.MULTILINE) is not None


def _ini_table(path: Path, text: str) -> dict[str, Any]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keep rule ids as written
    try:
        parser.read_string(text, source=str(path))
    except configparser.Error as error:
        raise ConfigError(f"{path}: not a valid INI file ({error.message})") from None
    table: dict[str, Any] = {}
    if parser.has_section("clauselint"):
        table.update(parser.items("clauselint"))
    for sub in ("severity", "parties"):
        if parser.has_section(f"clauselint.{sub}"):
            table[sub] = dict(parser.items(f"clauselint.{sub}"))
    for key, value in list(table.items()):
        if isinstance(value, str) and _kebab_key(key) in _LIST_KEYS:
            table[key] = [item for item in re.split(r"[,\n]", value) if item.strip()]
    return _kebab(table)


def _kebab(data: Mapping[str, Any]) -> dict[str, Any]:
    return {_kebab_key(key): value for key, value in data.items()}


def _kebab_key(key: str) -> str:
    return key.strip().replace("_", "-")


def settings_from_table(table: Mapping[str, Any], *, source: str = "<config>", base: str = ".") -> Settings:
    """Validate a config table and turn it into Settings; unknown keys and bad values name `source`."""
    unknown = sorted(set(table) - set(_PARSERS))
    if unknown:
        raise ConfigError(f"{source}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_PARSERS))}")
    values: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    for key, raw in table.items():
        try:
            value = _PARSERS[key](raw)
        except (TypeError, ValueError) as error:
            raise ConfigError(f"{source}: {key}: {error}") from None
        if key in _LIMIT_FIELDS:
            limits[_LIMIT_FIELDS[key]] = value
        else:
            values[key.replace("-", "_")] = value
    if "libraries" in values:
        values["libraries"] = tuple(str((Path(base) / p).resolve()) if not Path(p).is_absolute() else p for p in values["libraries"])
    if "waivers" in values and not Path(values["waivers"]).is_absolute():
        values["waivers"] = str(Path(base) / values["waivers"])
    if limits:
        values["limits"] = dataclasses.replace(ReadLimits(), **limits)
    return Settings(**values, source=source, base=base, configured=frozenset(table))


# ------------------------------------------------------------------------------------------ values

def _strings(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise TypeError("expected a list of strings")
    return tuple(item.strip() for item in value if item.strip())


def rule_list(value: Any) -> tuple[str, ...]:
    """`select`/`ignore`: a list, or one comma-separated string (as on the command line)."""
    items = _strings(value)
    return tuple(part.strip() for item in items for part in item.split(",") if part.strip())


def _choice(choices: tuple[str, ...], aliases: Mapping[str, str] | None = None) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError(f"expected one of {', '.join(choices)}")
        name = (aliases or {}).get(value.strip().lower(), value.strip().lower())
        if name not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return name
    return parse


def parse_severity(value: Any) -> Severity:
    names = [s.value for s in Severity]
    if not isinstance(value, str) or value.strip().lower() not in names:
        raise ValueError(f"{value!r} is not a severity ({', '.join(names)})")
    return Severity(value.strip().lower())


def _severities(value: Any) -> dict[str, dict[str, Severity]]:
    if not isinstance(value, Mapping):
        raise TypeError('expected a table of rule = "info" | "warning" | "error"')
    out: dict[str, dict[str, Severity]] = {}
    for rule, level in value.items():
        if isinstance(level, Mapping):
            bad = sorted(set(level) - set(STATUSES_WITH_SEVERITY))
            if bad:
                raise ValueError(f"{rule}: unknown status(es) {', '.join(bad)}; use {', '.join(STATUSES_WITH_SEVERITY)}")
            out[str(rule)] = {status: parse_severity(v) for status, v in level.items()}
        else:
            severity = parse_severity(level)
            out[str(rule)] = {status: severity for status in STATUSES_WITH_SEVERITY}
    return out


def _parties(value: Any) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise TypeError("expected a table with provider, customer and/or offering")
    bad = sorted(set(value) - set(PARTY_ROLES))
    if bad:
        raise ValueError(f"unknown role(s) {', '.join(bad)}; use {', '.join(PARTY_ROLES)}")
    if not all(isinstance(v, str) and v.strip() for v in value.values()):
        raise TypeError("party names must be non-empty strings")
    return {role: " ".join(str(name).split()) for role, name in value.items()}


def _text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise TypeError("expected a non-empty string")
    return value.strip()


def _positive_int(value: Any) -> int:
    number = int(value) if isinstance(value, str) and value.strip().isdigit() else value
    if not isinstance(number, int) or isinstance(number, bool) or number < 1:
        raise ValueError(f"{value!r} is not a whole number of at least 1")
    return number


def parse_seconds(value: Any) -> float:
    """A time limit in seconds; 0 means no limit."""
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number of seconds") from None
    if seconds < 0 or seconds != seconds:
        raise ValueError(f"{value!r} is not a number of seconds (0 = no limit)")
    return seconds


def parse_size(value: Any) -> int:
    """A size like `50MB`, `512K` or `1.5G`; a bare number means megabytes."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    match = _SIZE.match(value) if isinstance(value, str) else None
    if not match:
        raise ValueError(f"{value!r} is not a size (e.g. 50MB, 512KB, 2GB)")
    unit = (match.group(2) or "m").lower()[0]
    size = int(float(match.group(1)) * _SIZE_UNITS[unit])
    if size < 1:
        raise ValueError(f"{value!r} must be more than 0")
    return size


def format_size(size: int) -> str:
    """The inverse of parse_size: `100MB`, `512KB`, `1000B`."""
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size}B"


_LIST_KEYS = {"packs", "select", "ignore", "libraries", "exclude"}
_LIMIT_FIELDS = {"max-file-size": "max_bytes", "max-pages": "max_pages", "max-uncompressed": "max_uncompressed", "ocr": "ocr"}
OCR_MODES = ("auto", "always", "never")  # clauselint.documents.ocr.MODES, without importing the OCR code
_PARSERS: dict[str, Callable[[Any], Any]] = {
    "packs": _strings,
    "select": rule_list,
    "ignore": rule_list,
    "severity": _severities,
    "fail-on": _choice(FAIL_ON_CHOICES),
    "libraries": _strings,
    "parties": _parties,
    "exclude": _strings,
    "waivers": _text,
    "format": _choice(FORMATS, FORMAT_ALIASES),
    "jobs": _positive_int,
    "timeout": parse_seconds,
    "max-file-size": parse_size,
    "max-pages": _positive_int,
    "max-uncompressed": parse_size,
    "model": _text,
    "ocr": _choice(OCR_MODES),
}


def parse_option(key: str, raw: Any) -> Any:
    """A command-line value checked like the config key of the same name (`fail-on`, `max-pages` ...)."""
    try:
        return _PARSERS[key](raw)
    except (TypeError, ValueError) as error:
        raise ConfigError(f"--{key}: {error}") from None


def settings_table(settings: Settings) -> dict[str, Any]:
    """The effective settings as a config table (what `clauselint config` prints)."""
    return {
        "packs": list(settings.packs),
        "select": list(settings.select),
        "ignore": list(settings.ignore),
        "fail-on": settings.fail_on,
        "format": settings.format,
        "jobs": settings.jobs,
        "timeout": settings.timeout,
        "max-file-size": format_size(settings.limits.max_bytes),
        "max-pages": settings.limits.max_pages,
        "max-uncompressed": format_size(settings.limits.max_uncompressed),
        "ocr": settings.limits.ocr,
        "libraries": list(settings.libraries),
        "exclude": list(settings.exclude),
        "waivers": settings.waivers,
        "model": settings.model,
        "severity": {rule: {status: level.value for status, level in levels.items()} for rule, levels in settings.severity.items()},
        "parties": dict(settings.parties),
    }


def format_settings(settings: Settings) -> str:
    """The effective settings as a `.clauselint.toml` a user could copy; defaults are marked."""
    lines = [f"# clauselint settings from {settings.source}" if settings.source else "# clauselint settings: no config file found, defaults"]
    tables = []
    for key, value in settings_table(settings).items():
        note = "" if key in settings.configured else "  # default"
        if isinstance(value, dict):
            tables.append((key, value, note))
        elif value is None:
            lines.append(f"# {key} is not set{_UNSET.get(key, '')}")
        else:
            lines.append(f"{key} = {_toml_value(value)}{note}")
    for key, value, note in tables:
        lines.append("")
        lines.append(f"[{key}]{note}")
        for name, item in value.items():
            lines.append(f"{_toml_key(name)} = {_toml_value(item)}")
    return "\n".join(lines) + "\n"


_UNSET = {"jobs": " (the machine's cores)", "timeout": " (300 s per file in a batch; 0 = no limit)",
          "waivers": " (.clauselint-waivers.toml, found walking up)", "model": " (the built-in blank pipeline)"}


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)
