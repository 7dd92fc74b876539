"""JSON text from an encoder built once, for code that encodes many small values in a row.

`json.dumps(value)`, and `JSONEncoder.encode` too, build the C encoder again on every call: for
an event's details or a case of an export, building it costs more than the encoding. The encoder
here is built once and gives the same text as `json.JSONEncoder(ensure_ascii=False, ...)`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from json import encoder as json_encoders
from typing import Any


def json_encoder(
    item_separator: str = ", ", key_separator: str = ": ", sort_keys: bool = False, default: Callable[[Any], Any] | None = None
) -> Callable[[Any], str]:
    """The `encode` of `json.JSONEncoder(ensure_ascii=False, check_circular=False, ...)` with
    these separators: for values that never hold a container twice (JSON read back, or made
    afresh), so the check for circular references is spared."""
    default = default or json.JSONEncoder().default
    make = json_encoders.c_make_encoder
    if make is None:  # a Python without the C accelerator
        return json.JSONEncoder(
            ensure_ascii=False, check_circular=False, sort_keys=sort_keys, separators=(item_separator, key_separator), default=default
        ).encode
    encode = make(None, default, json_encoders.encode_basestring, None, key_separator, item_separator, sort_keys, False, True)
    join = "".join

    def encoded(value: Any) -> str:
        return join(encode(value, 0))

    return encoded
