#!/usr/bin/env python3
"""Checks an everyvoice decision record without trusting the server (PROTOCOL.md, section 7.9).

    python3 verify_record.py minutes.json

minutes.json: GET /api/meetings/CODE/minutes?format=json, or any JSON object with a "decisions"
list (protocol/examples/decision-record/vectors.json). Recomputes each entry's SHA-256 from its
fields and checks that it follows the entry before it. Prints one line per decision; exit status
0 when all check out, 1 at the first entry that does not (or an unreadable file). Standard
library only.
"""
import hashlib
import json
import sys

GENESIS = "0" * 64  # the prev_hash of the first decision


def field(value):
    """One field: its length in UTF-8 bytes, a colon, the bytes, a newline."""
    data = value.encode("utf-8")
    return str(len(data)).encode("ascii") + b":" + data + b"\n"


def number(value):
    if type(value) is not int:  # bool is not an int here, nor is 1.0
        raise TypeError(f"{value!r} is not a whole number")
    return field(str(value))


def text(value):
    if not isinstance(value, str):
        raise TypeError(f"{value!r} is not a string")
    return field(value)


def texts(values):
    """A list: its length as a number, then each item."""
    if not isinstance(values, list):
        raise TypeError(f"{values!r} is not a list")
    return number(len(values)) + b"".join(text(v) for v in values)


def digest_input(d):
    """The exact bytes hashed for one decision, in this order."""
    return b"".join([
        number(d["id"]), text(d["title"]), text(d["text"]), text(d["method"]),
        number(d["present_count"]), texts(d["present_names"]), text(d["result"]),
        texts(d["dissent"]), number(d["at"]), text(d["review_date"]),
        number(d["agenda_item"]), text(d["prev_hash"]),
    ])


def main(path):
    sys.stdout.reconfigure(encoding="utf-8", errors="backslashreplace")  # names may be in any script
    try:
        with open(path, encoding="utf-8") as f:
            decisions = json.load(f)["decisions"]
    except (OSError, ValueError, KeyError, TypeError) as e:
        print(f"{path}: not a minutes file with a decision record ({e!r})")
        return 1
    prev = GENESIS
    for i, d in enumerate(decisions, 1):
        name = f"decision {i} (id {d.get('id')}, {d.get('title')!r})" if isinstance(d, dict) else f"decision {i}"
        try:
            computed = hashlib.sha256(digest_input(d)).hexdigest()
        except (KeyError, TypeError, ValueError) as e:
            print(f"{name}: FAILS: a field is missing or not what it should be ({e!r})")
            return 1
        if d["prev_hash"] != prev:
            print(f"{name}: FAILS: the chain is broken here: its prev_hash is not the hash of the entry "
                  f"before it (an entry was removed, inserted, reordered or rehashed)")
            return 1
        if d.get("hash") != computed:
            print(f"{name}: FAILS: its fields do not give its hash (the entry was changed)\n"
                  f"  recorded {d.get('hash')}\n  computed {computed}")
            return 1
        print(f"{name}: OK {computed}")
        prev = computed
    print(f"All {len(decisions)} decisions check out: the record has not been changed "
          f"(the chain cannot show entries removed from its end).")
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: verify_record.py MINUTES.json")
    sys.exit(main(sys.argv[1]))
