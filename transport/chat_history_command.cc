#include "transport/chat_history_command.h"

#include <filesystem>

#include "core/services/chat/book.h"
#include "core/wire/message_types.h"
#include "transport/storage/data_dir.h"
#include "transport/storage/sqlite_store.h"

namespace dp {

int print_chat_history(const ChatHistoryOptions& options, std::ostream& out, std::ostream& err) {
  const std::string dir = options.data_dir.empty() ? storage::DataDir::default_base() + "/chat-" +
                                                         std::to_string(kDefaultChatControlPort)
                                                   : options.data_dir;
  if (!std::filesystem::exists(dir + "/" + storage::Store::kFileName)) {
    err << "pong-chat history: no database in " << dir << " (give the chat server's --data-dir)\n";
    return 1;
  }
  const auto store = storage::Store::open(dir, /*read_only=*/true);
  if (!store) {
    err << "pong-chat history: " << store.error() << "\n";
    return 1;
  }
  const auto durable = (*store)->durable_state();
  if (!durable) {
    err << "pong-chat history: " << durable.error() << "\n";
    return 1;
  }
  std::vector<StoredRecord> mine;
  for (const StoredRecord& r : durable->records) {
    if (r.key.service == wire::kChatService) mine.push_back(r);
  }
  chat::ChatBook book;
  if (!book.load_records(mine)) {
    err << "pong-chat history: the chat records in " << (*store)->path() << " do not decode\n";
    return 1;
  }
  if (options.channels) {
    for (const auto& [name, log] : book.channels()) {
      out << name << ": " << log.lines.size() << " lines kept (" << log.first() << "-" << log.head()
          << ")\n";
    }
    return 0;
  }
  const chat::ChannelLog* log = book.channel(options.channel);
  if (log == nullptr) {
    err << "pong-chat history: no channel '" << options.channel << "' in " << (*store)->path()
        << " (--channels lists them)\n";
    return 1;
  }
  const std::size_t skip = log->lines.size() > static_cast<std::size_t>(options.last)
                               ? log->lines.size() - static_cast<std::size_t>(options.last)
                               : 0;
  for (std::size_t i = skip; i < log->lines.size(); ++i) {
    const chat::Line& line = log->lines[i];
    out << "[" << line.n << "] " << line.name.view() << ": " << line.text.view() << "\n";
  }
  return 0;
}

}  // namespace dp
