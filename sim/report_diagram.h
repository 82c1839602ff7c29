// `pong-sim run FILE --diagram out.svg`: a space-time (Lamport) diagram of a window of the run,
// as Maelstrom draws messages.svg and ShiViz draws logs. One vertical lane per host (servers,
// then clients), time running down; one arrow per message sent in the window, coloured by its
// type (hover shows the type, the hosts and the times), a cross for a datagram the network or
// a dead host dropped; crashes, restarts, elections, leaderships and the epochs a server
// follows are marked on its lane, partitions and cuts across every lane. Built from the run's
// trace records (RunOptions::record_trace).
#pragma once

#include <cstddef>
#include <ostream>

#include "sim/runner.h"
#include "sim/scenario.h"

namespace dp::sim {

struct DiagramOptions {
  TimeUs from_us = -1;  // -1: 200 ms before the scenario's first event (0 without one).
  TimeUs to_us = -1;    // -1: one second after from_us.
  bool servers_only = false;
};

struct DiagramWindow {
  TimeUs from_us = 0;
  TimeUs to_us = 0;
};
DiagramWindow diagram_window(const Scenario& scenario, const DiagramOptions& options);

struct DiagramStats {
  std::size_t arrows = 0;  // Messages delivered (sent in the window).
  std::size_t drops = 0;   // Datagrams dropped in the window.
};
DiagramStats write_svg_diagram(const RunResult& result, const Scenario& scenario,
                               const DiagramOptions& options, std::ostream& out);

}  // namespace dp::sim
