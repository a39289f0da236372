"""API keys: roles, the keys file (SHA-256 digests only) and constant-time lookup.

A key is ``hsk_`` + ``secrets.token_urlsafe(32)`` (256 random bits). It is shown once, by
``hubsense keys add``; the file keeps only its SHA-256 digest. Because the keys are long
random strings, not passwords chosen by people, an unsalted fast hash is adequate: there is
no dictionary to try and 2**256 candidates cannot be searched, so salting or a slow KDF
would add nothing but latency to every request.

The file (setting ``api_keys_file``) is TOML::

    [[key]]
    name = "wall-display-sveg"
    role = "viewer"                 # viewer < planner < admin
    sha256 = "9f86d081884c7d65..."  # 64 lower-case hex digits
    created = 2026-11-25T10:00:00Z

    [[key]]
    name = "berg-facility"
    role = "viewer"
    municipalities = ["berg"]       # or hubs = ["svenstavik"]; neither: the whole region
    sha256 = "..."
    created = 2026-12-02T10:00:00Z

A key without ``municipalities`` or ``hubs`` sees the whole region (so files written
before scopes existed mean what they meant). It holds no secret, yet whoever can write it
can grant themselves admin: keep it owned by the service account, mode 0600, and out of
the repository.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import tempfile
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import IntEnum
from pathlib import Path

from hubsense.access import REGION, AccessScope
from hubsense.config import ConfigError, Settings

log = logging.getLogger(__name__)

KEY_PREFIX = "hsk_"
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_FIELDS = {"name", "role", "sha256", "created"}
_SCOPE_FIELDS = ("municipalities", "hubs")  # optional; at most one of them


class Role(IntEnum):
    """What a key may do; a higher role may do everything a lower one may."""

    VIEWER = 1  # live dashboards, registry, aggregates
    PLANNER = 2  # + reports, exports and desk-level history (personal data)
    ADMIN = 3  # + diagnostics with raw device data, registry changes

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Role:
        for role in cls:
            if str(role) == text:
                return role
        raise ValueError(f"role {text!r} is not one of {', '.join(str(r) for r in cls)}")


ROLE_NAMES = tuple(str(r) for r in Role)


class KeyFileError(ConfigError):
    """The keys file is missing, unreadable or invalid; the message says where."""


@dataclass(frozen=True, slots=True)
class KeyEntry:
    name: str
    role: Role
    sha256: str  # hex digest of the key
    created: datetime
    scope: AccessScope = REGION

    @property
    def digest(self) -> bytes:
        return bytes.fromhex(self.sha256)


def new_key() -> str:
    """A fresh random API key (256 bits from the OS CSPRNG)."""
    return KEY_PREFIX + secrets.token_urlsafe(32)


def key_digest(key: str) -> bytes:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).digest()


class KeyRing:
    """A validated set of key entries; ``lookup`` finds the one a presented key belongs to."""

    def __init__(self, entries: Iterable[KeyEntry] = ()) -> None:
        self.entries: tuple[KeyEntry, ...] = tuple(entries)
        self._digests = [(e, e.digest) for e in self.entries]

    def __len__(self) -> int:
        return len(self.entries)

    def ring(self) -> KeyRing:
        """Itself (so a fixed ring and a ``KeyFile`` are used the same way)."""
        return self

    def lookup(self, key: str) -> KeyEntry | None:
        """The entry whose digest equals the presented key's, or None.

        The presented key is hashed and compared with *every* entry's digest by
        ``hmac.compare_digest``, with no early exit: the time taken does not depend on which
        entry matched, nor on how much of a digest matched.
        """
        presented = key_digest(key)
        found: KeyEntry | None = None
        for entry, digest in self._digests:
            if hmac.compare_digest(presented, digest):
                found = entry
        return found

    def get(self, name: str, sha256: str) -> KeyEntry | None:
        """The entry of that name if it still has that digest (sessions use it: a revoked or
        replaced key ends the sessions opened with it)."""
        for entry in self.entries:
            if entry.name == name and hmac.compare_digest(entry.sha256, sha256):
                return entry
        return None


# --- the file ---------------------------------------------------------------------------


def parse_keys(text: str, source: str = "keys file") -> list[KeyEntry]:
    """Entries of a keys file's text; KeyFileError naming the place of the first problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise KeyFileError(f"{source}: not valid TOML: {exc}") from None
    unknown = set(data) - {"key"}
    if unknown:
        raise KeyFileError(
            f"{source}: unknown top-level entries {sorted(unknown)} (only [[key]] tables)"
        )
    raw = data.get("key", [])
    if not isinstance(raw, list):
        raise KeyFileError(f"{source}: 'key' must be an array of tables ([[key]])")
    entries: list[KeyEntry] = []
    names: set[str] = set()
    digests: set[str] = set()
    for index, item in enumerate(raw):
        where = f"{source}: key[{index}]"
        if not isinstance(item, dict):
            raise KeyFileError(f"{where}: must be a table")
        if isinstance(item.get("name"), str):
            where += f" ({item['name']!r})"
        missing = _FIELDS - set(item)
        if missing:
            raise KeyFileError(f"{where}: missing {', '.join(sorted(missing))}")
        extra = set(item) - _FIELDS - set(_SCOPE_FIELDS)
        if extra:
            raise KeyFileError(f"{where}: unknown fields {', '.join(sorted(extra))}")
        name, role, sha, created = item["name"], item["role"], item["sha256"], item["created"]
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise KeyFileError(f"{where}: bad name {name!r}: {NAME_RULE}")
        if name in names:
            raise KeyFileError(f"{where}: duplicate name {name!r}")
        try:
            parsed_role = Role.parse(role if isinstance(role, str) else repr(role))
        except ValueError as exc:
            raise KeyFileError(f"{where}: {exc}") from None
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            raise KeyFileError(
                f"{where}: malformed sha256 {str(sha)[:80]!r}: must be 64 lower-case hex "
                "digits (the file stores digests, never keys; use `hubsense keys add`)"
            )
        if sha in digests:
            raise KeyFileError(f"{where}: the same key digest is listed twice")
        if not isinstance(created, datetime) or created.tzinfo is None:
            raise KeyFileError(
                f"{where}: created must be a TOML date-time with offset, e.g. 2026-11-25T10:00:00Z"
            )
        scope = _scope_of(item, where)
        names.add(name)
        digests.add(sha)
        entries.append(
            KeyEntry(name=name, role=parsed_role, sha256=sha, created=created, scope=scope)
        )
    return entries


def _scope_of(item: dict[str, object], where: str) -> AccessScope:
    lists: dict[str, list[str]] = {}
    for field in _SCOPE_FIELDS:
        if field not in item:
            continue
        value = item[field]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise KeyFileError(f"{where}: {field} must be a non-empty list of registry ids")
        lists[field] = value
    try:
        return AccessScope.of(lists.get("municipalities", ()), lists.get("hubs", ()))
    except ValueError as exc:
        raise KeyFileError(f"{where}: {exc}") from None


NAME_RULE = "1-64 characters of A-Z a-z 0-9 . _ @ -, starting with a letter or digit"


def load_keys(path: Path) -> list[KeyEntry]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KeyFileError(
            f"API keys file {path}: no such file (create it with "
            f"`hubsense keys add NAME --role admin --file {path}`)"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KeyFileError(f"API keys file {path}: cannot read: {exc}") from None
    return parse_keys(text, str(path))


def format_keys(entries: Sequence[KeyEntry]) -> str:
    lines = [
        "# hubsense API keys: SHA-256 digests only; each key was shown once, when added.",
        "# Manage with `hubsense keys add|list|revoke`. Keep this file mode 0600.",
    ]
    for e in entries:
        created = e.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        lines += [
            "",
            "[[key]]",
            f'name = "{e.name}"',  # names are restricted to characters needing no escape
            f'role = "{e.role}"',
            *_format_scope(e.scope),
            f'sha256 = "{e.sha256}"',
            f"created = {created}",
        ]
    return "\n".join(lines) + "\n"


def _format_scope(scope: AccessScope) -> list[str]:
    if scope.is_region:
        return []
    ids = ", ".join(f'"{i}"' for i in scope.ids)  # registry ids need no escape
    return [f"{scope.kind} = [{ids}]"]


def save_keys(path: Path, entries: Sequence[KeyEntry]) -> None:
    """Replace the file atomically (write a temporary file, then rename), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(format_keys(entries))
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def add_key(
    path: Path,
    name: str,
    role: Role | str,
    now: datetime | None = None,
    scope: AccessScope = REGION,
) -> str:
    """Add a new key named ``name`` with this role and scope to the file (created if
    missing); returns the key, which is stored nowhere."""
    if not _NAME.fullmatch(name):
        raise KeyFileError(f"bad key name {name!r}: {NAME_RULE}")
    try:
        parsed = role if isinstance(role, Role) else Role.parse(role)
    except ValueError as exc:
        raise KeyFileError(str(exc)) from None
    entries = load_keys(path) if path.exists() else []
    if any(e.name == name for e in entries):
        raise KeyFileError(f"{path}: a key named {name!r} exists; revoke it first or pick another")
    key = new_key()
    entries.append(
        KeyEntry(
            name=name,
            role=parsed,
            sha256=key_digest(key).hex(),
            created=(now or datetime.now(UTC)).replace(microsecond=0),
            scope=scope,
        )
    )
    save_keys(path, entries)
    return key


def revoke_key(path: Path, name: str) -> KeyEntry:
    """Remove the key named ``name``; a running API notices on its next request."""
    entries = load_keys(path)
    kept = [e for e in entries if e.name != name]
    if len(kept) == len(entries):
        known = ", ".join(e.name for e in entries) or "none"
        raise KeyFileError(f"{path}: no key named {name!r} (keys: {known})")
    save_keys(path, kept)
    return next(e for e in entries if e.name == name)


class KeyFile:
    """The keys file as the API uses it: loaded strictly at start, then re-read whenever it
    changes on disk (so ``hubsense keys revoke`` takes effect without a restart).

    A later read that fails (file removed, edited into something invalid) fails closed: no
    key is accepted until the file is valid again, and the error is logged.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp = self._stat()
        self._ring = KeyRing(load_keys(path))

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    def ring(self) -> KeyRing:
        stamp = self._stat()
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._ring = KeyRing(load_keys(self.path))
                log.info("API keys reloaded from %s: %d keys", self.path, len(self._ring))
            except KeyFileError as exc:
                log.error("%s; accepting no API key until it is fixed", exc)
                self._ring = KeyRing()
        return self._ring


NO_KEYS_HELP = (
    "authentication is on (auth_enabled) but {problem}. Create an admin key with\n"
    "  hubsense keys add admin --role admin --file /etc/hubsense/api-keys.toml\n"
    "and set HUBSENSE_API_KEYS_FILE=/etc/hubsense/api-keys.toml (or api_keys_file in the "
    "config file). To try hubsense locally use `hubsense demo` (auth off); "
    "HUBSENSE_AUTH_ENABLED=false turns authentication off (trusted networks only)."
)


def key_file_for(settings: Settings) -> KeyFile:
    """The configured keys file, loaded; ConfigError telling how to create one if none is
    configured or it holds no key."""
    if settings.api_keys_file is None:
        raise ConfigError(NO_KEYS_HELP.format(problem="no API keys file is configured"))
    keys = KeyFile(settings.api_keys_file)
    if not len(keys.ring()):
        raise ConfigError(
            NO_KEYS_HELP.format(problem=f"the API keys file {settings.api_keys_file} has no key")
        )
    return keys
