#!/usr/bin/env python3
"""The decision record's verifier (protocol/tools/verify_record.py) against the test vectors
(protocol/examples/decision-record/vectors.json, written and checked by the server's own code in
tests/core/decision_vectors_test.cpp): the vectors pass, with the verifier's bytes equal to the
file's digest_inputs; a copy with one character of one text changed, an entry removed, an entry
edited and rehashed, or a field of the wrong type fails at that entry with exit status 1.

    verify_record_test.py PROTOCOL_DIR
"""
import copy
import importlib.util
import json
import os
import subprocess
import sys
import tempfile

protocol = sys.argv[1]
tool = os.path.join(protocol, "tools", "verify_record.py")
with open(os.path.join(protocol, "examples", "decision-record", "vectors.json"), encoding="utf-8") as f:
    vectors = json.load(f)
spec = importlib.util.spec_from_file_location("verify_record", tool)
verifier = importlib.util.module_from_spec(spec)
spec.loader.exec_module(verifier)
failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(document):
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".json", delete=False) as f:
        json.dump(document, f, ensure_ascii=False, indent=2)
    try:
        p = subprocess.run([sys.executable, tool, f.name], capture_output=True, text=True, encoding="utf-8")
    finally:
        os.unlink(f.name)
    return p.returncode, p.stdout + p.stderr


decisions = vectors["decisions"]
check(len(decisions) >= 7, f"{len(decisions)} decisions in the vectors")

# The verifier builds exactly the bytes the server hashes, entry by entry.
for i, d in enumerate(decisions):
    check(verifier.digest_input(d) == vectors["digest_inputs"][i].encode("utf-8"), f"bytes of decision {i + 1}")

status, out = run(vectors)
check(status == 0 and f"All {len(decisions)} decisions check out" in out, "the vectors verify")
check(out.count(": OK ") == len(decisions), "one OK line per decision")

# One character of decision 3's text changed: decisions 1 and 2 are OK, 3 fails, nothing after.
tampered = copy.deepcopy(vectors)
text = tampered["decisions"][2]["text"]
tampered["decisions"][2]["text"] = text[:3] + ("X" if text[3] != "X" else "Y") + text[4:]
status, out = run(tampered)
check(status == 1, "an edited text fails (exit 1)")
check("decision 2 (id 2, 'Which evening?'): OK" in out, "the entries before it are OK")
check("decision 3 (id 3, '会议时间'): FAILS: its fields do not give its hash" in out, "the edited entry is named")
check("decision 4" not in out, "it stops at the first bad entry")

# A non-ASCII character swapped for another of the same byte length (ë for é) in a name.
tampered = copy.deepcopy(vectors)
names = tampered["decisions"][0]["present_names"]
names[names.index("Zoë")] = "Zoé"
status, out = run(tampered)
check(status == 1 and "decision 1 (id 1, 'Agreement item adopted'): FAILS" in out, "an edited name is found")

# Decision 2 removed: the entry now second does not follow decision 1.
tampered = copy.deepcopy(vectors)
del tampered["decisions"][1]
status, out = run(tampered)
check(status == 1 and "decision 2 (id 3, '会议时间'): FAILS: the chain is broken here" in out, "a removed entry breaks the chain")

# Decision 4 edited and given its new hash: it passes itself, and the next link breaks.
tampered = copy.deepcopy(vectors)
d = tampered["decisions"][3]
d["result"] = "adopted"
d["hash"] = verifier.hashlib.sha256(verifier.digest_input(d)).hexdigest()
status, out = run(tampered)
check(status == 1 and "decision 4 (id 4, 'Snacks'): OK" in out and "decision 5 (id 5, 'Move to Fridays'): FAILS: the chain is broken here" in out,
      "a rehashed edit breaks the next link")

# A number written as a string is not the record.
tampered = copy.deepcopy(vectors)
tampered["decisions"][5]["present_count"] = str(tampered["decisions"][5]["present_count"])
status, out = run(tampered)
check(status == 1 and "decision 6" in out and "FAILS" in out, "a field of the wrong type fails")

# Not a record at all.
status, out = run({"title": "no decisions here"})
check(status == 1, "a file without decisions fails")

sys.exit(1 if failures else 0)
