// The cluster key on disk: key files made by keygen and read back, the errors a user sees
// for a broken or open file, passphrases, and the key flags' validation.
#include "transport/cluster_key_file.h"

#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "transport/keygen_command.h"
#include "transport/server_options.h"

namespace dp {
namespace {

class ClusterKeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string dir = (std::filesystem::temp_directory_path() / "dp-key-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(dir.data()), nullptr);
    dir_ = dir;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes `text` to a file in the test directory with `mode`; returns its path.
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) {
    const std::string path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    EXPECT_EQ(::chmod(path.c_str(), mode), 0);
    return path;
  }

  std::filesystem::path dir_;
};

const std::string kHex = "00112233445566778899aabbccddeeff00112233445566778899AABBCCDDEEFF";

mode_t mode_of(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0);
  return st.st_mode & 07777;
}

TEST_F(ClusterKeyFileTest, KeygenWritesA0600FileThatReadsBack) {
  const std::string path = (dir_ / "cluster.key").string();
  const auto written = write_new_key_file(path);
  ASSERT_TRUE(written.ok()) << written.error();
  EXPECT_EQ(mode_of(path), 0600u);
  const auto read = read_key_file(path);
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(*read, *written);
  // Two keygens make two different keys.
  const auto other = write_new_key_file((dir_ / "other.key").string());
  ASSERT_TRUE(other.ok()) << other.error();
  EXPECT_NE(*other, *written);
}

TEST_F(ClusterKeyFileTest, KeygenNeverOverwrites) {
  const std::string path = (dir_ / "cluster.key").string();
  const auto first = write_new_key_file(path);
  ASSERT_TRUE(first.ok()) << first.error();
  const auto second = write_new_key_file(path);
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.error().find("already exists"), std::string::npos) << second.error();
  const auto read = read_key_file(path);
  ASSERT_TRUE(read.ok()) << read.error();
  EXPECT_EQ(*read, *first) << "the first key is intact";
}

TEST_F(ClusterKeyFileTest, KeygenCommandSaysWhereTheKeyWentAndHowToUseIt) {
  const std::string path = (dir_ / "cluster.key").string();
  std::ostringstream out;
  std::ostringstream err;
  EXPECT_EQ(run_keygen("pong-server", path, out, err), 0) << err.str();
  EXPECT_NE(out.str().find(path), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("--key-file"), std::string::npos) << out.str();
  EXPECT_EQ(run_keygen("pong-server", path, out, err), 1);
  EXPECT_NE(err.str().find("already exists"), std::string::npos) << err.str();
}

TEST_F(ClusterKeyFileTest, ReadsCommentsUppercaseAndNoTrailingNewline) {
  const auto key =
      read_key_file(write("a.key", "# made by hand\npong-cluster-key v1\n\n  # the key:\n" + kHex));
  ASSERT_TRUE(key.ok()) << key.error();
  EXPECT_EQ((*key)[0], 0x00);
  EXPECT_EQ((*key)[1], 0x11);
  EXPECT_EQ((*key)[31], 0xff);
  const auto crlf = read_key_file(write("b.key", "pong-cluster-key v1\r\n" + kHex + "\r\n"));
  ASSERT_TRUE(crlf.ok()) << crlf.error();
  EXPECT_EQ(*crlf, *key);
}

// Each malformed file gives the error a user would see: the file, the line, what is wrong.
TEST_F(ClusterKeyFileTest, MalformedFilesNameFileAndLine) {
  struct Case {
    const char* name;
    std::string text;
    std::string error;  // After "<path>:".
  };
  const Case cases[] = {
      {"empty.key", "", "1: expected 'pong-cluster-key v1', found the end of the file"},
      {"header.key", "pong-cluster-key v2\n" + kHex + "\n",
       "1: expected 'pong-cluster-key v1', found 'pong-cluster-key v2'"},
      {"bare.key", kHex + "\n", "1: expected 'pong-cluster-key v1', found 64 hex digits"},
      {"short.key", "pong-cluster-key v1\n0123456789ab\n", "2: expected 64 hex digits, found 12"},
      {"long.key", "pong-cluster-key v1\n" + kHex + "0\n", "2: expected 64 hex digits, found 65"},
      {"nonhex.key", "pong-cluster-key v1\n# c\n" + kHex.substr(0, 10) + "zz" + kHex.substr(12),
       "3: expected 64 hex digits, found 'z' at column 11"},
      {"nokey.key", "pong-cluster-key v1\n# nothing\n",
       "3: expected 64 hex digits, found the end of the file"},
      {"extra.key", "pong-cluster-key v1\n" + kHex + "\n" + kHex + "\n",
       "3: unexpected text after the key"},
      {"zero.key", "pong-cluster-key v1\n" + std::string(64, '0') + "\n",
       "2: the key is all zeros"},
  };
  for (const Case& c : cases) {
    const std::string path = write(c.name, c.text);
    const auto key = read_key_file(path);
    ASSERT_FALSE(key.ok()) << c.name;
    EXPECT_EQ(key.error(), path + ":" + c.error);
  }
}

TEST_F(ClusterKeyFileTest, FilesOthersCanOpenAreRefused) {
  const std::string text = "pong-cluster-key v1\n" + kHex + "\n";
  const std::string path = write("open.key", text, 0644);
  const auto key = read_key_file(path);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.error(), path + " is readable by others (mode 0644); chmod 600 it");
  const std::string group = write("group.key", text, 0640);
  EXPECT_FALSE(read_key_file(group).ok());
  const std::string writable = write("writable.key", text, 0602);
  ASSERT_FALSE(read_key_file(writable).ok());
  EXPECT_NE(read_key_file(writable).error().find("writable by others"), std::string::npos);
  EXPECT_TRUE(read_key_file(write("owner.key", text, 0400)).ok());
  const std::string phrase = write("open.pass", "correct horse battery staple\n", 0644);
  EXPECT_FALSE(read_passphrase_file(phrase).ok());
}

TEST_F(ClusterKeyFileTest, MissingFileIsAnErrorNamingIt) {
  const std::string path = (dir_ / "missing.key").string();
  const auto key = read_key_file(path);
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().find(path), std::string::npos) << key.error();
}

TEST(KeyFromPassphrase, SamePassphraseSameKeyOtherPassphraseOtherKey) {
  const auto a = key_from_passphrase("correct horse battery staple");
  const auto b = key_from_passphrase("correct horse battery staple");
  const auto c = key_from_passphrase("correct horse battery stapler");
  ASSERT_TRUE(a.ok()) << a.error();
  ASSERT_TRUE(b.ok()) << b.error();
  ASSERT_TRUE(c.ok()) << c.error();
  EXPECT_EQ(*a, *b);
  EXPECT_NE(*a, *c);
}

TEST(KeyFromPassphrase, ShortPassphraseIsRefused) {
  const auto key = key_from_passphrase("elevenchars");
  ASSERT_FALSE(key.ok());
  EXPECT_NE(key.error().find("at least 12"), std::string::npos) << key.error();
  EXPECT_TRUE(key_from_passphrase("twelve chars").ok());
}

TEST_F(ClusterKeyFileTest, PassphraseFileGivesItsFirstLine) {
  const auto phrase = read_passphrase_file(write("a.pass", "correct horse battery staple\nx\n"));
  ASSERT_TRUE(phrase.ok()) << phrase.error();
  EXPECT_EQ(*phrase, "correct horse battery staple");
  EXPECT_FALSE(read_passphrase_file(write("empty.pass", "\n")).ok());
}

// The key flags, validated into the server's setup.
class KeyFlagsTest : public ClusterKeyFileTest {
 protected:
  static Result<ServerSetup, std::string> setup_of(const ServerOptions& options) {
    return make_server_setup(options, NodeId{0x1111, 0x2222}, 42);
  }
};

TEST_F(KeyFlagsTest, NoKeyIsAllowedUnlessRequired) {
  const auto setup = setup_of(ServerOptions{});
  ASSERT_TRUE(setup.ok()) << setup.error();
  EXPECT_TRUE(setup->node.keys.empty());
  ServerOptions options;
  options.require_key = true;
  const auto required = setup_of(options);
  ASSERT_FALSE(required.ok());
  EXPECT_NE(required.error().find("--require-key"), std::string::npos) << required.error();
  EXPECT_NE(required.error().find("keygen"), std::string::npos) << required.error();
}

TEST_F(KeyFlagsTest, KeyFileAndPreviousKeyFileReachTheConfig) {
  const std::string path = (dir_ / "new.key").string();
  const std::string old_path = (dir_ / "old.key").string();
  const auto key = write_new_key_file(path);
  const auto old_key = write_new_key_file(old_path);
  ASSERT_TRUE(key.ok() && old_key.ok());
  ServerOptions options;
  options.key_file = path;
  options.previous_key_file = old_path;
  options.require_key = true;
  const auto setup = setup_of(options);
  ASSERT_TRUE(setup.ok()) << setup.error();
  EXPECT_EQ(setup->node.keys.primary, *key);
  EXPECT_EQ(setup->node.keys.previous, *old_key);
}

TEST_F(KeyFlagsTest, PassphraseFileReachesTheConfig) {
  ServerOptions options;
  options.passphrase_file = write("a.pass", "correct horse battery staple\n");
  const auto setup = setup_of(options);
  ASSERT_TRUE(setup.ok()) << setup.error();
  EXPECT_EQ(setup->node.keys.primary, *key_from_passphrase("correct horse battery staple"));
}

TEST_F(KeyFlagsTest, WrongCombinationsAndBadFilesAreErrors) {
  const std::string path = (dir_ / "cluster.key").string();
  ASSERT_TRUE(write_new_key_file(path).ok());
  ServerOptions both;
  both.key_file = path;
  both.passphrase_file = write("a.pass", "correct horse battery staple\n");
  const auto both_setup = setup_of(both);
  ASSERT_FALSE(both_setup.ok());
  EXPECT_EQ(both_setup.error(), "--key-file and --passphrase-file: give one of them, not both");

  ServerOptions previous_only;
  previous_only.previous_key_file = path;
  ASSERT_FALSE(setup_of(previous_only).ok());

  ServerOptions open_file;
  open_file.key_file = write("open.key", "pong-cluster-key v1\n" + kHex + "\n", 0644);
  const auto open_setup = setup_of(open_file);
  ASSERT_FALSE(open_setup.ok());
  EXPECT_EQ(open_setup.error(), "--key-file: " + open_file.key_file +
                                    " is readable by others (mode 0644); chmod 600 it");

  ServerOptions short_phrase;
  short_phrase.passphrase_file = write("short.pass", "too short\n");
  const auto short_setup = setup_of(short_phrase);
  ASSERT_FALSE(short_setup.ok());
  EXPECT_NE(short_setup.error().find(short_phrase.passphrase_file), std::string::npos)
      << short_setup.error();
}

}  // namespace
}  // namespace dp
