// The page's mirror of what the server sent; no rule is computed here. A snapshot replaces all; an
// update replaces the sections it carries (decisions: new ones, appended) and its events' "person"
// records; "figures" and "poll_results" replace theirs. Events seen (by seq) are skipped.
// Each "change" event names what changed (detail.changed: a Set of section names, plus "meeting",
// "people", "decisions" and "figures"), so a page redraws only those parts.
import { t } from './i18n.js';

const SECTIONS = ['queue', 'turn', 'round', 'polls', 'proposals', 'agreement', 'points', 'signals', 'agenda'];
export const EVERYTHING = new Set([...SECTIONS, 'meeting', 'people', 'decisions', 'figures']);

export class MeetingModel extends EventTarget {
  constructor() {
    super();
    this.code = '';
    this.you = null;        // my id
    this.meeting = null;    // {code, title, locked, ended, policy, turn_limit_seconds}
    this.people = new Map();
    this.peopleComplete = true;  // false: a big meeting's snapshot listed only the facilitators
    this.names = new Map();      // id -> name, from the queue, the turn and the round (they carry names)
    this.queue = [];
    this.turn = null;
    this.round = null;
    this.polls = [];
    this.proposals = [];
    this.decisions = [];
    this.chainOk = null;    // the server's check of the decision record's hash chain
    this.agreement = [];
    this.points = [];
    this.signals = null;    // {window_seconds, display_threshold, counts}
    this.agenda = { current: null, items: [] };
    this.agendaAt = 0;      // server time of the agenda section (its used_ms runs on from there)
    // seq of a point_submitted event, or of the point_followable right after it (the ack's seq when
    // the point was sent with a follow secret) -> the point's id (to find my own)
    this.pointSeqs = new Map();
    this.figures = null;
    this.voted = new Set();    // polls I voted in (welcome, then my acks): never what I chose
    this.upvoted = new Set();  // points I upvoted
    this.pollResults = new Map();  // poll id -> result from "poll_results" (after-vote polls)
    this.seq = 0;
    this.offsetMs = 0;      // server clock minus this clock, for the timers
    this.ready = false;
    this.peopleVersion = 0;  // grows with every change to people (for views computed from them)
    this.derived = new Map();  // name -> {version, value}: computed once per change of people
  }

  // A value computed from people, kept until people change: compute() runs once per change.
  fromPeople(name, compute) {
    const kept = this.derived.get(name);
    if (kept && kept.version === this.peopleVersion) return kept.value;
    const value = compute();
    this.derived.set(name, { version: this.peopleVersion, value });
    return value;
  }

  // My record; my own preference comes from my welcome (a participant's view of people leaves it out).
  get me() {
    const p = this.people.get(this.you);
    return p ? { ...p, preference: p.preference || this.myPreference } : null;
  }

  // The page a role belongs on (the server's audiences: facilitator, participant, display).
  get audience() {
    const role = this.me && this.me.role;
    return role === 'facilitator' || role === 'co_facilitator' ? 'facilitator' : role === 'observer' ? 'display' : 'participant';
  }

  get ended() { return !!(this.meeting && this.meeting.ended); }
  // Being prepared: created with "started": false and not started yet (PROTOCOL.md, start_meeting).
  get notStarted() { return !!(this.meeting && this.meeting.started === false && !this.meeting.ended); }

  // The video call's link, if any: the server allows only https://, and the pages check it again
  // before putting it in a link.
  get callLink() {
    const given = (this.meeting && this.meeting.call_link) || '';
    return /^https:\/\//i.test(given) ? given : '';
  }

  name(id) {
    const p = this.people.get(id);
    return p ? p.name : this.names.get(id) || t('common.person_fallback', { id: String(id) });
  }

  // People in the meeting (not room displays): counted here when I hold everyone, else the
  // server's count (a big meeting sends phones and displays the facilitators only).
  get peopleCount() {
    if (!this.peopleComplete && this.meeting && typeof this.meeting.people_count === 'number') return this.meeting.people_count;
    return this.fromPeople('count', () => [...this.people.values()].filter((p) => p.role !== 'observer').length);
  }

  // The names the queue, the turn and the round carry (since protocol 1.1)
  // (and the points, the agreement and the proposals' answers and objections).
  learnNames(changed = EVERYTHING) {
    const learn = (id, name) => { if (id && name) this.names.set(id, name); };
    if (changed.has('queue')) for (const e of this.queue) learn(e.participant, e.name);
    if (changed.has('turn') && this.turn) learn(this.turn.participant, this.turn.name);
    if (changed.has('round') && this.round && Array.isArray(this.round.names)) this.round.order.forEach((id, i) => learn(id, this.round.names[i]));
    if (changed.has('points')) for (const p of this.points) learn(p.author, p.author_name);
    if (changed.has('agreement')) for (const a of this.agreement) learn(a.author, a.author_name);
    if (changed.has('proposals')) for (const p of this.proposals) for (const a of [...p.answers, ...p.objections]) learn(a.participant, a.name);
  }

  serverNow() { return Date.now() + this.offsetMs; }

  myPlace() { return this.queue.find((e) => e.participant === this.you) || null; }

  // A poll's result as this page may show it: in the polls section, or sent to me as a voter.
  resultOf(poll) { return poll.result || (poll.status === 'open' ? this.pollResults.get(poll.id) : null) || null; }

  // Time spent on an agenda item, the running stretch of the current one included (until the end).
  usedMs(item) {
    const until = this.ended ? this.endedAt || this.agendaAt : this.serverNow();
    return item.used_ms + (item.current ? Math.max(0, until - this.agendaAt) : 0);
  }

  decision(id) { return this.decisions.find((d) => d.id === id) || null; }

  handle(msg) {
    if (typeof msg.now === 'number') this.offsetMs = msg.now - Date.now();
    let events = [];
    let changed = new Set();
    switch (msg.type) {
      case 'welcome':
        this.code = msg.code;
        this.you = msg.you.id;
        this.people.set(msg.you.id, { ...this.people.get(msg.you.id), ...msg.you });
        this.myPreference = msg.you.preference || 'none';
        this.voted = new Set(msg.you.voted_polls || []);
        this.upvoted = new Set(msg.you.upvoted_points || []);
        this.peopleVersion++;
        changed = new Set(EVERYTHING);
        break;
      case 'snapshot': {
        const v = msg.view;
        this.meeting = v.meeting;
        {
          const mine = this.people.get(this.you);  // from my welcome: a big meeting's list leaves me out
          this.people = new Map(v.people.map((p) => [p.id, p]));
          if (mine && !this.people.has(this.you)) this.people.set(this.you, mine);
        }
        this.peopleComplete = v.people_complete !== false;
        for (const s of SECTIONS) if (Object.hasOwn(v, s)) this[s] = v[s];
        this.decisions = v.decisions || [];
        this.chainOk = Object.hasOwn(v, 'decisions_chain_ok') ? v.decisions_chain_ok : null;
        this.agendaAt = msg.now;
        if (v.figures) { this.figures = v.figures; this.figuresAt = msg.now; }
        this.learnNames();
        this.seq = msg.seq;
        this.ready = true;
        this.peopleVersion++;
        changed = new Set(EVERYTHING);
        break;
      }
      case 'update':
        // A section present in the update replaces ours; an absent one did not change.
        events = (msg.events || []).filter((e) => e.seq > this.seq);
        for (const e of events) if (this.applyEvent(e)) changed.add('people');
        if (changed.has('people')) this.peopleVersion++;
        if (msg.meeting || !this.meeting) {
          this.meeting = { code: this.code, title: '', ...this.meeting, ...msg.meeting };
          changed.add('meeting');
        }
        // Past 200 people the server no longer tells phones and displays of everyone's joins
        // (PROTOCOL 7.2): a list that stops adding up to the meeting's count is incomplete from then on.
        if (this.peopleComplete && msg.meeting && typeof msg.meeting.people_count === 'number' &&
            this.peopleCount !== msg.meeting.people_count) {
          this.peopleComplete = false;
          this.peopleVersion++;
          changed.add('people');
        }
        for (const s of SECTIONS) if (Object.hasOwn(msg, s)) { this[s] = msg[s]; changed.add(s); }
        this.learnNames(changed);
        if (msg.agenda) this.agendaAt = msg.now;
        if (msg.decisions) { this.addDecisions(msg.decisions, msg.decisions_chain_ok); changed.add('decisions'); }
        this.seq = Math.max(this.seq, msg.seq);
        this.ready = true;
        break;
      case 'poll_results':
        this.pollResults.set(msg.poll, msg.result);
        changed.add('polls');
        break;
      case 'figures':
        this.figures = msg.figures;
        this.figuresAt = msg.now;  // the server time the figures were made at (waits grow since)
        changed.add('figures');
        break;
      default:
        return;  // heartbeat
    }
    this.dispatchEvent(new CustomEvent('change', { detail: { type: msg.type, events, changed } }));
  }

  // The record is append-only: an update lists only new entries (a whole record when it starts
  // at decision 1); every list comes with the server's check of the whole record's chain.
  addDecisions(list, chainOk) {
    if (list.length && list[0].id === 1) this.decisions = [];
    const last = this.decisions.length ? this.decisions[this.decisions.length - 1].id : 0;
    this.decisions.push(...list.filter((d) => d.id > last));
    if (typeof chainOk === 'boolean') this.chainOk = chainOk;
  }

  // Applies what an event says beyond its sections; true when people changed.
  applyEvent(e) {
    if (e.kind === 'point_submitted' || e.kind === 'point_followable') this.pointSeqs.set(e.seq, e.point);
    if (e.kind === 'meeting_opened') this.meeting = { ...this.meeting, title: e.title };
    if (e.kind === 'meeting_ended') this.endedAt = e.at;
    if (e.kind === 'participant_removed') return this.people.delete(e.participant);
    if (!e.person) return false;
    this.people.set(e.person.id, e.person);
    return true;
  }
}
