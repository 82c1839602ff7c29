// A server's SQLite database (transport/storage): what a restarted server reads back is what
// it wrote, the tables people read follow the records, errors name the file and the key, and
// opening waits for another process that holds the database for a moment.
#include "transport/storage/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "core/common/byte_io.h"
#include "core/services/pong/book.h"
#include "core/services/pong/leaderboard.h"
#include "core/wire/message_types.h"

namespace dp::storage {
namespace {

class StoreTest : public ::testing::Test {
 protected:
  StoreTest() {
    std::string dir = (std::filesystem::temp_directory_path() / "dp-store-test-XXXXXX").string();
    EXPECT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
  }
  ~StoreTest() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> open(bool read_only = false) {
    auto store = Store::open(dir_, read_only);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error());
    return store.ok() ? std::move(*store) : nullptr;
  }
  std::string db_path() const { return dir_ + "/" + Store::kFileName; }
  void sql(const std::string& text) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path().c_str(), &db), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << text;
    sqlite3_close(db);
  }

  std::string dir_;
};

TEST_F(StoreTest, TheIdAndTheTermsSurviveAReopen) {
  const NodeId id{0x1234, 0x5678};
  PersistentState state;
  state.highest_term = 7;
  state.last_epoch = Epoch{6, NodeId{3, 3}};
  state.peers_known = 4;
  state.replacement = true;
  {
    auto store = open();
    ASSERT_NE(store, nullptr);
    EXPECT_GE(store->schema_version(), 1);
    EXPECT_FALSE(store->server_id()->has_value()) << "no id before the first start";
    EXPECT_EQ(store->set_server_id(id), "");
    Outbox out;
    out.persist(state);
    EXPECT_EQ(store->write(out), "");
  }
  auto store = open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->server_id()->value(), id);
  EXPECT_EQ(*store->persistent_state(), state);
}

TEST_F(StoreTest, AStepsRecordsAndPositionAreReadBackInKeyOrder) {
  {
    auto store = open();
    Outbox out;
    const std::vector<std::uint8_t> a{1, 2, 3};
    const std::vector<std::uint8_t> b{4};
    out.put(RecordKey{1, 1, 9}, a);
    out.put(RecordKey{1, 1, 2}, b);
    out.put(RecordKey{1, 2, 0}, a);
    out.durable_position(Position{Epoch{2, NodeId{1, 1}}, 40});
    ASSERT_EQ(store->write(out), "");
    out.clear();
    out.erase(RecordKey{1, 2, 0});
    out.durable_position(Position{Epoch{2, NodeId{1, 1}}, 41});
    ASSERT_EQ(store->write(out), "");
  }
  auto store = open();
  const auto durable = store->durable_state();
  ASSERT_TRUE(durable.ok()) << durable.error();
  EXPECT_EQ(durable->position, (Position{Epoch{2, NodeId{1, 1}}, 41}));
  ASSERT_EQ(durable->records.size(), 2u);
  EXPECT_EQ(durable->records[0].key, (RecordKey{1, 1, 2}));
  EXPECT_EQ(durable->records[1].key, (RecordKey{1, 1, 9}));
  EXPECT_EQ(durable->records[1].value, (std::vector<std::uint8_t>{1, 2, 3}));
}

TEST_F(StoreTest, PongResultsAndTheClusterIdentityReachTheTablesPeopleRead) {
  auto store = open();
  pong::MatchResult result;
  result.number = 1;
  result.room = 3;
  result.room_name.assign("finals");
  result.players[0].assign("ada");
  result.players[1].assign("bob");
  result.score = pong::Score{5, 3};
  result.winner = 0;
  std::vector<std::uint8_t> value;
  ByteWriter w(value);
  pong::Leaderboard::put_result(w, result);
  Outbox out;
  out.put(RecordKey{wire::kPongService, pong::RoomBook::kResultTable, 1}, value);
  std::vector<std::uint8_t> identity;
  ByteWriter iw(identity);
  iw.put(std::uint64_t{4});
  iw.put(std::uint64_t{0xab});
  iw.put(std::uint64_t{0xcd});
  out.put(RecordKey{wire::kPongService, pong::RoomBook::kMetaTable, 1}, identity);
  ASSERT_EQ(store->write(out), "");

  const auto rows = store->last_results(10);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].player_left, "ada");
  EXPECT_EQ((*rows)[0].room_name, "finals");
  EXPECT_EQ((*rows)[0].score_left, 5);
  EXPECT_EQ((*rows)[0].winner, "left");
  EXPECT_EQ(store->cluster_identity()->value(),
            cluster_identity_text(Epoch{4, NodeId{0xab, 0xcd}}));
  EXPECT_EQ(store->results_after(0, 10)->size(), 1u);
  EXPECT_TRUE(store->results_after(1, 10)->empty());
}

TEST_F(StoreTest, ABadValueOnDiskIsAnErrorNamingTheFileAndTheKey) {
  open();
  sql("INSERT INTO meta (key, value) VALUES ('highest_term', 'many')");
  auto store = open();
  const auto state = store->persistent_state();
  ASSERT_FALSE(state.ok());
  EXPECT_NE(state.error().find(db_path()), std::string::npos) << state.error();
  EXPECT_NE(state.error().find("highest_term"), std::string::npos) << state.error();
}

TEST_F(StoreTest, OpeningWaitsForAnotherProcessHoldingTheDatabase) {
  open();
  // Found by e2e.durable_restart: a restarted server failed with "database is locked" because
  // a sqlite3 reader held the database while it recovered the WAL of the killed server.
  // Another connection that holds the database exclusively (as WAL recovery does) until it
  // closes, 300 ms later.
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db_path().c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other,
                         "PRAGMA locking_mode = EXCLUSIVE; BEGIN EXCLUSIVE; "
                         "INSERT INTO meta (key, value) VALUES ('other', 'x'); COMMIT;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK);
  std::thread release([other] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sqlite3_close(other);
  });
  auto store = Store::open(dir_);
  release.join();
  EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.error());
}

TEST_F(StoreTest, TheLeaderboardCommandsReadOnlyOpenRefusesAnotherFile) {
  sql("CREATE TABLE t (x)");  // A SQLite file, but not a server's.
  const auto store = Store::open(dir_, /*read_only=*/true);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.error().find("not a pong-server database"), std::string::npos) << store.error();
}

}  // namespace
}  // namespace dp::storage
