// The event log's promises, checked the same way against each backend: SQLite in a temporary
// folder, and PostgreSQL in a private cluster this test starts (tests/store/postgres_cluster.hpp).
// A meeting comes back as it was committed; anonymous ballots are stored apart and come back
// sorted; a withheld or cancelled poll drops its ballots; exactly-once keeps each person's newest
// ids; a failed write refuses the meeting's later writes until it recovers; deletion and
// retention; groups and redaction; group commit.
#include "store/event_log.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <future>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/meeting.hpp"
#include "store/event_format.hpp"
#include "store/postgres_cluster.hpp"

namespace everyvoice::store {
namespace {

using core::ParticipantId;

// Started once for the whole program, when a test first needs it.
testing::PostgresCluster& postgres() {
  static std::unique_ptr<testing::PostgresCluster> started = [] {
    std::string error;
    auto c = testing::PostgresCluster::start(error);
    if (!c) ADD_FAILURE() << "the test's PostgreSQL cluster: " << error;
    return c;
  }();
  if (!started) throw std::runtime_error("no PostgreSQL cluster");
  return *started;
}

// Rows of a query, each row's columns as text, on the backend under test.
class Inspector {
 public:
  virtual ~Inspector() = default;
  virtual std::vector<std::vector<std::string>> rows(const std::string& sql) = 0;
  // Every stored ballot (SQLite keeps a closed poll's apart).
  virtual std::string ballots_sql() const { return "SELECT body FROM ballots"; }
};

class SqliteInspector : public Inspector {
 public:
  explicit SqliteInspector(std::string path) : path_(std::move(path)) {}
  std::string ballots_sql() const override { return "SELECT body FROM ballots UNION ALL SELECT body FROM closed_ballots"; }
  std::vector<std::vector<std::string>> rows(const std::string& sql) override {
    sqlite3* db = nullptr;
    std::vector<std::vector<std::string>> out;
    if (sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) throw std::runtime_error("open");
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) throw std::runtime_error(sqlite3_errmsg(db));
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::vector<std::string> row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt, i));
        row.emplace_back(p ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(stmt, i))) : "");
      }
      out.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return out;
  }

 private:
  std::string path_;
};

class PostgresInspector : public Inspector {
 public:
  explicit PostgresInspector(std::string url) : url_(std::move(url)) {}
  std::vector<std::vector<std::string>> rows(const std::string& sql) override {
    PGconn* conn = PQconnectdb(url_.c_str());
    std::vector<std::vector<std::string>> out;
    PGresult* r = PQexecParams(conn, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 1);
    if (PQresultStatus(r) != PGRES_TUPLES_OK && PQresultStatus(r) != PGRES_COMMAND_OK) {
      const std::string error = PQresultErrorMessage(r);
      PQclear(r);
      PQfinish(conn);
      throw std::runtime_error(error);
    }
    for (int i = 0; i < PQntuples(r); ++i) {
      std::vector<std::string> row;
      for (int j = 0; j < PQnfields(r); ++j)
        row.emplace_back(PQgetvalue(r, i, j), static_cast<std::size_t>(PQgetlength(r, i, j)));
      out.push_back(std::move(row));
    }
    PQclear(r);
    PQfinish(conn);
    return out;
  }

 private:
  std::string url_;
};

// Waits for a callback of the log.
template <class T>
T await(std::future<T> f) {
  if (f.wait_for(std::chrono::seconds(30)) != std::future_status::ready) throw std::runtime_error("the log did not answer");
  return f.get();
}

// Appends one write and waits for its answer: (committed, error).
std::pair<bool, std::string> append_and_wait(EventLog& log, Write w) {
  std::promise<std::pair<bool, std::string>> done;
  log.append(std::move(w), [&](bool ok, const std::string& e) { done.set_value({ok, e}); });
  return await(done.get_future());
}

class EventLogTest : public ::testing::TestWithParam<std::string> {
 public:
  void SetUp() override {
    static std::atomic<int> counter{0};
    const std::string name = "everyvoice_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    if (GetParam() == "PostgreSQL") {
      std::string error;
      ASSERT_TRUE(postgres().create_database(name, error)) << error;
      where = postgres().url(name);
      inspector = std::make_unique<PostgresInspector>(where);
    } else {
      dir = std::filesystem::temp_directory_path() / name;
      std::filesystem::create_directories(dir);
      where = (dir / "everyvoice.db").string();
      inspector = std::make_unique<SqliteInspector>(where);
    }
    open();
  }
  void TearDown() override {
    log.reset();
    if (!dir.empty()) std::filesystem::remove_all(dir);
  }

  void open(std::size_t remembered = 100) {
    log.reset();
    std::string error;
    log = EventLog::open(where, Durability::full, error);
    ASSERT_TRUE(log) << error;
    loaded = log->load_all(2000, error);
    ASSERT_EQ(error, "");
    groups = log->load_groups(error);
    ASSERT_EQ(error, "");
    log->set_remembered_commands(remembered);
    log->start();
  }

  std::int64_t create(const std::string& code, std::vector<core::Stamped> events) {
    std::promise<std::int64_t> done;
    log->create_meeting(code, std::string(32, 'k'), 1000, std::move(events),
                        [&](std::int64_t id, const std::string& error) {
                          EXPECT_EQ(error, "");
                          done.set_value(id);
                        });
    return await(done.get_future());
  }

  std::pair<bool, std::string> append(Write write) {
    std::promise<std::pair<bool, std::string>> done;
    log->append(std::move(write), [&](bool ok, const std::string& error) { done.set_value({ok, error}); });
    return await(done.get_future());
  }

  std::string where;
  std::filesystem::path dir;
  std::unique_ptr<Inspector> inspector;
  std::unique_ptr<EventLog> log;
  std::vector<LoadedMeeting> loaded;
  std::vector<LoadedGroup> groups;
};

// A meeting run by the core, its writes sent to the log as the room sends them.
struct Meeting {
  EventLogTest& t;
  std::int64_t id = 0;
  core::MeetingState state;
  std::string code;

  Meeting(EventLogTest& test, std::string meeting_code) : t(test), code(std::move(meeting_code)) {
    auto opening = core::stamp(state, {core::MeetingOpened{"Store test"}}, 1000);
    for (const auto& e : opening) core::apply(state, e);
    id = t.create(code, opening);
  }

  // Decides and applies `command`, then appends its events (and a snapshot, when asked).
  std::pair<bool, std::string> run(ParticipantId actor, core::Command command, std::optional<TokenRecord> token = {},
                                   std::optional<std::string> client_id = {}, bool snapshot = false) {
    auto handled = core::handle(state, actor, command, 2000 + static_cast<core::Millis>(state.seq));
    EXPECT_TRUE(handled.accepted()) << (handled.rejection ? handled.rejection->message : "");
    Write w;
    w.meeting = id;
    w.events = handled.events;
    w.token = std::move(token);
    if (client_id) w.command = CommandRecord{actor, *client_id, state.seq, 42};
    if (snapshot) w.snapshot = encode_state(state);
    return t.append(std::move(w));
  }

  ParticipantId join(const std::string& name, core::Role role = core::Role::participant) {
    core::Join j;
    j.name = name;
    j.role = role;
    std::string hash = code + std::string(26, static_cast<char>('a' + state.participants.size()));  // 32 bytes
    const auto joining = static_cast<ParticipantId>(state.participants.size() + 1);
    const auto result = run(core::server_actor, j, TokenRecord{hash, joining});
    EXPECT_TRUE(result.first) << result.second;
    return static_cast<ParticipantId>(state.participants.size());
  }

  std::uint32_t open_anonymous_poll(std::uint32_t min_voters = 3) {
    core::OpenPoll open;
    open.spec.question = "Which day?";
    open.spec.options = {"Monday", "Tuesday", "Wednesday"};
    open.spec.anonymous = true;
    open.spec.min_voters = min_voters;
    EXPECT_TRUE(run(1, open).first);
    return static_cast<std::uint32_t>(state.polls.size());
  }

  void vote(std::uint32_t poll, ParticipantId who, std::uint32_t choice) {
    core::CastVote v;
    v.poll = poll;
    v.who = who;
    v.ballot.choices = {choice};
    const auto result = run(who, v);
    EXPECT_TRUE(result.first) << result.second;
  }
};

const LoadedMeeting* find(const std::vector<LoadedMeeting>& all, std::int64_t id) {
  for (const auto& m : all)
    if (m.id == id) return &m;
  return nullptr;
}

TEST_P(EventLogTest, AMeetingComesBackAsItWasCommitted) {
  Meeting m(*this, "ACDEFH");
  const auto facilitator = m.join("Ana", core::Role::facilitator);
  const auto bo = m.join("Bo");
  m.join("Chi");
  ASSERT_TRUE(m.run(bo, core::RaiseHand{bo}, {}, std::string("c1")).first);
  ASSERT_TRUE(m.run(facilitator, core::CallNext{}, {}, std::string("c2"), /*snapshot=*/true).first);
  ASSERT_TRUE(m.run(facilitator, core::EndTurn{}, {}, std::string("c3")).first);

  open();
  const LoadedMeeting* back = find(loaded, m.id);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->code, "ACDEFH");
  EXPECT_EQ(back->key_hash, std::string(32, 'k'));
  EXPECT_EQ(back->state, m.state);
  EXPECT_EQ(back->state.seq, m.state.seq);
  EXPECT_EQ(back->recent.size(), m.state.seq) << "every event, for resuming clients";
  EXPECT_EQ(back->recent.back().seq, m.state.seq);
  EXPECT_EQ(back->tokens.size(), 3u);
  EXPECT_EQ(back->commands.size(), 3u);
  EXPECT_TRUE(back->note.empty()) << back->note;
  EXPECT_TRUE(log->unloadable().empty());
}

TEST_P(EventLogTest, AnonymousBallotsAreStoredApartAndComeBackSorted) {
  Meeting m(*this, "ACDEFJ");
  m.join("Ana", core::Role::facilitator);
  for (const char* name : {"Bo", "Chi", "Dee", "Eli"}) m.join(name);
  const auto poll = m.open_anonymous_poll();
  const std::uint32_t choices[] = {2, 0, 1, 0};
  for (ParticipantId who = 2; who <= 5; ++who) m.vote(poll, who, choices[who - 2]);

  // The event rows hold empty placeholders; four ballot rows hold no person, seq or time.
  const auto ballots = inspector->rows(inspector->ballots_sql());
  ASSERT_EQ(ballots.size(), 4u);
  std::multiset<std::uint32_t> stored;
  for (const auto& row : ballots) stored.insert(decode_ballot(row[0]).choices.at(0));
  EXPECT_EQ(stored, (std::multiset<std::uint32_t>{0, 0, 1, 2}));
  int placeholders = 0;
  for (const auto& row : inspector->rows("SELECT body FROM events")) {
    const core::Event event = decode_event(row[0]);
    if (const auto* counted = std::get_if<core::BallotCounted>(&event)) {
      ++placeholders;
      EXPECT_TRUE(counted->ballot.choices.empty()) << "an event row keeps a ballot";
    }
  }
  EXPECT_EQ(placeholders, 4);

  open();
  const LoadedMeeting* back = find(loaded, m.id);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->state.polls[poll - 1].anonymous, m.state.polls[poll - 1].anonymous) << "sorted, as the live poll";
  ASSERT_EQ(back->state.polls[poll - 1].anonymous.size(), 4u);

  // Closed, the count stands and the ballots stay.
  ASSERT_TRUE(m.run(1, core::ClosePoll{poll, ""}).first);
  const auto& result = m.state.polls[poll - 1].result;
  ASSERT_TRUE(result);
  EXPECT_FALSE(result->withheld);
  EXPECT_EQ(result->counts, (std::vector<std::uint32_t>{2, 1, 1}));
  EXPECT_EQ(inspector->rows(inspector->ballots_sql()).size(), 4u);
}

TEST_P(EventLogTest, AWithheldResultAndACancelledPollLeaveNoBallot) {
  Meeting m(*this, "ACDEFK");
  m.join("Ana", core::Role::facilitator);
  m.join("Bo");
  m.join("Chi");
  const auto withheld = m.open_anonymous_poll(/*min_voters=*/3);
  m.vote(withheld, 2, 1);
  m.vote(withheld, 3, 0);
  ASSERT_EQ(inspector->rows(inspector->ballots_sql()).size(), 2u);
  ASSERT_TRUE(m.run(1, core::ClosePoll{withheld, ""}).first);
  EXPECT_TRUE(m.state.polls[withheld - 1].result.value().withheld);
  EXPECT_TRUE(inspector->rows(inspector->ballots_sql()).empty()) << "a withheld result cannot be recomputed";

  const auto cancelled = m.open_anonymous_poll();
  m.vote(cancelled, 2, 2);
  ASSERT_TRUE(m.run(1, core::CancelPoll{cancelled}).first);
  EXPECT_TRUE(inspector->rows(inspector->ballots_sql()).empty());

  open();
  const LoadedMeeting* back = find(loaded, m.id);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->state, m.state);
}

TEST_P(EventLogTest, ExactlyOnceKeepsEachPersonsNewestIds) {
  open(/*remembered=*/3);
  Meeting m(*this, "ACDEFM");
  m.join("Ana", core::Role::facilitator);
  const auto bo = m.join("Bo");
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(m.run(bo, core::RaiseHand{bo}, {}, "raise-" + std::to_string(i)).first);
    ASSERT_TRUE(m.run(bo, core::LowerHand{bo}, {}, "lower-" + std::to_string(i)).first);
  }
  open(3);
  const LoadedMeeting* back = find(loaded, m.id);
  ASSERT_NE(back, nullptr);
  std::set<std::string> ids;
  for (const auto& c : back->commands) {
    EXPECT_EQ(c.participant, bo);
    EXPECT_EQ(c.fingerprint, 42u);
    ids.insert(c.client_id);
  }
  EXPECT_EQ(ids, (std::set<std::string>{"lower-3", "raise-4", "lower-4"}));
}

// A room forgets old ids; an id used again after that is a new command, and its row replaces the
// old one (which the store may still hold): one row per id, with the newer seq.
TEST_P(EventLogTest, AnIdUsedAgainReplacesItsOldRow) {
  open(/*remembered=*/10);
  Meeting m(*this, "ACDEFT");
  m.join("Ana", core::Role::facilitator);
  const auto bo = m.join("Bo");
  ASSERT_TRUE(m.run(bo, core::RaiseHand{bo}, {}, "a").first);
  ASSERT_TRUE(m.run(bo, core::LowerHand{bo}, {}, "b").first);
  ASSERT_TRUE(m.run(bo, core::RaiseHand{bo}, {}, "a").first);
  const auto newest = m.state.seq;
  open(10);
  const LoadedMeeting* back = find(loaded, m.id);
  ASSERT_NE(back, nullptr);
  std::map<std::string, core::Seq> rows;
  for (const auto& c : back->commands) EXPECT_TRUE(rows.emplace(c.client_id, c.seq).second) << "two rows for " << c.client_id;
  EXPECT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows["a"], newest);
}

TEST_P(EventLogTest, AFailedWriteRefusesTheMeetingsLaterWritesUntilItRecovers) {
  Meeting m(*this, "ACDEFN");
  m.join("Ana", core::Role::facilitator);
  // An event numbered as one already stored: the transaction fails, nothing of it is kept.
  Write clash;
  clash.meeting = m.id;
  clash.events = {core::Stamped{m.state.seq, 5000, core::MeetingOpened{"again"}}};
  const auto failed = append(clash);
  EXPECT_FALSE(failed.first);
  EXPECT_NE(failed.second, "");
  EXPECT_EQ(log->stats().failures, 1u);

  const core::MeetingState before = m.state;
  const auto refused = m.run(1, core::SetLocked{true});
  EXPECT_FALSE(refused.first);
  EXPECT_EQ(refused.second, "an earlier write of this meeting failed");
  m.state = before;  // the room rolls back what was refused

  std::promise<bool> recovered;
  log->recover(m.id, [&](bool ok, const std::string&) { recovered.set_value(ok); });
  ASSERT_TRUE(await(recovered.get_future()));
  const auto ok = m.run(1, core::SetLocked{true});
  EXPECT_TRUE(ok.first) << ok.second;

  open();
  const LoadedMeeting* back = find(loaded, m.id);
  ASSERT_NE(back, nullptr);
  EXPECT_EQ(back->state, m.state);
}

TEST_P(EventLogTest, DeletionRemovesEveryRowOfTheMeetingAndNoOther) {
  Meeting kept(*this, "ACDEFP");
  kept.join("Ana", core::Role::facilitator);
  Meeting gone(*this, "ACDEFQ");
  gone.join("Ana", core::Role::facilitator);
  gone.join("Bo");
  gone.join("Chi");
  const auto poll = gone.open_anonymous_poll(/*min_voters=*/1);
  gone.vote(poll, 2, 1);
  gone.vote(poll, 3, 0);
  ASSERT_TRUE(gone.run(1, core::ClosePoll{poll, ""}).first);
  const auto poll2 = gone.open_anonymous_poll();
  gone.vote(poll2, 2, 1);
  ASSERT_EQ(inspector->rows(inspector->ballots_sql()).size(), 3u) << "a closed poll's ballots and an open one's";
  ASSERT_TRUE(gone.run(1, core::EndMeeting{}, {}, std::string("end"), true).first);

  std::promise<std::vector<std::int64_t>> ended;
  log->ended_before(1'000'000'000, [&](std::vector<std::int64_t> ids) { ended.set_value(std::move(ids)); });
  EXPECT_EQ(await(ended.get_future()), std::vector<std::int64_t>{gone.id});

  std::promise<bool> deleted;
  log->delete_meeting(gone.id, [&](bool ok, const std::string&) { deleted.set_value(ok); });
  ASSERT_TRUE(await(deleted.get_future()));
  const std::string id = std::to_string(gone.id);
  for (const char* table : {"events", "ballots", "snapshots", "tokens", "commands"})
    EXPECT_TRUE(inspector->rows(std::string("SELECT meeting FROM ") + table + " WHERE meeting = " + id).empty()) << table;
  EXPECT_TRUE(inspector->rows("SELECT id FROM meetings WHERE id = " + id).empty());
  EXPECT_TRUE(inspector->rows(inspector->ballots_sql()).empty()) << "the kept meeting had none";

  open();
  ASSERT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded[0].id, kept.id);
  EXPECT_EQ(loaded[0].state, kept.state);
}

TEST_P(EventLogTest, AGroupComesBackWithItsRedactedEventsErased) {
  core::GroupState state;
  std::vector<core::GroupStamped> events{{1, 1000, core::GroupCreated{"Tenants' panel"}}};
  for (const auto& e : events) core::apply(state, e);
  std::promise<std::int64_t> created;
  log->create_group("GRPCDE", std::string(32, 'g'), 1000, events,
                    [&](std::int64_t id, const std::string&) { created.set_value(id); });
  const std::int64_t id = await(created.get_future());
  ASSERT_GT(id, 0);

  const auto append_change = [&](const core::GroupChange& change) {
    std::vector<core::GroupStamped> stamped;
    for (const auto& e : change.events) stamped.push_back(core::GroupStamped{state.seq + stamped.size() + 1, 2000, e});
    std::promise<std::pair<bool, std::string>> done;
    log->append_group(id, stamped, [&](bool ok, const std::string& error) { done.set_value({ok, error}); }, change.redact);
    const auto result = await(done.get_future());
    if (result.first)
      for (const auto& e : stamped) core::apply(state, e);
    return result;
  };
  ASSERT_TRUE(append_change(core::add_member(state, "Dara Quill", std::string(64, 'a'), 10)).first);
  ASSERT_TRUE(append_change(core::add_member(state, "Eun", std::string(64, 'b'), 10)).first);
  const auto leave = core::remove_member(state, 1);
  ASSERT_FALSE(leave.redact.empty());
  ASSERT_TRUE(append_change(leave).first);

  // No row keeps the name of the member who left.
  for (const auto& row : inspector->rows("SELECT body FROM group_events"))
    EXPECT_EQ(row[0].find("Dara Quill"), std::string::npos);

  // Redacting an event that is not stored fails the whole write: nothing of it is kept.
  core::GroupChange bogus;
  bogus.events = {core::GroupRetentionSet{30}};
  bogus.redact = {99};
  EXPECT_FALSE(append_change(bogus).first);

  open();
  ASSERT_EQ(groups.size(), 1u);
  EXPECT_EQ(groups[0].code, "GRPCDE");
  EXPECT_EQ(groups[0].state, state);
  EXPECT_TRUE(log->unloadable_groups().empty());
}

TEST_P(EventLogTest, WritesThatArriveTogetherShareACommit) {
  std::vector<std::unique_ptr<Meeting>> meetings;
  const std::string alphabet = "ACDEFHJKMNPQRTUVWXY34679";
  for (int i = 0; i < 8; ++i) {
    meetings.push_back(std::make_unique<Meeting>(*this, std::string("BATCH") + alphabet[static_cast<std::size_t>(i)]));
    meetings.back()->join("Ana", core::Role::facilitator);
  }
  const auto before = log->stats();
  // Hold the writer while 200 writes queue up, then let it take them.
  std::promise<void> release;
  auto released = release.get_future().share();
  log->run_on_writer([released] { released.wait(); });
  std::vector<std::future<bool>> answers;
  std::vector<std::shared_ptr<std::promise<bool>>> promises;
  for (int round = 0; round < 25; ++round) {
    for (auto& m : meetings) {
      auto handled = core::handle(m->state, 1, core::SetLocked{round % 2 == 0}, 3000);
      ASSERT_TRUE(handled.accepted());
      Write w;
      w.meeting = m->id;
      w.events = handled.events;
      auto p = std::make_shared<std::promise<bool>>();
      answers.push_back(p->get_future());
      log->append(std::move(w), [p](bool ok, const std::string&) { p->set_value(ok); });
    }
  }
  release.set_value();
  for (auto& a : answers) EXPECT_TRUE(await(std::move(a)));
  const auto after = log->stats();
  EXPECT_EQ(after.writes - before.writes, 200u);
  EXPECT_LE(after.commits - before.commits, 2u) << "the queued writes are committed together";
  EXPECT_GE(after.batch_max, 100u);

  open();
  for (const auto& m : meetings) {
    const LoadedMeeting* back = find(loaded, m->id);
    ASSERT_NE(back, nullptr);
    EXPECT_EQ(back->state, m->state);
  }
}

INSTANTIATE_TEST_SUITE_P(Backends, EventLogTest, ::testing::Values("SQLite", "PostgreSQL"),
                         [](const ::testing::TestParamInfo<std::string>& backend) { return backend.param; });

// --- PostgreSQL only ---

class PostgresStoreTest : public ::testing::Test {
 protected:
  std::string fresh_database() {
    static std::atomic<int> counter{0};
    const std::string name = "everyvoice_pg_" + std::to_string(::getpid()) + "_" + std::to_string(counter++);
    std::string error;
    EXPECT_TRUE(postgres().create_database(name, error)) << error;
    return postgres().url(name);
  }

  // A started log on `url` with one meeting, whose writes go through write().
  struct OneMeeting {
    std::unique_ptr<EventLog> log;
    std::int64_t id = 0;
    core::MeetingState state;

    OneMeeting(const std::string& url, const std::string& code) {
      std::string error;
      log = EventLog::open(url, Durability::full, error);
      if (!log) throw std::runtime_error(error);
      log->load_all(10, error);
      log->start();
      auto opening = core::stamp(state, {core::MeetingOpened{code}}, 1000);
      for (const auto& e : opening) core::apply(state, e);
      std::promise<std::int64_t> created;
      log->create_meeting(code, std::string(32, 'k'), 1000, opening,
                          [&](std::int64_t meeting, const std::string&) { created.set_value(meeting); });
      id = await(created.get_future());
    }
    // Decides `c`, appends its events, and keeps the state only when the write committed.
    std::pair<bool, std::string> write(ParticipantId actor, core::Command c) {
      core::MeetingState next = state;
      auto handled = core::handle(next, actor, c, 2000);
      EXPECT_TRUE(handled.accepted());
      Write w;
      w.meeting = id;
      w.events = handled.events;
      auto result = append_and_wait(*log, std::move(w));
      if (result.first) state = next;
      return result;
    }
  };
};

TEST_F(PostgresStoreTest, AClosedPollsBallotsKeepNoVotingOrderInTheTable) {
  // The heap keeps rows in the order they were written: after the close they are in sorted order.
  const std::string url = fresh_database();
  OneMeeting m(url, "ORDERS");
  const auto run = [&](ParticipantId actor, core::Command c) { EXPECT_TRUE(m.write(actor, std::move(c)).first); };
  for (int i = 0; i < 7; ++i) run(core::server_actor, core::Join{"P" + std::to_string(i), i == 0 ? core::Role::facilitator : core::Role::participant});
  core::OpenPoll open;
  open.spec.question = "Which?";
  open.spec.options = {"a", "b", "c"};
  open.spec.anonymous = true;
  run(1, open);
  // Votes cast in descending order of their choice: the table's order would give them away.
  const std::uint32_t cast[] = {2, 2, 1, 1, 0, 0};
  for (ParticipantId who = 2; who <= 7; ++who) {
    core::CastVote v;
    v.poll = 1;
    v.who = who;
    v.ballot.choices = {cast[who - 2]};
    run(who, v);
  }
  PostgresInspector db(url);
  const auto written_order = db.rows("SELECT body FROM ballots ORDER BY ctid");
  ASSERT_EQ(written_order.size(), 6u);
  EXPECT_EQ(decode_ballot(written_order.front()[0]).choices, std::vector<std::uint32_t>{2}) << "the heap keeps the voting order while open";
  run(1, core::ClosePoll{1, ""});
  const auto after = db.rows("SELECT body FROM ballots ORDER BY ctid");
  ASSERT_EQ(after.size(), 6u);
  std::vector<std::string> bodies;
  for (const auto& row : after) bodies.push_back(row[0]);
  EXPECT_TRUE(std::is_sorted(bodies.begin(), bodies.end())) << "rewritten in sorted order at the close";
  EXPECT_EQ(db.rows("SELECT 1 FROM pg_stat_user_tables WHERE relname = 'ballots' AND n_dead_tup > 0").size(), 0u)
      << "vacuumed: no dead row of the old order";
}

TEST_F(PostgresStoreTest, ADatabaseOfANewerLayoutIsRefusedAndLeftAlone) {
  const std::string url = fresh_database();
  std::string error;
  ASSERT_TRUE(EventLog::open(url, Durability::full, error)) << error;
  PostgresInspector(url).rows("UPDATE everyvoice_schema SET version = 99");
  EXPECT_FALSE(EventLog::open(url, Durability::full, error));
  EXPECT_NE(error.find("newer everyvoice"), std::string::npos) << error;
  EXPECT_EQ(PostgresInspector(url).rows("SELECT version::text FROM everyvoice_schema").at(0).at(0), "99");
}

TEST_F(PostgresStoreTest, ServersStartingTogetherCreateTheTablesOnce) {
  const std::string url = fresh_database();
  std::vector<std::thread> starts;
  std::atomic<int> opened{0};
  std::vector<std::string> errors(4);
  for (int i = 0; i < 4; ++i)
    starts.emplace_back([&, i] {
      if (EventLog::open(url, Durability::full, errors[static_cast<std::size_t>(i)])) ++opened;
    });
  for (auto& t : starts) t.join();
  EXPECT_EQ(opened.load(), 4) << errors[0] << errors[1] << errors[2] << errors[3];
  EXPECT_EQ(PostgresInspector(url).rows("SELECT version FROM everyvoice_schema").size(), 1u);
}

TEST_F(PostgresStoreTest, AWrongAddressIsAClearErrorWithoutThePassword) {
  std::string error;
  EXPECT_FALSE(EventLog::open("postgresql://everyvoice:s3cret-pass@/nowhere?host=/nonexistent-socket-dir", Durability::full, error));
  EXPECT_NE(error.find("cannot connect to PostgreSQL"), std::string::npos) << error;
  EXPECT_EQ(error.find("s3cret-pass"), std::string::npos) << error;
}

TEST_F(PostgresStoreTest, ALostConnectionFailsOneWriteAndTheNextReconnects) {
  const std::string url = fresh_database();
  OneMeeting m(url, "LOSTCN");
  const auto write = [&](core::Command c) { return m.write(core::server_actor, std::move(c)); };
  ASSERT_TRUE(write(core::Join{"Ana", core::Role::facilitator}).first);
  // The database ends the server's session (as a restart or a failover of PostgreSQL would).
  PostgresInspector(url).rows("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()");
  const auto lost = write(core::Join{"Bo"});
  EXPECT_FALSE(lost.first);
  std::promise<bool> recovered;
  m.log->recover(m.id, [&](bool, const std::string&) { recovered.set_value(true); });
  await(recovered.get_future());
  const auto again = write(core::Join{"Bo"});
  EXPECT_TRUE(again.first) << again.second;
  m.log.reset();
  std::string error;
  auto reopened = EventLog::open(url, Durability::full, error);
  ASSERT_TRUE(reopened) << error;
  auto back = reopened->load_all(10, error);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].state, m.state);
}


// --- Several servers on one PostgreSQL database: one owner per meeting, fenced ---

class LeaseTest : public PostgresStoreTest {
 protected:
  // A server's event log on the shared database, named `node`, with short leases.
  struct Server {
    std::unique_ptr<EventLog> log;
    std::mutex mutex;
    std::vector<std::int64_t> lost, wanted;

    Server(const std::string& url, const std::string& node, std::chrono::milliseconds lease) {
      std::string error;
      log = EventLog::open(url, Durability::full, error);
      if (!log) throw std::runtime_error(error);
      EXPECT_TRUE(log->shared());
      log->set_ownership(node, lease);
      log->set_lease_handler([this](std::vector<std::int64_t> l, std::vector<std::int64_t> w) {
        std::lock_guard lock(mutex);
        lost.insert(lost.end(), l.begin(), l.end());
        wanted.insert(wanted.end(), w.begin(), w.end());
      });
      log->start();
    }
    Claimed claim(const std::string& code) {
      std::promise<Claimed> done;
      log->claim(code, 100, [&](Claimed c) { done.set_value(std::move(c)); });
      return await(done.get_future());
    }
    std::pair<bool, std::string> append(std::int64_t meeting, std::int64_t epoch, core::MeetingState& state, core::Command c) {
      core::MeetingState next = state;
      auto handled = core::handle(next, core::server_actor, c, 5000);
      EXPECT_TRUE(handled.accepted());
      Write w;
      w.meeting = meeting;
      w.epoch = epoch;
      w.events = handled.events;
      auto result = append_and_wait(*log, std::move(w));
      if (result.first) state = next;
      return result;
    }
    bool release(std::int64_t meeting, std::int64_t epoch) {
      std::promise<bool> done;
      log->release(meeting, epoch, [&](bool ok, const std::string&) { done.set_value(ok); });
      return await(done.get_future());
    }
    template <class F>
    bool eventually(F condition) {
      for (int i = 0; i < 500; ++i) {
        {
          std::lock_guard lock(mutex);
          if (condition()) return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      return false;
    }
  };

  std::int64_t create(Server& s, const std::string& code) {
    std::promise<std::int64_t> created;
    s.log->create_meeting(code, std::string(32, 'k'), 1000, {core::Stamped{1, 1000, core::MeetingOpened{"Shared"}}},
                          [&](std::int64_t id, const std::string&) { created.set_value(id); });
    return await(created.get_future());
  }
};

TEST_F(LeaseTest, AMeetingHasOneOwnerAndPassesToTheServerThatAsksForIt) {
  const std::string url = fresh_database();
  Server a(url, "node-a", std::chrono::milliseconds(600)), b(url, "node-b", std::chrono::milliseconds(600));
  const std::int64_t id = create(a, "SHARED");
  EXPECT_EQ(b.claim("NOCODE").meeting, std::nullopt);
  EXPECT_EQ(b.claim("NOCODE").held_by, "");

  Claimed first = a.claim("SHARED");
  ASSERT_TRUE(first.meeting) << first.error;
  EXPECT_EQ(first.meeting->id, id);
  EXPECT_EQ(first.meeting->epoch, 1);
  core::MeetingState state = first.meeting->state;
  ASSERT_TRUE(a.append(id, 1, state, core::Join{"Ana", core::Role::facilitator}).first);

  // B is asked for it: A holds it and is alive, so B does not get it, and A hears B wants it.
  const Claimed refused = b.claim("SHARED");
  EXPECT_FALSE(refused.meeting);
  EXPECT_EQ(refused.held_by, "node-a");
  ASSERT_TRUE(a.eventually([&] { return std::count(a.wanted.begin(), a.wanted.end(), id) > 0; }))
      << "A's renewal reports that the meeting is wanted";
  EXPECT_TRUE(a.lost.empty());

  // A lets it go; B takes it with the next epoch and everything A committed.
  ASSERT_TRUE(a.release(id, 1));
  const Claimed second = b.claim("SHARED");
  ASSERT_TRUE(second.meeting) << second.error;
  EXPECT_EQ(second.meeting->epoch, 2);
  EXPECT_EQ(second.meeting->state, state);
  ASSERT_TRUE(b.append(id, 2, state, core::Join{"Bo"}).first);
}

TEST_F(LeaseTest, AnOwnerThatWasPausedCannotWriteOnceAnotherTookTheMeetingOver) {
  const std::string url = fresh_database();
  Server a(url, "node-a", std::chrono::milliseconds(300)), b(url, "node-b", std::chrono::milliseconds(300));
  const std::int64_t id = create(a, "FENCED");
  Claimed mine = a.claim("FENCED");
  ASSERT_TRUE(mine.meeting) << mine.error;
  core::MeetingState a_state = mine.meeting->state;
  ASSERT_TRUE(a.append(id, mine.meeting->epoch, a_state, core::Join{"Ana", core::Role::facilitator}).first);

  // A stops renewing (its writer is held, as a paused process or a cut-off network would be)...
  std::promise<void> resume;
  auto resumed = resume.get_future().share();
  a.log->run_on_writer([resumed] { resumed.wait(); });
  // ...its lease runs out and B takes the meeting over.
  Claimed taken;
  for (int i = 0; i < 200 && !taken.meeting; ++i) {
    taken = b.claim("FENCED");
    if (!taken.meeting) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(taken.meeting) << "B takes over once A's lease ran out";
  EXPECT_EQ(taken.meeting->epoch, mine.meeting->epoch + 1);
  core::MeetingState b_state = taken.meeting->state;
  EXPECT_EQ(b_state, a_state);
  ASSERT_TRUE(b.append(id, taken.meeting->epoch, b_state, core::Join{"Bo"}).first);

  // A wakes up: its write, made against its old epoch, is refused, and A hears it lost the meeting.
  std::pair<bool, std::string> late;
  std::thread writer([&] { late = a.append(id, mine.meeting->epoch, a_state, core::Join{"Late"}); });
  resume.set_value();
  writer.join();
  EXPECT_FALSE(late.first);
  EXPECT_EQ(late.second, lease_lost);
  EXPECT_TRUE(a.eventually([&] { return std::count(a.lost.begin(), a.lost.end(), id) > 0; }));

  // The database holds B's history only.
  std::string error;
  auto reader = EventLog::open(url, Durability::full, error);
  ASSERT_TRUE(reader) << error;
  const auto all = reader->load_all(100, error);
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].state, b_state);
  for (const auto& p : all[0].state.participants) EXPECT_NE(p.name, "Late");
}

TEST_F(LeaseTest, AServerRestartedUnderItsNameTakesItsMeetingsBackAtOnce) {
  const std::string url = fresh_database();
  auto a = std::make_unique<Server>(url, "node-a", std::chrono::seconds(30));
  create(*a, "RESTRT");
  const Claimed before = a->claim("RESTRT");
  ASSERT_TRUE(before.meeting);
  a.reset();  // gone without releasing, as a crash
  Server again(url, "node-a", std::chrono::seconds(30));
  const Claimed after = again.claim("RESTRT");
  ASSERT_TRUE(after.meeting) << "its own lease, 30 s from running out";
  EXPECT_EQ(after.meeting->epoch, before.meeting->epoch + 1) << "writes of the earlier process are fenced";
  Server other(url, "node-b", std::chrono::seconds(30));
  EXPECT_EQ(other.claim("RESTRT").held_by, "node-a");
}

}  // namespace
}  // namespace everyvoice::store
