"""The secret key of the hash chain, kept outside the database.

Each event's hash, and each policy version's, is an HMAC-SHA256 under this key
(projection.event_hash, projection.policy_version_hash), so someone who can edit the database
but does not hold the key cannot make an edited history verify again.

A key is 32 random bytes, written as 64 hexadecimal digits and a line feed in a file of its own,
readable by its owner only. `init` makes one for each new database, in the user's configuration
folder (`$XDG_CONFIG_HOME/complaintctl/keys/ID.key`, in a folder only its owner may enter), or
uses the file COMPLAINTCTL_KEY_FILE names: the key already in it, so a team shares one, or a new
key written there. The database keeps only the key's id (`meta` `chain_key_id`: the first 16
hexadecimal digits of the key's SHA-256), to find the key by and to refuse any other.

A database recorded before keys (the first release's) has no id: the first command that records
an event gives it a key, as `init` would, and notes where the keyed part of its chain begins
(`meta` `chain_keyed_after`: the hash of the last event recorded without a key; empty when
every event is keyed).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from complaintctl.errors import StorageError
from complaintctl.storage.locations import KEY_FILE_VARIABLE, config_folder, default_key_file, given_key_file, keys_folder

# The `meta` keys: the id of the database's key, and the hash the keyed part of its chain follows.
KEY_ID = "chain_key_id"
KEYED_AFTER = "chain_keyed_after"

KEY_BYTES = 32


@dataclass(frozen=True)
class ChainKey:
    secret: bytes
    id: str
    path: Path


def key_id(secret: bytes) -> str:
    """The id a database records for its key: it names the key without giving it away."""
    return hashlib.sha256(secret).hexdigest()[:16]


def read_key(path: Path) -> ChainKey:
    try:
        text = path.read_text(encoding="ascii").strip()
        secret = bytes.fromhex(text)
    except OSError as problem:
        raise StorageError(f"cannot read the chain key {path} ({problem.strerror}); check the file and its permissions") from None
    except (ValueError, UnicodeDecodeError):
        secret = b""
    if len(secret) != KEY_BYTES:
        raise StorageError(f"{path} is not a complaintctl chain key ({KEY_BYTES * 2} hexadecimal digits); check {KEY_FILE_VARIABLE}")
    return ChainKey(secret, key_id(secret), path)


def find_key(wanted: str) -> ChainKey:
    """The key with id `wanted`: the one COMPLAINTCTL_KEY_FILE names when it is set, else the one
    `init` kept under that id. Refuses, saying what to do, when it is missing or another key."""
    given = given_key_file()
    path = given or default_key_file(wanted)
    if not path.exists():
        if given:
            raise StorageError(
                f"no chain key at {path} ({KEY_FILE_VARIABLE}); point {KEY_FILE_VARIABLE} at this database's key file (key id {wanted})"
            )
        raise StorageError(
            f"this database's chain key (id {wanted}) is not at {path}; copy the key file there from the officer who has it "
            f"(`complaintctl init` made it, or the first step recorded after the upgrade to keys), or set {KEY_FILE_VARIABLE} to it"
        )
    found = read_key(path)
    if found.id != wanted:
        raise StorageError(
            f"the chain key at {path} (id {found.id}) is not this database's (id {wanted}); "
            f"set {KEY_FILE_VARIABLE} to this database's key file"
        )
    return found


def make_key() -> ChainKey:
    """The key for a new database, or for one recorded before keys: COMPLAINTCTL_KEY_FILE's when
    that file exists; otherwise a new one, written 0600 where COMPLAINTCTL_KEY_FILE says or in
    the user's keys folder. An existing file is never written over."""
    given = given_key_file()
    if given is not None and given.exists():
        return read_key(given)
    secret = os.urandom(KEY_BYTES)  # the operating system's CSPRNG, as `secrets` uses
    path = given or default_key_file(key_id(secret))
    try:
        if given is None:
            config_folder().parent.mkdir(parents=True, exist_ok=True)
            for folder in (config_folder(), keys_folder()):
                folder.mkdir(mode=0o700, exist_ok=True)
        else:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            os.write(descriptor, f"{secret.hex()}\n".encode("ascii"))
            os.fsync(descriptor)
        except OSError:
            path.unlink(missing_ok=True)  # never leave half a key
            raise
        finally:
            os.close(descriptor)
    except OSError as problem:
        raise StorageError(f"cannot write the chain key {path} ({problem.strerror}); check the folder is writable, or set {KEY_FILE_VARIABLE}") from None
    return ChainKey(secret, key_id(secret), path)


class Keyring:
    """The keys one store has found, by id: a session reads each key file once."""

    def __init__(self) -> None:
        self.found: dict[str, bytes] = {}

    def secret(self, wanted: str) -> bytes:
        if wanted not in self.found:
            self.found[wanted] = find_key(wanted).secret
        return self.found[wanted]
