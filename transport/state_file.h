// The server's persistent state on disk: the highest election term it has seen, so a
// restarted server never reuses a term it already promised.
//
// Format: text lines "highest_term <decimal>", then optionally "last_epoch_term <decimal>" and
// "last_epoch_leader <32 hex digits>". Writes go to a temporary file that is then
// renamed over the old one, so a crash mid-write leaves the previous state intact.
#pragma once

#include <string>
#include <string_view>

#include "core/common/outbox.h"
#include "core/common/result.h"

namespace dp {

// Largest state file accepted, in bytes; anything longer is not ours.
constexpr std::size_t kMaxStateFileBytes = 256;

// A missing file is a first start and gives PersistentState{}; an unreadable or malformed
// file is an error (refusing to start beats silently reusing a term).
Result<PersistentState, std::string> load_state_file(const std::string& path);
// Parses the file's text (untrusted: a corrupt disk must not crash the server).
Result<PersistentState, std::string> parse_state_text(std::string_view text);

// Returns an empty string on success, else what went wrong.
std::string save_state_file(const std::string& path, const PersistentState& state);

}  // namespace dp
