#include "transport/cluster_key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <system_error>

namespace dp {
namespace {

// Argon2id's cost for the passphrase. These numbers are part of the key's definition (v1):
// every server must stretch with the same ones, whatever its libsodium version, so they are
// written here rather than taken from crypto_pwhash_*_INTERACTIVE (which equal them today).
constexpr unsigned long long kPassphraseOpsLimit = 2;
constexpr std::size_t kPassphraseMemLimitBytes = std::size_t{64} * 1024 * 1024;
// Hashed into the fixed salt: the same on every server, so the same passphrase gives the same
// key everywhere, and different from any other program's salt.
constexpr std::string_view kSaltLabel = "distributed-pong cluster key v1";
static_assert(crypto_pwhash_SALTBYTES == 16);

std::string errno_text(int error) {
  return std::error_code(error, std::generic_category()).message();
}

// Wipes a buffer that held a secret when it goes out of scope.
class Wipe {
 public:
  explicit Wipe(std::string& text) : text_(text) {}
  Wipe(const Wipe&) = delete;
  Wipe& operator=(const Wipe&) = delete;
  ~Wipe() { sodium_memzero(text_.data(), text_.size()); }

 private:
  std::string& text_;
};

bool init_sodium(std::string& error) {
  if (sodium_init() < 0) {
    error = "libsodium could not be initialised";
    return false;
  }
  return true;
}

std::string mode_str(mode_t mode) {
  std::array<char, 8> text{};
  std::snprintf(text.data(), text.size(), "%04o", static_cast<unsigned>(mode & 07777));
  return text.data();
}

// Reads a file that holds a secret: a regular file of at most kKeyFileBytesMax bytes that no
// other user may read or write. The mode is checked on the opened file, not the path, so the
// file cannot be swapped between the check and the read.
Result<std::string, std::string> read_secret_file(const std::string& path, const char* what) {
  using R = Result<std::string, std::string>;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return R::failure("cannot read " + std::string(what) + " " + path + ": " + errno_text(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int error = errno;
    ::close(fd);
    return R::failure("cannot read " + std::string(what) + " " + path + ": " + errno_text(error));
  }
  if (!S_ISREG(st.st_mode)) {
    ::close(fd);
    return R::failure(path + " is not a regular file");
  }
  if ((st.st_mode & 077) != 0) {
    ::close(fd);
    const char* who = (st.st_mode & 044) != 0 ? "readable" : "writable";
    return R::failure(path + " is " + who + " by others (mode " + mode_str(st.st_mode) +
                      "); chmod 600 it");
  }
  std::string text(kKeyFileBytesMax + 1, '\0');
  std::size_t size = 0;
  while (size < text.size()) {
    const ssize_t n = ::read(fd, text.data() + size, text.size() - size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      sodium_memzero(text.data(), text.size());
      return R::failure("cannot read " + std::string(what) + " " + path + ": " + errno_text(error));
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  ::close(fd);
  if (size > kKeyFileBytesMax) {
    sodium_memzero(text.data(), text.size());
    return R::failure(path + " is larger than " + std::to_string(kKeyFileBytesMax) +
                      " bytes: not a " + what);
  }
  text.resize(size);
  return text;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Trailing spaces, tabs and a CR (a file edited on Windows) are not part of a line.
std::string_view trim_right(std::string_view line) {
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t' || line.back() == '\r')) {
    line.remove_suffix(1);
  }
  return line;
}

bool is_comment_or_blank(std::string_view line) {
  const std::size_t first = line.find_first_not_of(" \t");
  return first == std::string_view::npos || line[first] == '#';
}

bool all_hex(std::string_view text) {
  for (const char c : text) {
    if (hex_value(c) < 0) return false;
  }
  return !text.empty();
}

// A character to show in an error message (it may be a control byte).
std::string printable(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  std::array<char, 16> text{};
  std::snprintf(text.data(), text.size(), "byte 0x%02x", byte);
  return text.data();
}

// The start of a line to quote in an error message; never used on the key's line.
std::string quote(std::string_view line) {
  constexpr std::size_t kShownMax = 40;
  std::string shown;
  for (const char c : line.substr(0, kShownMax)) {
    const auto byte = static_cast<unsigned char>(c);
    shown += byte >= 0x20 && byte < 0x7f ? c : '?';
  }
  if (line.size() > kShownMax) shown += "...";
  return "'" + shown + "'";
}

Result<ClusterKey, std::string> parse_key_text(const std::string& path, std::string_view text) {
  using R = Result<ClusterKey, std::string>;
  const auto at = [&path](std::size_t line_no) { return path + ":" + std::to_string(line_no); };
  enum class Expect { kHeader, kKey, kEnd } expect = Expect::kHeader;
  ClusterKey key{};
  std::size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    const std::size_t nl = text.find('\n');
    const std::string_view line = trim_right(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    if (is_comment_or_blank(line)) continue;
    switch (expect) {
      case Expect::kHeader:
        if (line != kKeyFileHeader) {
          // A bare key where the header belongs is the likely mistake; never echo a key.
          const std::string found =
              all_hex(line) ? std::to_string(line.size()) + " hex digits" : quote(line);
          return R::failure(at(line_no) + ": expected '" + std::string(kKeyFileHeader) +
                            "', found " + found);
        }
        expect = Expect::kKey;
        break;
      case Expect::kKey: {
        for (std::size_t i = 0; i < line.size(); ++i) {
          if (hex_value(line[i]) < 0) {
            return R::failure(at(line_no) + ": expected 64 hex digits, found " +
                              printable(line[i]) + " at column " + std::to_string(i + 1));
          }
        }
        if (line.size() != 2 * kClusterKeyBytes) {
          return R::failure(at(line_no) + ": expected 64 hex digits, found " +
                            std::to_string(line.size()));
        }
        std::uint8_t any = 0;
        for (std::size_t i = 0; i < kClusterKeyBytes; ++i) {
          key[i] =
              static_cast<std::uint8_t>(hex_value(line[2 * i]) * 16 + hex_value(line[2 * i + 1]));
          any = static_cast<std::uint8_t>(any | key[i]);
        }
        if (any == 0) return R::failure(at(line_no) + ": the key is all zeros");
        expect = Expect::kEnd;
        break;
      }
      case Expect::kEnd:
        sodium_memzero(key.data(), key.size());
        return R::failure(at(line_no) + ": unexpected text after the key");
    }
  }
  switch (expect) {
    case Expect::kHeader:
      return R::failure(at(line_no + 1) + ": expected '" + std::string(kKeyFileHeader) +
                        "', found the end of the file");
    case Expect::kKey:
      return R::failure(at(line_no + 1) + ": expected 64 hex digits, found the end of the file");
    case Expect::kEnd:
      break;
  }
  return key;
}

std::string key_file_text(const ClusterKey& key) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string text;
  text += kKeyFileHeader;
  text +=
      "\n# The Distributed Pong cluster key. Secret: whoever has it can join or take over the\n"
      "# cluster. Copy it to every server (mode 600) and start each with --key-file FILE.\n";
  for (const std::uint8_t byte : key) {
    text += kDigits[byte >> 4];
    text += kDigits[byte & 0xf];
  }
  text += '\n';
  return text;
}

}  // namespace

Result<ClusterKey, std::string> read_key_file(const std::string& path) {
  auto text = read_secret_file(path, "key file");
  if (!text) return Result<ClusterKey, std::string>::failure(text.error());
  const Wipe wipe(*text);
  return parse_key_text(path, *text);
}

Result<ClusterKey, std::string> write_new_key_file(const std::string& path) {
  using R = Result<ClusterKey, std::string>;
  std::string error;
  if (!init_sodium(error)) return R::failure(error);
  ClusterKey key{};
  randombytes_buf(key.data(), key.size());
  std::string text = key_file_text(key);
  const Wipe wipe(text);

  // O_EXCL: a key file that servers may still use is never replaced by accident (it would
  // lock them out of the cluster). Mode 0600 from the start: the key is never readable by
  // others, not even for a moment.
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0) {
    const int open_error = errno;
    if (open_error == EEXIST) {
      return R::failure(path +
                        " already exists; keygen never overwrites a key file: remove it "
                        "first, or choose another --out");
    }
    return R::failure("cannot create " + path + ": " + errno_text(open_error));
  }
  std::size_t written = 0;
  int write_error = 0;
  while (written < text.size()) {
    const ssize_t n = ::write(fd, text.data() + written, text.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      write_error = n < 0 ? errno : EIO;
      break;
    }
    written += static_cast<std::size_t>(n);
  }
  if (write_error == 0 && ::fsync(fd) != 0) write_error = errno;
  if (::close(fd) != 0 && write_error == 0) write_error = errno;
  if (write_error != 0) {
    ::unlink(path.c_str());
    return R::failure("cannot write " + path + ": " + errno_text(write_error));
  }
  return key;
}

Result<ClusterKey, std::string> key_from_passphrase(std::string_view passphrase) {
  using R = Result<ClusterKey, std::string>;
  if (passphrase.size() < kPassphraseBytesMin) {
    return R::failure("the passphrase is " + std::to_string(passphrase.size()) +
                      " bytes long; use at least " + std::to_string(kPassphraseBytesMin));
  }
  if (passphrase.size() > kPassphraseBytesMax) {
    return R::failure("the passphrase is longer than " + std::to_string(kPassphraseBytesMax) +
                      " bytes");
  }
  std::string error;
  if (!init_sodium(error)) return R::failure(error);
  std::array<unsigned char, crypto_pwhash_SALTBYTES> salt{};
  crypto_generichash(salt.data(), salt.size(),
                     reinterpret_cast<const unsigned char*>(kSaltLabel.data()), kSaltLabel.size(),
                     nullptr, 0);
  ClusterKey key{};
  if (crypto_pwhash(key.data(), key.size(), passphrase.data(), passphrase.size(), salt.data(),
                    kPassphraseOpsLimit, kPassphraseMemLimitBytes,
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return R::failure("cannot stretch the passphrase: out of memory (Argon2id needs " +
                      std::to_string(kPassphraseMemLimitBytes >> 20) + " MiB)");
  }
  return key;
}

Result<std::string, std::string> read_passphrase_file(const std::string& path) {
  using R = Result<std::string, std::string>;
  auto text = read_secret_file(path, "passphrase file");
  if (!text) return text;
  const Wipe wipe(*text);
  std::string_view line = *text;
  line = line.substr(0, line.find('\n'));
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.empty()) return R::failure(path + ":1: the passphrase is empty");
  return std::string(line);
}

}  // namespace dp
