// The cluster key on disk: a key file made by `pong-server keygen`, or a passphrase that every
// server stretches to the same key.
//
// A key file is text, so it survives copy-and-paste between machines:
//
//   pong-cluster-key v1
//   # Comment lines (starting with '#') and blank lines may appear anywhere.
//   <64 hex digits: the 32 key bytes>
//
// Whoever holds the key can join the cluster or take it over, so a key or passphrase file
// that another user may read is refused (as ssh refuses an open private key): a warning would
// be read after the secret had leaked. Every error names the file, and the line where the
// text is wrong.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/common/result.h"
#include "core/security/cluster_keys.h"

namespace dp {

// The first line of every key file (the format's name and version).
inline constexpr std::string_view kKeyFileHeader = "pong-cluster-key v1";
// Larger files are not key files (and are not read into memory whole).
constexpr std::size_t kKeyFileBytesMax = 4096;
// Shorter passphrases are refused: Argon2id slows a guesser down, but it cannot save a
// passphrase that a dictionary holds.
constexpr std::size_t kPassphraseBytesMin = 12;
constexpr std::size_t kPassphraseBytesMax = 1024;

// Reads a key file. Refuses a file that group or others may access (mode & 077).
Result<ClusterKey, std::string> read_key_file(const std::string& path);

// Makes a new random key (libsodium's randombytes_buf) and writes it to `path` with mode
// 0600. Never overwrites: an existing file is an error. Returns the key written.
Result<ClusterKey, std::string> write_new_key_file(const std::string& path);

// Stretches a passphrase to a key with Argon2id (libsodium's crypto_pwhash) and a fixed salt,
// so that every server given the same passphrase derives the same key. Refuses a passphrase
// shorter than kPassphraseBytesMin bytes. Takes about a tenth of a second and 64 MiB.
Result<ClusterKey, std::string> key_from_passphrase(std::string_view passphrase);

// Reads the first line of a passphrase file (its line break stripped). The same permission
// rule as a key file.
Result<std::string, std::string> read_passphrase_file(const std::string& path);

}  // namespace dp
