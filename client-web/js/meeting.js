// The page's mirror of what the server sent: no rule is computed here. A snapshot replaces
// everything; an update carries the sections its events changed (meeting settings, queue, turn,
// round), each whole, plus events whose "person" replaces that person (people are not resent
// whole); "figures" replace the facilitator's equity figures. Events already seen (by seq) are
// skipped, so a resume that overlaps is harmless. Sections this page does not draw yet (polls,
// points, ... from issue 4) are ignored here until their panels exist.
export class MeetingModel extends EventTarget {
  constructor() {
    super();
    this.code = '';
    this.you = null;        // my id
    this.meeting = null;    // {code, title, locked, policy, turn_limit_seconds}
    this.people = new Map();
    this.queue = [];
    this.turn = null;
    this.round = null;
    this.figures = null;
    this.seq = 0;
    this.offsetMs = 0;      // server clock minus this clock, for the turn timer
    this.ready = false;
  }

  get me() { return this.people.get(this.you) || null; }

  // The page a role belongs on (the server's audiences: facilitator, participant, display).
  get audience() {
    const role = this.me && this.me.role;
    return role === 'facilitator' || role === 'co_facilitator' ? 'facilitator' : role === 'observer' ? 'display' : 'participant';
  }

  name(id) {
    const p = this.people.get(id);
    return p ? p.name : `Person ${id}`;
  }

  serverNow() { return Date.now() + this.offsetMs; }

  myPlace() { return this.queue.find((e) => e.participant === this.you) || null; }

  handle(msg) {
    if (typeof msg.now === 'number') this.offsetMs = msg.now - Date.now();
    let events = [];
    switch (msg.type) {
      case 'welcome':
        this.code = msg.code;
        this.you = msg.you.id;
        this.people.set(msg.you.id, { ...this.people.get(msg.you.id), ...msg.you });
        break;
      case 'snapshot': {
        const v = msg.view;
        this.meeting = v.meeting;
        this.people = new Map(v.people.map((p) => [p.id, p]));
        this.queue = v.queue;
        this.turn = v.turn;
        this.round = v.round;
        if (v.figures) this.figures = v.figures;
        this.seq = msg.seq;
        this.ready = true;
        break;
      }
      case 'update':
        // A section present in the update replaces ours; an absent one did not change.
        events = (msg.events || []).filter((e) => e.seq > this.seq);
        for (const e of events) this.applyEvent(e);
        if (msg.meeting || !this.meeting) this.meeting = { code: this.code, title: '', ...this.meeting, ...msg.meeting };
        for (const section of ['queue', 'turn', 'round']) if (Object.hasOwn(msg, section)) this[section] = msg[section];
        this.seq = Math.max(this.seq, msg.seq);
        this.ready = true;
        break;
      case 'figures':
        this.figures = msg.figures;
        break;
      default:
        return;  // heartbeat; and message types this page does not draw yet
    }
    this.dispatchEvent(new CustomEvent('change', { detail: { type: msg.type, events } }));
  }

  applyEvent(e) {
    if (e.person) this.people.set(e.person.id, e.person);
    if (e.kind === 'participant_removed') this.people.delete(e.participant);
    if (e.kind === 'meeting_opened') this.meeting = { ...this.meeting, title: e.title };
  }
}
