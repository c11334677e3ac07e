#include "store/event_format.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <type_traits>
#include <stdexcept>
#include <utility>
#include <variant>
#include <vector>

#include "store/stored_tags.hpp"

namespace everyvoice::store {
namespace {

using namespace everyvoice::core;

// The first byte of every stored value. Events and ballots are still version 1 (722a9e2 wrote
// the same bytes; what changed is that their tags now come from stored_tags.hpp). A snapshot is
// version 2: after this byte it names its state layout (below).
constexpr std::uint8_t record_version = 1;
constexpr std::uint8_t snapshot_version = 2;

// The layout of MeetingState in a snapshot: the field list of describe(MeetingState) and of every
// type inside it. Bump it whenever one of those lists changes: a snapshot of another layout is
// not read (snapshots are a cache; the meeting is replayed from its events). The test
// SnapshotLayoutIsPinned fails when the bytes of a fixed state change without a bump. Bump it
// too when replaying the same events gives another state, so that no snapshot keeps the old one.
//   2: an objection still open when its proposal ends is closed with it (ObjectionStatus::closed);
//      a layout-1 snapshot may hold such objections as open.
//   3: Poll::counted (who `eligible` counts); a voter not counted at open is added to it.
//   4: MeetingState::opened_at and ended_at (the minutes give the meeting's start and end), and
//      Proposal::titles (the title of every version; ProposalRetitled changes the last one); both
//      came in one release, so one number.
//   5: MeetingState::time_zone and utc_offset_minutes (TimeZoneSet; the minutes' times).
//   6: MeetingState::call_link (CallLinkSet), and points_shown (PointsShownChanged): one release.
//   7: MeetingState::points_moderated (PointsModerationChanged), and PointStatus::pending (stored 4).
//   8: Poll::opened, PollStatus::draft (stored 3): polls prepared in advance (PollDrafted, DraftPollOpened).
//   9: MeetingState::language (LanguageSet; the minutes' language), started and started_at
//      (MeetingScheduled, MeetingStarted: a meeting prepared before it starts): one release.
//  10: Proposal::presented, ConsentPhase::draft (stored 6): proposals prepared in advance
//      (ProposalDrafted, DraftProposalPresented).
//  11: MeetingState::group (GroupAgreementCarried: a meeting of a group).
//  12: WrittenPoint::follow_hash and carried (PointFollowable, PointCarried: "you said, we did").
//  13: Participant::member (MemberAttended) and MeetingState::roles (RolesAssigned): a group's members.
constexpr std::uint32_t state_layout = 13;

template <class E>
concept StoredEnumType = std::is_enum_v<E> && requires { StoredEnum<E>::by_tag; };

template <class E>
std::uint64_t tag_of(E value) {
  const auto& table = StoredEnum<E>::by_tag;
  for (std::size_t i = 0; i < table.size(); ++i)
    if (table[i] == value) return i;
  throw std::logic_error("an enum value without a stored tag (add it to stored_tags.hpp)");
}

// The event kinds of a variant have distinct tags, and every kind has one.
template <class V, std::size_t... I>
consteval bool event_tags_distinct(std::index_sequence<I...>) {
  constexpr std::array tags{event_tag<std::variant_alternative_t<I, V>>...};
  for (std::size_t a = 0; a < tags.size(); ++a) {
    if (tags[a] == 0xFFFFFFFF) return false;
    for (std::size_t b = a + 1; b < tags.size(); ++b)
      if (tags[a] == tags[b]) return false;
  }
  return true;
}
static_assert(event_tags_distinct<Event>(std::make_index_sequence<std::variant_size_v<Event>>{}),
              "every event kind needs its own tag in stored_tags.hpp");
static_assert(event_tags_distinct<GroupEvent>(std::make_index_sequence<std::variant_size_v<GroupEvent>>{}),
              "every group event kind needs its own tag in stored_tags.hpp");

// Writes values: unsigned integers as LEB128, signed ones zigzagged, strings and containers with
// their length first, enums and event kinds as their stored tags.
// `Out` is std::string, or ByteCount where only the length is wanted (encoded_size).
template <class Out>
class BasicWriter {
 public:
  Out out;
  // Writes every list of ballots as empty. In a MeetingState the only such list is
  // Poll::anonymous, the ballots of an anonymous poll (encode_state).
  bool without_ballot_lists = false;

  template <class... T>
  void operator()(const T&... values) {
    (put(values), ...);
  }

 private:
  void varint(std::uint64_t v) {
    while (v >= 0x80) {
      out.push_back(static_cast<char>((v & 0x7F) | 0x80));
      v >>= 7;
    }
    out.push_back(static_cast<char>(v));
  }
  template <class T>
  void put(const T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      out.push_back(v ? 1 : 0);
    } else if constexpr (std::is_enum_v<T>) {
      static_assert(StoredEnumType<T>, "an enum without a table in stored_tags.hpp cannot be stored");
      varint(tag_of(v));
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const auto s = static_cast<std::int64_t>(v);
      varint((static_cast<std::uint64_t>(s) << 1) ^ static_cast<std::uint64_t>(s >> 63));
    } else if constexpr (std::is_integral_v<T>) {
      varint(static_cast<std::uint64_t>(v));
    } else if constexpr (std::is_same_v<T, double>) {
      std::uint64_t bits;
      std::memcpy(&bits, &v, sizeof bits);
      for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(bits >> (8 * i)));
    } else if constexpr (std::is_same_v<T, std::string>) {
      varint(v.size());
      out += v;
    } else {
      put_compound(v);
    }
  }
  template <class T>
  void put_compound(const std::vector<T>& v) {
    if constexpr (std::is_same_v<T, Ballot>) {
      if (without_ballot_lists) return varint(0);
    }
    varint(v.size());
    for (const auto& x : v) put(x);
  }
  template <class T>
  void put_compound(const std::optional<T>& v) {
    put(v.has_value());
    if (v) put(*v);
  }
  template <class K, class V>
  void put_compound(const std::map<K, V>& m) {
    varint(m.size());
    for (const auto& [k, v] : m) {
      put(k);
      put(v);
    }
  }
  template <class T>
  void put_compound(const std::set<T>& s) {
    varint(s.size());
    for (const auto& x : s) put(x);
  }
  template <class T, std::size_t N>
  void put_compound(const std::array<T, N>& a) {
    for (const auto& x : a) put(x);
  }
  template <class... K>
  void put_compound(const std::variant<K...>& v) {
    std::visit(
        [&](const auto& x) {
          varint(event_tag<std::decay_t<decltype(x)>>);
          put(x);
        },
        v);
  }
  template <class T>
  void put_compound(const T& v) {
    describe(*this, const_cast<T&>(v));  // describe only reads through a Writer
  }
};

// Counts the bytes a BasicWriter<std::string> would write, without keeping them.
struct ByteCount {
  std::size_t n = 0;
  void push_back(char) { ++n; }
  ByteCount& operator+=(const std::string& s) {
    n += s.size();
    return *this;
  }
};
using Writer = BasicWriter<std::string>;

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}

  template <class... T>
  void operator()(T&... values) {
    (get(values), ...);
  }
  bool done() const { return pos_ == in_.size(); }
  std::uint64_t varint() {
    std::uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (pos_ >= in_.size()) throw FormatError("truncated record");
      const auto b = static_cast<unsigned char>(in_[pos_++]);
      v |= std::uint64_t{b & 0x7Fu} << shift;
      if (!(b & 0x80)) return v;
    }
    throw FormatError("bad integer");
  }

 private:
  std::size_t length() {
    const auto n = varint();
    if (n > in_.size() - pos_) throw FormatError("length past the end");
    return static_cast<std::size_t>(n);
  }
  template <class T>
  void get(T& v) {
    if constexpr (std::is_same_v<T, bool>) {
      v = varint() != 0;
    } else if constexpr (std::is_enum_v<T>) {
      const auto& table = StoredEnum<T>::by_tag;
      const auto tag = varint();
      if (tag >= table.size()) throw FormatError("an enum tag this version does not know");
      v = table[static_cast<std::size_t>(tag)];
    } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
      const auto u = varint();
      v = static_cast<T>(static_cast<std::int64_t>(u >> 1) ^ -static_cast<std::int64_t>(u & 1));
    } else if constexpr (std::is_integral_v<T>) {
      v = static_cast<T>(varint());
    } else if constexpr (std::is_same_v<T, double>) {
      if (in_.size() - pos_ < 8) throw FormatError("truncated number");
      std::uint64_t bits = 0;
      for (int i = 0; i < 8; ++i) bits |= std::uint64_t{static_cast<unsigned char>(in_[pos_++])} << (8 * i);
      std::memcpy(&v, &bits, sizeof bits);
    } else if constexpr (std::is_same_v<T, std::string>) {
      const auto n = length();
      v.assign(in_.substr(pos_, n));
      pos_ += n;
    } else {
      get_compound(v);
    }
  }
  template <class T>
  void get_compound(std::vector<T>& v) {
    const auto n = varint();
    if (n > in_.size() - pos_) throw FormatError("too many items");  // each item takes a byte at least
    v.clear();
    v.resize(static_cast<std::size_t>(n));
    for (auto& x : v) get(x);
  }
  template <class T>
  void get_compound(std::optional<T>& v) {
    bool has = false;
    get(has);
    if (has) {
      v.emplace();
      get(*v);
    } else {
      v.reset();
    }
  }
  template <class K, class V>
  void get_compound(std::map<K, V>& m) {
    const auto n = varint();
    m.clear();
    for (std::uint64_t i = 0; i < n; ++i) {
      K k{};
      V v{};
      get(k);
      get(v);
      m.emplace(std::move(k), std::move(v));
    }
  }
  template <class T>
  void get_compound(std::set<T>& s) {
    const auto n = varint();
    s.clear();
    for (std::uint64_t i = 0; i < n; ++i) {
      T x{};
      get(x);
      s.insert(std::move(x));
    }
  }
  template <class T, std::size_t N>
  void get_compound(std::array<T, N>& a) {
    for (auto& x : a) get(x);
  }
  template <std::size_t I = 0, class V>
  void get_event(V& v, std::uint64_t tag) {
    if constexpr (I < std::variant_size_v<V>) {
      using Kind = std::variant_alternative_t<I, V>;
      if (tag == event_tag<Kind>) {
        Kind x{};
        get(x);
        v = std::move(x);
        return;
      }
      get_event<I + 1, V>(v, tag);
    } else {
      throw FormatError("an event kind this version does not know");
    }
  }
  template <class... K>
  void get_compound(std::variant<K...>& v) { get_event(v, varint()); }
  template <class T>
  void get_compound(T& v) {
    describe(*this, v);
  }

  std::string_view in_;
  std::size_t pos_ = 0;
};

}  // namespace
}  // namespace everyvoice::store

// The field lists. Each names every member of its type, in declaration order.
namespace everyvoice::core {
template <class A> void describe(A& a, PollSpec& x) { a(x.question, x.kind, x.options, x.max_choices, x.scale_min, x.scale_max, x.min_label, x.max_label, x.anonymous, x.shown, x.min_voters, x.is_decision); }
template <class A> void describe(A& a, Ballot& x) { a(x.choices, x.scale, x.text); }
template <class A> void describe(A& a, RunoffRound& x) { a(x.counts, x.eliminated); }
template <class A> void describe(A& a, PollResult& x) { a(x.voters, x.withheld, x.counts, x.mean, x.rounds, x.winner, x.answers); }
template <class A> void describe(A& a, Decision& x) { a(x.id, x.title, x.text, x.method, x.present_count, x.present_names, x.result, x.dissent, x.at, x.review_date, x.agenda_item, x.prev_hash, x.hash); }

template <class A> void describe(A& a, MeetingOpened& x) { a(x.title); }
template <class A> void describe(A& a, TimeZoneSet& x) { a(x.zone, x.utc_offset_minutes); }
template <class A> void describe(A& a, CallLinkSet& x) { a(x.link); }
template <class A> void describe(A& a, LanguageSet& x) { a(x.language); }
template <class A> void describe(A& a, PointsShownChanged& x) { a(x.count); }
template <class A> void describe(A& a, PointsModerationChanged& x) { a(x.moderated); }
template <class A> void describe(A& a, ParticipantJoined& x) { a(x.id, x.name, x.role, x.location, x.preference, x.proxy); }
template <class A> void describe(A& a, ProfileChanged& x) { a(x.id, x.location, x.preference); }
template <class A> void describe(A& a, PresenceChanged& x) { a(x.id, x.presence); }
template <class A> void describe(A& a, RoleChanged& x) { a(x.id, x.role); }
template <class A> void describe(A& a, ParticipantRemoved& x) { a(x.id); }
template <class A> void describe(A& a, LockChanged& x) { a(x.locked); }
template <class A> void describe(A& a, HandRaised& x) { a(x.id, x.kind); }
template <class A> void describe(A& a, HandLowered& x) { a(x.id); }
template <class A> void describe(A& a, EntryRemoved& x) { a(x.id, x.by, x.reason); }
template <class A> void describe(A& a, EntryMoved& x) { a(x.id, x.position, x.by, x.reason); }
template <class A> void describe(A& a, TurnStarted& x) { a(x.id, x.by, x.from_queue, x.waited_ms, x.override_reason, x.in_round); }
template <class A> void describe(A& a, TurnEnded& x) { a(x.id, x.duration_ms); }
template <class A> void describe(A& a, PolicyChanged& x) { a(x.policy); }
template <class A> void describe(A& a, TurnLimitChanged& x) { a(x.seconds); }
template <class A> void describe(A& a, RoundStarted& x) { a(x.round_no, x.topic, x.order_kind, x.seed, x.order); }
template <class A> void describe(A& a, RoundPassed& x) { a(x.id); }
template <class A> void describe(A& a, RoundSkipped& x) { a(x.id, x.reason); }
template <class A> void describe(A& a, RoundEnded& x) { a(x.round_no, x.completed); }
template <class A> void describe(A& a, PollOpened& x) { a(x.poll, x.spec, x.eligible); }
template <class A> void describe(A& a, PollDrafted& x) { a(x.poll, x.spec); }
template <class A> void describe(A& a, DraftPollOpened& x) { a(x.poll, x.eligible); }
template <class A> void describe(A& a, VoteRecorded& x) { a(x.poll, x.who, x.ballot); }
template <class A> void describe(A& a, VoterRecorded& x) { a(x.poll, x.who); }
template <class A> void describe(A& a, BallotCounted& x) { a(x.poll, x.ballot); }
template <class A> void describe(A& a, PollClosed& x) { a(x.poll, x.result); }
template <class A> void describe(A& a, PollCancelled& x) { a(x.poll); }
template <class A> void describe(A& a, ProposalPresented& x) { a(x.proposal, x.title, x.text, x.agreement_item, x.removes_item); }
template <class A> void describe(A& a, ProposalDrafted& x) { a(x.proposal, x.title, x.text, x.agreement_item, x.removes_item); }
template <class A> void describe(A& a, DraftProposalPresented& x) { a(x.proposal); }
template <class A> void describe(A& a, ConsentPhaseChanged& x) { a(x.proposal, x.phase); }
template <class A> void describe(A& a, ConsentAnswered& x) { a(x.proposal, x.version, x.who, x.answer, x.text, x.objection); }
template <class A> void describe(A& a, ObjectionWithdrawn& x) { a(x.objection); }
template <class A> void describe(A& a, ProposalAmended& x) { a(x.proposal, x.version, x.text); }
template <class A> void describe(A& a, ProposalRetitled& x) { a(x.proposal, x.title); }
template <class A> void describe(A& a, ProposalEnded& x) { a(x.proposal, x.outcome, x.reason); }
template <class A> void describe(A& a, DecisionRecorded& x) { a(x.decision); }
template <class A> void describe(A& a, AgreementItemProposed& x) { a(x.item, x.text, x.author); }
template <class A> void describe(A& a, AgreementItemChanged& x) { a(x.item, x.status, x.version); }
template <class A> void describe(A& a, AgreementFlagged& x) { a(x.item); }
template <class A> void describe(A& a, PointSubmitted& x) { a(x.point, x.kind, x.text, x.author); }
template <class A> void describe(A& a, PointUpvoted& x) { a(x.point, x.who); }
template <class A> void describe(A& a, PointStatusChanged& x) { a(x.point, x.status, x.reason); }
template <class A> void describe(A& a, SignalSent& x) { a(x.kind); }
template <class A> void describe(A& a, SignalSettingsChanged& x) { a(x.window_seconds, x.display_threshold); }
template <class A> void describe(A& a, AgendaItemAdded& x) { a(x.item, x.title, x.timebox_minutes); }
template <class A> void describe(A& a, AgendaItemStarted& x) { a(x.item); }
template <class A> void describe(A&, MeetingEnded&) {}
template <class A> void describe(A&, MeetingScheduled&) {}
template <class A> void describe(A&, MeetingStarted&) {}
template <class A> void describe(A& a, GroupLink& x) { a(x.group, x.name, x.agreement_version, x.carried, x.first_item, x.reviews); }
template <class A> void describe(A& a, GroupAgreementCarried& x) { a(x.link, x.texts); }
template <class A> void describe(A& a, GroupCreated& x) { a(x.name); }
template <class A> void describe(A& a, GroupMeetingAdded& x) { a(x.code, x.title, x.created_at, x.agreement_version, x.carried, x.first_item, x.reviews); }
template <class A> void describe(A& a, GroupAgreementChanged& x) { a(x.meeting, x.meeting_item, x.group_item, x.text, x.adopted); }
template <class A> void describe(A& a, GroupDecisionLogged& x) { a(x.meeting, x.decision, x.hash); }
template <class A> void describe(A& a, GroupIdeaAdded& x) { a(x.meeting, x.point, x.kind, x.text, x.follow_hash); }
template <class A> void describe(A& a, GroupIdeaStatusChanged& x) { a(x.idea, x.status, x.reason); }
template <class A> void describe(A& a, GroupRetentionSet& x) { a(x.days); }
template <class A> void describe(A& a, RoleHolder& x) { a(x.role, x.member, x.name); }
template <class A> void describe(A& a, MemberAttended& x) { a(x.participant, x.member); }
template <class A> void describe(A& a, RolesAssigned& x) { a(x.roles); }
template <class A> void describe(A& a, GroupMemberAdded& x) { a(x.member, x.name, x.key_hash); }
template <class A> void describe(A& a, GroupMemberChanged& x) { a(x.member, x.name, x.preference, x.offers, x.record); }
template <class A> void describe(A& a, GroupMemberLeft& x) { a(x.member); }
template <class A> void describe(A& a, GroupRolesAssigned& x) { a(x.meeting, x.roles); }
template <class A> void describe(A& a, GroupAttendanceRecorded& x) { a(x.meeting, x.member, x.spoken_ms, x.turns); }
template <class A> void describe(A&, GroupRedacted&) {}
template <class A> void describe(A& a, PointFollowable& x) { a(x.point, x.follow_hash); }
template <class A> void describe(A& a, PointCarried& x) { a(x.point); }

template <class A> void describe(A& a, Participant& x) { a(x.id, x.name, x.role, x.location, x.preference, x.presence, x.proxy, x.removed, x.joined_at, x.turns, x.spoken_ms, x.member); }
template <class A> void describe(A& a, QueueEntry& x) { a(x.who, x.kind, x.raised_at, x.hand_no, x.pinned_at, x.pin_reason); }
template <class A> void describe(A& a, Turn& x) { a(x.who, x.started_at, x.in_round); }
template <class A> void describe(A& a, Override& x) { a(x.kind, x.by, x.target, x.reason, x.at); }
template <class A> void describe(A& a, WaitStats& x) { a(x.count, x.total_ms, x.longest_ms); }
template <class A> void describe(A& a, RoundStep& x) { a(x.who, x.kind, x.reason); }
template <class A> void describe(A& a, GoRound& x) { a(x.round_no, x.topic, x.order_kind, x.seed, x.order, x.next, x.steps, x.active, x.completed); }
template <class A> void describe(A& a, Poll& x) { a(x.id, x.spec, x.status, x.eligible, x.counted, x.opened_at, x.agenda_item, x.voters, x.named, x.anonymous, x.result, x.opened); }
template <class A> void describe(A& a, ConsentRecord& x) { a(x.answer, x.text); }
template <class A> void describe(A& a, Proposal& x) { a(x.id, x.title, x.versions, x.titles, x.phase, x.agreement_item, x.removes_item, x.answers, x.end_reason, x.agenda_item, x.presented); }
template <class A> void describe(A& a, Objection& x) { a(x.id, x.proposal, x.version, x.author, x.reason, x.status); }
template <class A> void describe(A& a, AgreementItem& x) { a(x.id, x.text, x.author, x.status, x.version, x.flags); }
template <class A> void describe(A& a, WrittenPoint& x) { a(x.id, x.kind, x.text, x.author, x.status, x.reason, x.upvoters, x.at, x.follow_hash, x.carried); }
template <class A> void describe(A& a, SignalMark& x) { a(x.kind, x.at); }
template <class A> void describe(A& a, AgendaItem& x) { a(x.id, x.title, x.timebox_minutes, x.used_ms, x.started_at, x.spoken_ms, x.turns); }
template <class A> void describe(A& a, MeetingState& x) {
  a(x.seq, x.title, x.locked, x.ended, x.participants, x.name_keys, x.queue, x.hands_raised, x.policy, x.turn_limit_seconds,
    x.turn, x.last_speaker_location, x.overrides, x.waits, x.rounds, x.polls, x.proposals, x.objections, x.decisions,
    x.agreement, x.points, x.signals, x.signal_window_seconds, x.signal_display_threshold, x.agenda, x.current_item,
    x.opened_at, x.ended_at, x.time_zone, x.utc_offset_minutes, x.call_link, x.points_shown, x.points_moderated, x.language, x.started, x.started_at, x.group,
    x.roles);
}
}  // namespace everyvoice::core

namespace everyvoice::store {
namespace {

template <class T>
std::string encode(const T& value) {
  Writer w;
  w(record_version);
  w(value);
  return std::move(w.out);
}

template <class T>
T decode(std::string_view bytes, const char* what) {
  Reader r(bytes);
  std::uint8_t version = 0;
  r(version);
  if (version != record_version) throw FormatError(std::string(what) + ": unknown format version");
  T value{};
  r(value);
  if (!r.done()) throw FormatError(std::string(what) + ": bytes left over");
  return value;
}

// Anonymous ballots stay out of snapshots by their type (Writer::without_ballot_lists): should
// Poll::anonymous ever be another container, this stops the build before they leak into one.
static_assert(std::is_same_v<decltype(Poll::anonymous), std::vector<Ballot>>);

std::string encode_snapshot(const MeetingState& state) {
  Writer w;
  w.without_ballot_lists = true;
  w(snapshot_version, state_layout);
  w(state);
  return std::move(w.out);
}

}  // namespace

std::string encode_event(const Event& event) { return encode(event); }
Event decode_event(std::string_view bytes) { return decode<Event>(bytes, "event"); }
// Anonymous ballots stay out of snapshots: a snapshot row holds who has voted, so it must not hold
// what was chosen (with one voter the two would name each other). They come back from the
// ballots table when the meeting is loaded.
// The writer leaves them out as it goes: a copy of the state without them would cost as much as
// the encoding (a 5,000-person meeting's participants and name keys, every poll's voters).
std::string encode_state(const MeetingState& state) { return encode_snapshot(state); }
std::size_t encoded_size(const Event& event) {
  BasicWriter<ByteCount> w;
  w(record_version, event);
  return w.out.n;
}

// Version 1 (722a9e2) had no layout number; its layout is layout 1.
MeetingState decode_state(std::string_view bytes) {
  Reader r(bytes);
  std::uint8_t version = 0;
  r(version);
  std::uint32_t layout = 1;
  if (version == snapshot_version) r(layout);
  else if (version != record_version) throw FormatError("state: unknown format version");
  if (layout != state_layout) throw SnapshotOutdated("state: layout " + std::to_string(layout) + ", this version reads " +
                                                     std::to_string(state_layout));
  MeetingState value{};
  r(value);
  if (!r.done()) throw FormatError("state: bytes left over");
  return value;
}
std::string encode_ballot(const Ballot& ballot) { return encode(ballot); }
std::string encode_group_event(const GroupEvent& event) { return encode(event); }
GroupEvent decode_group_event(std::string_view bytes) { return decode<GroupEvent>(bytes, "group event"); }
Ballot decode_ballot(std::string_view bytes) { return decode<Ballot>(bytes, "ballot"); }

}  // namespace everyvoice::store
