#include "transport/keygen_command.h"

#include <filesystem>
#include <system_error>

#include "transport/cluster_key_file.h"

namespace dp {

int run_keygen(const std::string& program, const std::string& path, std::ostream& out,
               std::ostream& err) {
  const auto written = write_new_key_file(path);
  if (!written) {
    err << program << " keygen: " << written.error() << "\n";
    return 1;
  }
  std::error_code ec;
  const std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  const std::string shown = ec ? path : absolute.string();
  out << "Wrote a new cluster key to " << shown << " (mode 600).\n"
      << "Copy it to every server of the cluster, keep it mode 600 there (readable only by the\n"
      << "user that runs the server), and start every server with it:\n"
      << "  " << program << " --key-file " << shown << " ...\n"
      << "Add --require-key so that a server never starts without it. Whoever has this file\n"
      << "can join or take over the cluster: keep it secret, and never commit it.\n";
  return 0;
}

}  // namespace dp
