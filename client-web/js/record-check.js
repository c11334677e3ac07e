// Checks the decision record this page holds without trusting the server: each entry's SHA-256 is
// recomputed from its fields, byte for byte as PROTOCOL.md section 7.9 defines it (Web Crypto, no
// library), and each entry must follow the one before it. The same check as
// protocol/tools/verify_record.py.
const GENESIS = '0'.repeat(64);
const utf8 = new TextEncoder();

// Web Crypto exists only in a secure context (https://, or http://localhost and 127.0.0.1).
export const canCheck = () => !!(globalThis.isSecureContext && globalThis.crypto && crypto.subtle);

// The exact bytes hashed for one decision. A field is its length in UTF-8 bytes, ':', the bytes,
// '\n'; a number is written in decimal; a list is its count, then each item. Throws on a field
// that is missing or of the wrong type.
export function digestInput(d) {
  const parts = [];
  const text = (v) => {
    if (typeof v !== 'string') throw new TypeError(`${JSON.stringify(v)} is not text`);
    const bytes = utf8.encode(v);
    parts.push(utf8.encode(`${bytes.length}:`), bytes, utf8.encode('\n'));
  };
  const number = (v) => {
    if (!Number.isSafeInteger(v)) throw new TypeError(`${JSON.stringify(v)} is not a whole number`);
    text(String(v));
  };
  const list = (v) => {
    if (!Array.isArray(v)) throw new TypeError(`${JSON.stringify(v)} is not a list`);
    number(v.length);
    v.forEach(text);
  };
  number(d.id); text(d.title); text(d.text); text(d.method); number(d.present_count); list(d.present_names);
  text(d.result); list(d.dissent); number(d.at); text(d.review_date); number(d.agenda_item); text(d.prev_hash);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

export async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

// { ok: true, count } when every entry checks out; otherwise the first that does not:
// { ok: false, index, decision, problem: 'partial' | 'malformed' | 'chain' | 'changed' }.
// 'partial': this page does not hold the whole record (its entries are not 1, 2, 3...).
export async function checkRecord(decisions) {
  let prev = GENESIS;
  for (let i = 0; i < decisions.length; i += 1) {
    const d = decisions[i];
    const fail = (problem) => ({ ok: false, index: i, decision: d, problem });
    if (!d || d.id !== i + 1) return fail('partial');
    let computed;
    try {
      computed = await sha256Hex(digestInput(d));
    } catch (err) {
      if (err instanceof TypeError) return fail('malformed');
      throw err;
    }
    if (d.prev_hash !== prev) return fail('chain');
    if (d.hash !== computed) return fail('changed');
    prev = computed;
  }
  return { ok: true, count: decisions.length };
}
