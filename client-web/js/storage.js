// What this browser remembers, in localStorage, per meeting code and per "seat" (participant,
// facilitator or display page: one browser can be a facilitator and, in another tab, a participant):
//   everyvoice:<CODE>:<seat>  {token, name}  the resume token from "welcome"
//   everyvoice:<CODE>:key     the facilitator key from POST /api/meetings (never put in a URL)
//   everyvoice:<CODE>:card    true once the facilitator said she saved her facilitator card
//   everyvoice:<CODE>:points  [{id, text}] the written points posted from this browser (anonymous too)
//   everyvoice:group:<CODE>   the group key from POST /api/groups (never put in a URL)
//   everyvoice:members        ["<CODE>.<hex>"] the member keys from member links (/member#key),
//                             newest last, at most 8 (what join's member_keys takes); never in a URL
//   everyvoice:follows        [{follow, text, code}] the follow secret sent with each of those points
//                             (PROTOCOL 5 submit_point): what they became in a group can be asked
//                             for with POST /api/ideas/follow
// Without storage (private modes) nothing is remembered and a reload asks to join again.

const prefix = 'everyvoice:';

function read(key) {
  try { return JSON.parse(localStorage.getItem(prefix + key) || 'null'); } catch { return null; }
}
function write(key, value) {
  try {
    if (value == null) localStorage.removeItem(prefix + key);
    else localStorage.setItem(prefix + key, JSON.stringify(value));
  } catch { /* storage unavailable: nothing is remembered */ }
}

export const loadSeat = (code, seat) => read(`${code}:${seat}`);
export const saveSeat = (code, seat, value) => write(`${code}:${seat}`, value);
export const clearSeat = (code, seat) => write(`${code}:${seat}`, null);

// Moves a token to another page's seat (after a role change, the same person on another page).
export function moveSeat(code, from, to) {
  const value = loadSeat(code, from);
  if (value) { saveSeat(code, to, value); clearSeat(code, from); }
}

export const loadKey = (code) => read(`${code}:key`);
export const saveKey = (code, key) => write(`${code}:key`, key);
export const cardSaved = (code) => read(`${code}:card`) === true;
export const loadMyPoints = (code) => read(`${code}:points`) || [];
export const saveMyPoints = (code, list) => write(`${code}:points`, list.slice(-200));
export const markCardSaved = (code) => write(`${code}:card`, true);
export const loadGroupKey = (code) => read(`group:${code}`);
export const saveGroupKey = (code, key) => write(`group:${code}`, key);
// Member keys: one per group this person is a member of (usually one).
const MEMBER_KEYS = 8;
export const loadMemberKeys = () => (read('members') || []).filter((k) => typeof k === 'string');
export const saveMemberKey = (key) => write('members', [...loadMemberKeys().filter((k) => k !== key), key].slice(-MEMBER_KEYS));
export function forgetMemberKey(key) {
  const left = loadMemberKeys().filter((k) => k !== key);
  write('members', left.length ? left : null);
}
export const loadFollows = () => read('follows') || [];
export const saveFollow = (entry) => write('follows', [...loadFollows(), entry].slice(-100));

// A new follow secret: 128 random bits as 32 lowercase hex characters (getRandomValues works on
// plain http too, unlike crypto.subtle).
export function newFollowSecret() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
}

// Meetings this browser facilitates, newest first, for the start page.
export function facilitatedMeetings() {
  const out = [];
  try {
    for (let i = 0; i < localStorage.length; i++) {
      const k = localStorage.key(i);
      const m = k && k.startsWith(prefix) && k.endsWith(':facilitator') ? k.slice(prefix.length, -':facilitator'.length) : null;
      if (m) out.push({ code: m, ...read(`${m}:facilitator`) });
    }
  } catch { /* storage unavailable */ }
  return out.sort((a, b) => (b.at || 0) - (a.at || 0));
}
