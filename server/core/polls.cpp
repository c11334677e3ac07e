// Polls: opening, voting, counting, closing and cancelling.
#include "core/polls.hpp"

#include <algorithm>
#include <set>

#include "core/decision_record.hpp"
#include "core/record_words.hpp"
#include "core/rules.hpp"
#include "core/text.hpp"

namespace everyvoice::core {
namespace {

std::vector<const Ballot*> ballots_of(const Poll& poll) {
  std::vector<const Ballot*> out;
  if (poll.spec.anonymous) {
    for (const auto& b : poll.anonymous) out.push_back(&b);
  } else {
    for (const auto& [who, b] : poll.named) out.push_back(&b);
  }
  return out;
}

std::int32_t unique_max(const std::vector<std::uint32_t>& counts) {
  std::int32_t best = -1;
  std::uint32_t best_count = 0;
  bool tie = false;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] > best_count) {
      best = static_cast<std::int32_t>(i);
      best_count = counts[i];
      tie = false;
    } else if (counts[i] == best_count && best_count > 0) {
      tie = true;
    }
  }
  return tie ? -1 : best;
}

// Instant runoff: count each ballot for its highest-ranked option still standing; an option with
// more than half of the ballots still counting wins; otherwise the option with the fewest votes
// is eliminated (ties: the one with fewer votes in the earliest round where they differ, then
// the later-listed option) and the count runs again. When every option left has the same count,
// the result is a tie (winner -1).
void instant_runoff(const PollSpec& spec, const std::vector<const Ballot*>& ballots, PollResult& r) {
  const std::size_t n = spec.options.size();
  std::vector<bool> standing(n, true);
  for (std::size_t left = n; left > 0; --left) {
    RunoffRound round;
    round.counts.assign(n, 0);
    std::uint32_t counting = 0;
    for (const Ballot* b : ballots) {
      for (std::uint32_t c : b->choices) {
        if (standing[c]) {
          ++round.counts[c];
          ++counting;
          break;
        }
      }
    }
    std::int32_t leader = -1;
    for (std::size_t i = 0; i < n; ++i)
      if (standing[i] && 2 * round.counts[i] > counting) leader = static_cast<std::int32_t>(i);
    if (leader >= 0 || left == 1) {
      if (leader < 0)
        for (std::size_t i = 0; i < n; ++i)
          if (standing[i] && round.counts[i] > 0) leader = static_cast<std::int32_t>(i);
      r.rounds.push_back(round);
      r.winner = leader;
      return;
    }
    std::uint32_t lowest = UINT32_MAX, highest = 0;
    for (std::size_t i = 0; i < n; ++i) {
      if (!standing[i]) continue;
      lowest = std::min(lowest, round.counts[i]);
      highest = std::max(highest, round.counts[i]);
    }
    if (lowest == highest) {  // all standing options tied: no winner
      r.rounds.push_back(round);
      r.winner = -1;
      return;
    }
    std::vector<std::size_t> candidates;
    for (std::size_t i = 0; i < n; ++i)
      if (standing[i] && round.counts[i] == lowest) candidates.push_back(i);
    std::size_t out = candidates.back();
    for (const auto& earlier : r.rounds) {  // fewer votes in the earliest round where they differ
      std::uint32_t least = UINT32_MAX;
      for (std::size_t c : candidates) least = std::min(least, earlier.counts[c]);
      std::vector<std::size_t> still;
      for (std::size_t c : candidates)
        if (earlier.counts[c] == least) still.push_back(c);
      if (still.size() < candidates.size()) {
        candidates = still;
        out = candidates.back();
        if (candidates.size() == 1) break;
      }
    }
    round.eliminated = static_cast<std::int32_t>(out);
    standing[out] = false;
    r.rounds.push_back(round);
  }
}

}  // namespace

PollResult count_poll(const Poll& poll) {
  PollResult r;
  r.voters = static_cast<std::uint32_t>(poll.voters.size());
  const PollSpec& spec = poll.spec;
  if (spec.anonymous && r.voters < spec.min_voters) {
    r.withheld = true;
    return r;
  }
  const auto ballots = ballots_of(poll);
  switch (spec.kind) {
    case PollKind::single_choice:
    case PollKind::multiple_choice:
      r.counts.assign(spec.options.size(), 0);
      for (const Ballot* b : ballots)
        for (std::uint32_t c : b->choices) ++r.counts[c];
      r.winner = unique_max(r.counts);
      break;
    case PollKind::scale: {
      r.counts.assign(static_cast<std::size_t>(spec.scale_max - spec.scale_min + 1), 0);
      long long sum = 0;
      for (const Ballot* b : ballots) {
        ++r.counts[static_cast<std::size_t>(b->scale - spec.scale_min)];
        sum += b->scale;
      }
      r.mean = ballots.empty() ? 0.0 : static_cast<double>(sum) / static_cast<double>(ballots.size());
      break;
    }
    case PollKind::ranked_choice:
      r.counts.assign(spec.options.size(), 0);
      for (const Ballot* b : ballots)
        if (!b->choices.empty()) ++r.counts[b->choices.front()];
      if (!ballots.empty()) instant_runoff(spec, ballots, r);
      break;
    case PollKind::open_text:
      for (const Ballot* b : ballots) r.answers.push_back(b->text);
      std::sort(r.answers.begin(), r.answers.end());
      break;
  }
  return r;
}

std::optional<std::string> ballot_problem(const PollSpec& spec, const Ballot& b) {
  const std::size_t n = spec.options.size();
  const auto distinct_in_range = [&](std::size_t min_count, std::size_t max_count) -> std::optional<std::string> {
    if (b.choices.size() < min_count || b.choices.size() > max_count)
      return "choose " + (min_count == max_count ? std::to_string(min_count)
                                                 : std::to_string(min_count) + " to " + std::to_string(max_count)) +
             (max_count == 1 ? " option" : " options");
    std::set<std::uint32_t> seen;
    for (std::uint32_t c : b.choices) {
      if (c >= n) return "option " + std::to_string(c) + " does not exist";
      if (!seen.insert(c).second) return "an option is chosen twice";
    }
    return std::nullopt;
  };
  if (spec.kind != PollKind::scale && b.scale != 0) return "only scale polls take a scale value";
  if (spec.kind != PollKind::open_text && !b.text.empty()) return "only open-text polls take a text answer";
  switch (spec.kind) {
    case PollKind::single_choice: return distinct_in_range(1, 1);
    case PollKind::multiple_choice: return distinct_in_range(1, spec.max_choices);
    case PollKind::ranked_choice: return distinct_in_range(1, n);
    case PollKind::scale:
      if (!b.choices.empty()) return "a scale poll takes a value, not options";
      if (b.scale < spec.scale_min || b.scale > spec.scale_max)
        return "the value must be from " + std::to_string(spec.scale_min) + " to " + std::to_string(spec.scale_max);
      return std::nullopt;
    case PollKind::open_text:
      if (!b.choices.empty()) return "an open-text poll takes a text answer, not options";
      if (trim(b.text).empty()) return "the answer is empty";
      if (!acceptable_text(b.text, max_answer_chars))
        return "the answer must be valid text of at most " + std::to_string(max_answer_chars) + " characters";
      return std::nullopt;
  }
  return "unknown poll kind";
}

bool results_visible(const Poll& poll, bool viewer_voted) {
  if (poll.status == PollStatus::closed) return poll.result && !poll.result->withheld;
  if (poll.status != PollStatus::open || poll.spec.anonymous) return false;
  return poll.spec.shown == ResultsShown::live || (poll.spec.shown == ResultsShown::after_vote && viewer_voted);
}

std::string describe_result(const Poll& poll, const PollResult& r, std::string_view language) {
  const auto& spec = poll.spec;
  const auto say = [&](std::string_view key, WordValues values = {}) { return record_words(language, key, values); };
  if (r.withheld) return say("result.withheld", {{"voters", std::to_string(r.voters)}, {"needed", std::to_string(spec.min_voters)}});
  const std::string voters = record_count(language, "voters", r.voters);
  switch (spec.kind) {
    case PollKind::single_choice:
    case PollKind::multiple_choice:
      if (r.winner < 0) return say("result.tie");
      return say("result.choice", {{"option", spec.options[static_cast<std::size_t>(r.winner)]},
                                   {"votes", std::to_string(r.counts[static_cast<std::size_t>(r.winner)])},
                                   {"voters", voters}});
    case PollKind::ranked_choice:
      if (r.winner < 0) return say("result.ranked_none");
      return say("result.ranked", {{"option", spec.options[static_cast<std::size_t>(r.winner)]},
                                   {"rounds", record_count(language, "rounds", r.rounds.size())},
                                   {"voters", voters}});
    case PollKind::scale: {
      char mean[32];
      std::snprintf(mean, sizeof mean, "%.2f", r.mean);
      return say("result.scale", {{"mean", mean}, {"min", std::to_string(spec.scale_min)}, {"max", std::to_string(spec.scale_max)},
                                  {"voters", voters}});
    }
    case PollKind::open_text: return say("result.answers", {{"count", std::to_string(r.answers.size())}});
  }
  return "";
}

namespace rules {
namespace {

const Poll* find_poll(const MeetingState& s, std::uint32_t id) {
  return id >= 1 && id <= s.polls.size() ? &s.polls[id - 1] : nullptr;
}

Outcome no_poll(std::uint32_t id) {
  return Outcome::reject(ErrorCode::not_found, "there is no poll " + std::to_string(id) + " in this meeting");
}

// Whoever votes takes part: a voter not counted as eligible (away when the poll opened, or joined
// since) is counted now, so that a poll never shows more voters than eligible people.
void count_as_eligible(Poll& p, ParticipantId who) {
  if (p.counted.insert(who).second) ++p.eligible;
}

// Who can vote: everyone present, but in an anonymous poll not proxies (a facilitator voting for
// one would see their secret choice), so that "N of M voted" can reach M.
std::uint32_t eligible_now(const MeetingState& s, bool anonymous) {
  std::uint32_t eligible = 0;
  for (const auto& person : s.participants)
    if (is_present(person) && !(anonymous && person.proxy)) ++eligible;
  return eligible;
}

}  // namespace

Outcome decide_command(const Context& ctx, const OpenPoll& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("open a poll");
  const PollSpec& spec = c.spec;
  if (auto bad = check_text(spec.question, max_question_chars, "The question", true)) return *bad;
  const bool has_options = spec.kind == PollKind::single_choice || spec.kind == PollKind::multiple_choice ||
                           spec.kind == PollKind::ranked_choice;
  if (has_options) {
    if (spec.options.size() < 2 || spec.options.size() > max_poll_options)
      return Outcome::reject(ErrorCode::invalid_argument,
                             "a poll has 2 to " + std::to_string(max_poll_options) + " options");
    std::set<std::string> seen;
    for (const auto& o : spec.options) {
      if (auto bad = check_text(o, max_option_chars, "An option", true)) return *bad;
      if (!seen.insert(fold_name(o)).second)
        return Outcome::reject(ErrorCode::invalid_argument, "two options read the same: \"" + o + "\"");
    }
  } else if (!spec.options.empty()) {
    return Outcome::reject(ErrorCode::invalid_argument, "only choice and ranked polls have options");
  }
  if (spec.kind == PollKind::multiple_choice && (spec.max_choices < 1 || spec.max_choices > spec.options.size()))
    return Outcome::reject(ErrorCode::invalid_argument, "max_choices must be from 1 to the number of options");
  if (spec.kind == PollKind::scale) {
    if (spec.scale_min >= spec.scale_max || spec.scale_min < -100 || spec.scale_max > 100 ||
        spec.scale_max - spec.scale_min > 20)
      return Outcome::reject(ErrorCode::invalid_argument,
                             "a scale runs from min to max, within -100 to 100, at most 20 steps");
    if (auto bad = check_text(spec.min_label, 60, "The low label", false)) return *bad;
    if (auto bad = check_text(spec.max_label, 60, "The high label", false)) return *bad;
  }
  if (spec.anonymous && spec.shown != ResultsShown::at_close)
    return Outcome::reject(ErrorCode::invalid_argument,
                           "an anonymous poll shows its results only at close, so nobody can watch a tally move");
  if (spec.min_voters < 1 || spec.min_voters > 1000)
    return Outcome::reject(ErrorCode::invalid_argument, "min_voters must be from 1 to 1000");
  PollSpec clean = spec;
  clean.question = std::string(trim(spec.question));
  for (auto& o : clean.options) o = std::string(trim(o));
  const auto id = static_cast<std::uint32_t>(ctx.state.polls.size() + 1);
  if (c.draft) return Outcome::of({PollDrafted{id, std::move(clean)}});
  const std::uint32_t eligible = eligible_now(ctx.state, clean.anonymous);
  return Outcome::of({PollOpened{id, std::move(clean), eligible}});
}

Outcome decide_command(const Context& ctx, const OpenDraftPoll& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("open a poll");
  const Poll* poll = find_poll(ctx.state, c.poll);
  if (!poll) return no_poll(c.poll);
  if (poll->status != PollStatus::draft) return Outcome::reject(ErrorCode::closed, "this poll is not a draft waiting to open");
  return Outcome::of({DraftPollOpened{c.poll, eligible_now(ctx.state, poll->spec.anonymous)}});
}

Outcome decide_command(const Context& ctx, const CastVote& c) {
  const Poll* poll = find_poll(ctx.state, c.poll);
  if (!poll) return no_poll(c.poll);
  if (poll->status == PollStatus::draft) return Outcome::reject(ErrorCode::closed, "this poll has not been opened yet");
  if (poll->status != PollStatus::open) return Outcome::reject(ErrorCode::closed, "this poll is no longer open");
  const Participant* voter = ctx.state.find_active(c.who);
  if (!voter) return unknown(c.who);
  if (c.who != ctx.actor) {
    if (poll->spec.anonymous)
      return Outcome::reject(ErrorCode::not_allowed, "nobody can vote for someone else in an anonymous poll");
    if (!ctx.acts_for(c.who)) return not_allowed("vote for someone else");
  }
  if (voter->role == Role::observer) return Outcome::reject(ErrorCode::not_allowed, "the room display does not vote");
  if (auto problem = ballot_problem(poll->spec, c.ballot)) return Outcome::reject(ErrorCode::invalid_ballot, *problem);
  Ballot ballot = c.ballot;
  if (poll->spec.kind == PollKind::open_text) ballot.text = std::string(trim(ballot.text));
  if (poll->spec.kind == PollKind::multiple_choice) std::sort(ballot.choices.begin(), ballot.choices.end());
  if (!poll->spec.anonymous) return Outcome::of({VoteRecorded{c.poll, c.who, std::move(ballot)}});
  if (poll->voters.contains(c.who))
    return Outcome::reject(ErrorCode::already_voted, "you have voted in this anonymous poll; it cannot be changed");
  return Outcome::of({VoterRecorded{c.poll, c.who}, BallotCounted{c.poll, std::move(ballot)}});
}

Outcome decide_command(const Context& ctx, const ClosePoll& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("close a poll");
  const Poll* poll = find_poll(ctx.state, c.poll);
  if (!poll) return no_poll(c.poll);
  if (poll->status == PollStatus::draft) return Outcome::reject(ErrorCode::closed, "this poll is a draft: open it first");
  if (poll->status != PollStatus::open)
    return Outcome::reject(ErrorCode::closed, "this poll has ended; a closed poll cannot be reopened");
  if (auto bad = check_review_date(c.review_date)) return *bad;
  PollResult result = count_poll(*poll);
  std::vector<Event> events{PollClosed{c.poll, result}};
  if (poll->spec.is_decision) {
    std::string text = poll->spec.question;
    for (std::size_t i = 0; i < poll->spec.options.size(); ++i)
      text += "\n" + std::to_string(i + 1) + ". " + poll->spec.options[i];
    std::vector<std::string> dissent;
    if (!result.withheld && result.winner >= 0 &&
        (poll->spec.kind == PollKind::single_choice || poll->spec.kind == PollKind::ranked_choice)) {
      for (std::size_t i = 0; i < result.counts.size(); ++i)
        if (static_cast<std::int32_t>(i) != result.winner && result.counts[i] > 0)
          dissent.push_back(record_count(ctx.state.language, "votes_for", result.counts[i], {{"option", poll->spec.options[i]}}));
    }
    events.push_back(DecisionRecorded{make_decision(
        ctx, poll->spec.question, std::move(text),
        record_words(ctx.state.language, poll->spec.anonymous ? "method.poll_anonymous" : "method.poll_named",
                     {{"kind", record_words(ctx.state.language, "kind." + std::string(name_of(poll->spec.kind)))}}),
        poll->spec.anonymous, describe_result(*poll, result, ctx.state.language), std::move(dissent), c.review_date,
        poll->voters)});
  }
  return Outcome::of(std::move(events));
}

Outcome decide_command(const Context& ctx, const CancelPoll& c) {
  if (!ctx.actor_runs_queue()) return not_allowed("cancel a poll");
  const Poll* poll = find_poll(ctx.state, c.poll);
  if (!poll) return no_poll(c.poll);
  // A draft can be deleted the same way (it was never seen by participants).
  if (poll->status != PollStatus::open && poll->status != PollStatus::draft)
    return Outcome::reject(ErrorCode::closed, "this poll has ended already");
  return Outcome::of({PollCancelled{c.poll}});
}

void apply_event(MeetingState& s, const PollOpened& e, Millis at) {
  Poll p;
  p.id = e.poll;
  p.spec = e.spec;
  p.eligible = e.eligible;
  for (const auto& person : s.participants)
    if (is_present(person) && !(p.spec.anonymous && person.proxy)) p.counted.insert(person.id);  // as e.eligible counts
  p.opened_at = at;
  p.agenda_item = s.current_item;
  s.polls.push_back(std::move(p));
}

void apply_event(MeetingState& s, const PollDrafted& e, Millis) {
  Poll p;
  p.id = e.poll;
  p.spec = e.spec;
  p.status = PollStatus::draft;
  p.opened = false;
  s.polls.push_back(std::move(p));
}

// As PollOpened, for a poll that was prepared: who may vote and the agenda item are those of now.
void apply_event(MeetingState& s, const DraftPollOpened& e, Millis at) {
  Poll& p = s.polls[e.poll - 1];
  p.status = PollStatus::open;
  p.opened = true;
  p.eligible = e.eligible;
  for (const auto& person : s.participants)
    if (is_present(person) && !(p.spec.anonymous && person.proxy)) p.counted.insert(person.id);
  p.opened_at = at;
  p.agenda_item = s.current_item;
}

void apply_event(MeetingState& s, const VoteRecorded& e, Millis) {
  auto& p = s.polls[e.poll - 1];
  count_as_eligible(p, e.who);
  p.voters.insert(e.who);
  p.named[e.who] = e.ballot;
}

void apply_event(MeetingState& s, const VoterRecorded& e, Millis) {
  auto& p = s.polls[e.poll - 1];
  count_as_eligible(p, e.who);
  p.voters.insert(e.who);
}

void apply_event(MeetingState& s, const BallotCounted& e, Millis) {
  auto& ballots = s.polls[e.poll - 1].anonymous;
  ballots.insert(std::upper_bound(ballots.begin(), ballots.end(), e.ballot), e.ballot);
}

void apply_event(MeetingState& s, const PollClosed& e, Millis) {
  auto& p = s.polls[e.poll - 1];
  p.status = PollStatus::closed;
  p.result = e.result;
  // A withheld result must not be recomputable: its ballots are discarded.
  if (e.result.withheld) p.anonymous.clear();
}

void apply_event(MeetingState& s, const PollCancelled& e, Millis) {
  auto& p = s.polls[e.poll - 1];
  p.status = PollStatus::cancelled;
  p.named.clear();
  p.anonymous.clear();
}

}  // namespace rules
}  // namespace everyvoice::core
