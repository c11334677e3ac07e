#!/usr/bin/python3
"""Checks protocol/schema against the codec, the examples and the codec's own output.

    /usr/bin/python3 tests/codec/check_schemas.py --protocol protocol --dump build/tests/codec_dump

1. Every file in schema/ is a valid JSON Schema (draft 2020-12) with an $id; every $ref resolves
   (references are resolved through a store of all the files, keyed by their $id).
2. Every client message type the codec knows (parsed from the builders table in
   server/codec/client_message.cpp) has a schema client.<type>.json and vice versa; every server
   message type (server/codec/server_message.cpp) has server.<type>.json and vice versa; the error
   code enum in defs.json is exactly the codes the sources can send.
3. Every example in examples/client and examples/server validates against the schema of its
   "type"; each message type has at least one example.
4. Every file in examples/client-invalid is named <error_code>--<what>.json with a decoding error
   code, and is refused by the schemas too (not JSON as the codec reads it, not an object, an unknown
   type, or invalid against its type's schema).
5. The dump program's output: every line is one server message, valid against server.<type>;
   together the lines use every server type, every event kind and every error code.

Uses Debian's python3-jsonschema (4.10: RefResolver, no `referencing`). Exits 1 on any failure.
"""

import argparse
import decimal
import json
import pathlib
import re
import subprocess
import sys
import urllib.parse

import jsonschema
from jsonschema import Draft202012Validator, RefResolver
from jsonschema.exceptions import best_match

DECODE_CODES = ["bad_json", "not_an_object", "too_deep", "missing_field", "wrong_type", "bad_value", "too_long",
                "unknown_type", "unknown_field"]
DRAFT = "https://json-schema.org/draft/2020-12/schema"

failures = []


def fail(message):
    failures.append(message)


class NotCodecJson(ValueError):
    pass


def strict_load(data):
    """JSON as the codec (nlohmann/json) reads it: UTF-8, no NaN/Infinity, no lone surrogates, and
    numbers with a fraction or exponent kept apart from whole numbers."""
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
    except UnicodeDecodeError as e:
        raise NotCodecJson(f"not UTF-8: {e}") from e

    def no_constant(name):
        raise NotCodecJson(f"{name} is not JSON")

    try:
        # Numbers written with a fraction or an exponent ("1.0", "9e1") are never whole numbers to
        # the codec (wrong_type), but JSON Schema counts 1.0 as an integer. Reading them as Decimal
        # (a number, not an int or float) makes "type": "integer" refuse them as the codec does.
        value = json.loads(text, parse_constant=no_constant, parse_float=decimal.Decimal)
    except json.JSONDecodeError as e:
        raise NotCodecJson(str(e)) from e

    def walk(v):
        if isinstance(v, str):
            try:
                v.encode("utf-8")
            except UnicodeEncodeError as e:
                raise NotCodecJson("a string holds a lone surrogate") from e
        elif isinstance(v, list):
            for item in v:
                walk(item)
        elif isinstance(v, dict):
            for k, item in v.items():
                walk(k)
                walk(item)

    walk(value)
    return value


def refs_in(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                yield v
            else:
                yield from refs_in(v)
    elif isinstance(node, list):
        for v in node:
            yield from refs_in(v)


def load_schemas(schema_dir):
    files = sorted(schema_dir.glob("*.json"))
    if not files:
        fail(f"no schemas in {schema_dir}")
        return {}, {}
    by_name, store = {}, {}
    for path in files:
        try:
            schema = strict_load(path.read_bytes())
        except NotCodecJson as e:
            fail(f"{path}: not JSON: {e}")
            continue
        if schema.get("$schema") != DRAFT:
            fail(f"{path}: $schema must be {DRAFT}")
        try:
            Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as e:
            fail(f"{path}: not a valid draft 2020-12 schema: {e.message}")
            continue
        schema_id = schema.get("$id")
        if not isinstance(schema_id, str) or not schema_id.endswith("/" + path.name):
            fail(f"{path}: $id must be an absolute URI ending in /{path.name}")
            continue
        store[schema_id] = schema
        by_name[path.stem] = schema
    validators = {}
    for name, schema in by_name.items():
        resolver = RefResolver.from_schema(schema, store=store)
        for ref in sorted(set(refs_in(schema))):
            try:
                resolver.resolve(urllib.parse.urljoin(schema["$id"], ref))
            except Exception as e:  # noqa: BLE001 - any resolution failure is reported the same way
                fail(f"schema {name}: $ref {ref} does not resolve: {e}")
        validators[name] = Draft202012Validator(schema, resolver=resolver)
    return by_name, validators


def first_error(validator, instance):
    try:
        error = best_match(validator.iter_errors(instance))
    except jsonschema.RefResolutionError as e:
        return f"the schema has a broken $ref: {e}"
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path) or "(top)"
    return f"at {where}: {error.message[:300]}"


def call_arguments(source, function):
    """The argument text of every call `function(...)` in C++ source (strings and nesting respected)."""
    for match in re.finditer(r"\b" + function + r"\(", source):
        i, depth, in_string = match.end(), 1, False
        while i < len(source) and depth:
            c = source[i]
            if in_string:
                if c == "\\":
                    i += 1
                elif c == '"':
                    in_string = False
            elif c == '"':
                in_string = True
            elif c == "(":
                depth += 1
            elif c == ")":
                depth -= 1
            i += 1
        yield source[match.end():i - 1]


def parse_sources(root):
    """Message types and error codes as the C++ sources define them."""
    codec = root / "server" / "codec"
    client_src = (codec / "client_message.cpp").read_text()
    table = client_src[client_src.index("builders()"):]
    client_types = re.findall(r'\{"([a-z_]+)",\s*\[\]\s*\(\s*Fields&', table)
    server_src = (codec / "server_message.cpp").read_text()
    server_types = re.findall(r'\{"type",\s*"([a-z_]+)"\}', server_src)
    decode_codes = set(re.findall(r'fail\("([a-z_]+)"', client_src))
    errors_src = (root / "server" / "core" / "errors.cpp").read_text()
    core_codes = set(re.findall(r'case ErrorCode::[a-z_]+:\s*return\s*"([a-z_]+)"', errors_src))
    server_codes = set()
    for path in sorted((root / "server" / "net").glob("*.cpp")):
        source = path.read_text()
        # Codes may be named constants: constexpr std::string_view storage_unavailable = "storage_unavailable";
        constants = dict(re.findall(r'constexpr\s+std::string_view\s+(\w+)\s*=\s*"([a-z_]+)"\s*;', source))
        for args in [*call_arguments(source, "reply_error"), *call_arguments(source, "refuse_join")]:
            # reply_error(conn?, id, code, message): the code is the first non-empty string literal,
            # or a constant holding one.
            literals = [lit for lit in re.findall(r'"((?:[^"\\]|\\.)*)"', args) if lit]
            named = [constants[name] for name in re.findall(r"\b(\w+)\b", args) if name in constants]
            if named:
                server_codes.add(named[0])
            elif literals and re.fullmatch(r"[a-z_]+", literals[0]):
                server_codes.add(literals[0])
    return client_types, server_types, decode_codes, core_codes, server_codes


def check_sources(root, schemas):
    client_types, server_types, decode_codes, core_codes, server_codes = parse_sources(root)
    if len(client_types) < 20:
        fail(f"found only {len(client_types)} client types in server/codec/client_message.cpp: the regex needs updating")
    client_schemas = {n.split(".", 1)[1] for n in schemas if n.startswith("client.")}
    server_schemas = {n.split(".", 1)[1] for n in schemas if n.startswith("server.")}
    for t in client_types:
        if t not in client_schemas:
            fail(f"client type {t!r} (server/codec/client_message.cpp) has no schema client.{t}.json")
    for t in sorted(client_schemas - set(client_types)):
        fail(f"schema client.{t}.json names a type the codec does not decode")
    if not server_types:
        fail("found no server types in server/codec/server_message.cpp: the regex needs updating")
    for t in server_types:
        if t not in server_schemas:
            fail(f"server type {t!r} (server/codec/server_message.cpp) has no schema server.{t}.json")
    for t in sorted(server_schemas - set(server_types)):
        fail(f"schema server.{t}.json names a type the codec does not encode")
    if decode_codes != set(DECODE_CODES):
        fail(f"decoding error codes in client_message.cpp {sorted(decode_codes)} differ from {DECODE_CODES}")
    enum = set(schemas.get("defs", {}).get("$defs", {}).get("error_code", {}).get("enum", []))
    sent = decode_codes | core_codes | server_codes
    for code in sorted(sent - enum):
        fail(f"error code {code!r} is sent by the server but missing from defs.json error_code")
    for code in sorted(enum - sent):
        fail(f"error code {code!r} is in defs.json error_code but no source sends it")
    return client_types, server_types, sorted(enum)


def check_examples(examples, validators, direction, types):
    folder = examples / direction
    files = sorted(folder.glob("*.json"))
    if not files:
        fail(f"no examples in {folder}")
    seen = set()
    for path in files:
        try:
            message = strict_load(path.read_bytes())
        except NotCodecJson as e:
            fail(f"{path}: not JSON: {e}")
            continue
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            fail(f"{path}: not an object with a string type")
            continue
        name = f"{direction}.{message['type']}"
        if name not in validators:
            fail(f"{path}: no schema {name}.json")
            continue
        seen.add(message["type"])
        error = first_error(validators[name], message)
        if error:
            fail(f"{path}: invalid against {name}.json {error}")
    for t in types:
        if t not in seen:
            fail(f"no example of {direction} message {t!r} in {folder}")
    return len(files)


def check_invalid_examples(examples, validators):
    folder = examples / "client-invalid"
    files = sorted(folder.glob("*.json"))
    if not files:
        fail(f"no examples in {folder}")
    seen = set()
    for path in files:
        code = path.name.split("--", 1)[0]
        if "--" not in path.name or code not in DECODE_CODES:
            fail(f"{path}: the name must be <error_code>--<what>.json with a code from {DECODE_CODES}")
            continue
        seen.add(code)
        data = path.read_bytes()
        try:
            message = strict_load(data)
        except NotCodecJson:
            if code != "bad_json" and code != "too_deep":
                fail(f"{path}: is not JSON, but its name says {code}")
            continue
        if code == "bad_json":
            fail(f"{path}: parses as JSON, but its name says bad_json")
            continue
        if not isinstance(message, dict):
            if code != "not_an_object":
                fail(f"{path}: is not an object, but its name says {code}")
            continue
        if code == "not_an_object":
            fail(f"{path}: is an object, but its name says not_an_object")
            continue
        name = f"client.{message.get('type')}" if isinstance(message.get("type"), str) else None
        if code == "unknown_type":
            if name in validators:
                fail(f"{path}: has the known type {message['type']!r}, but its name says unknown_type")
            continue
        if name is None or name not in validators:
            continue  # no schema accepts it
        if first_error(validators[name], message) is None:
            fail(f"{path}: the codec refuses it ({code}) but {name}.json accepts it")
    for code in DECODE_CODES:
        if code not in seen:
            fail(f"no invalid example for {code} in {folder}")
    return len(files)


def check_dump(dump, validators, server_types, event_kinds, error_codes):
    try:
        run = subprocess.run([dump], capture_output=True, check=False, timeout=120)
    except OSError as e:
        fail(f"cannot run {dump}: {e}")
        return 0
    if run.returncode != 0:
        fail(f"{dump} exited with {run.returncode}: {run.stderr.decode(errors='replace')[:500]}")
    lines = run.stdout.decode("utf-8", errors="strict").splitlines()
    if not lines:
        fail(f"{dump} wrote nothing")
    types, kinds, codes = set(), set(), set()
    for n, line in enumerate(lines, 1):
        try:
            message = strict_load(line)
        except NotCodecJson as e:
            fail(f"dump line {n}: not JSON: {e}")
            continue
        t = message.get("type") if isinstance(message, dict) else None
        name = f"server.{t}"
        if name not in validators:
            fail(f"dump line {n}: no schema for type {t!r}")
            continue
        types.add(t)
        if t == "update":
            kinds.update(e.get("kind") for e in message.get("events", []) if isinstance(e, dict))
        if t == "error":
            codes.add(message.get("code"))
        error = first_error(validators[name], message)
        if error:
            fail(f"dump line {n} ({t}): invalid against {name}.json {error}\n    {line[:400]}")
    for t in server_types:
        if t not in types:
            fail(f"the dump has no {t!r} message")
    for k in event_kinds:
        if k not in kinds:
            fail(f"the dump has no update with a {k!r} event")
    for c in error_codes:
        if c not in codes:
            fail(f"the dump has no error with code {c!r}")
    return len(lines)


def check_client_error_words(root, error_codes):
    """Every error code the server sends has plain words in the web client (client-web/js/errors.js):
    people never read the server's own message, which is written for client authors."""
    text = (root / "client-web" / "js" / "errors.js").read_text(encoding="utf-8")
    worded = set(re.findall(r"^\s+([a-z_]+):", text, re.M)) | set(re.findall(r"'([a-z_]+)'", text))
    for code in sorted(error_codes):
        if code not in worded:
            fail(f"error code {code!r} has no words in client-web/js/errors.js")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--protocol", required=True, type=pathlib.Path, help="the protocol/ folder")
    parser.add_argument("--dump", required=True, type=pathlib.Path, help="the codec_dump program")
    parser.add_argument("--root", type=pathlib.Path, default=pathlib.Path(__file__).resolve().parents[2],
                        help="the repository (for server/ sources); default: two folders above this script")
    args = parser.parse_args()

    schemas, validators = load_schemas(args.protocol / "schema")
    client_types, server_types, error_codes = check_sources(args.root, schemas)
    event_kinds = schemas.get("defs", {}).get("$defs", {}).get("event_kind", {}).get("enum", [])
    if not event_kinds:
        fail("defs.json has no event_kind enum")
    examples = args.protocol / "examples"
    n_client = check_examples(examples, validators, "client", client_types)
    n_server = check_examples(examples, validators, "server", server_types)
    n_invalid = check_invalid_examples(examples, validators)
    n_dump = check_dump(str(args.dump), validators, server_types, event_kinds, error_codes)
    check_client_error_words(args.root, error_codes)

    if failures:
        print(f"check_schemas: {len(failures)} failure(s):", file=sys.stderr)
        for f in failures:
            print("  - " + f, file=sys.stderr)
        return 1
    print(f"checked {len(schemas)} schemas, {n_client + n_server + n_invalid} examples "
          f"({n_client} client, {n_invalid} client-invalid, {n_server} server), {n_dump} dumped messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
