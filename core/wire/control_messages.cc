#include "core/wire/control_messages.h"

namespace dp::wire {

const char* ctl_command_name(CtlCommand command) {
  switch (command) {
    case CtlCommand::kStatus:
      return "status";
    case CtlCommand::kMoveLeader:
      return "move-leader";
    case CtlCommand::kDrain:
      return "drain";
  }
  return "?";
}

const char* ctl_outcome_name(CtlOutcome outcome) {
  switch (outcome) {
    case CtlOutcome::kStarted:
      return "started";
    case CtlOutcome::kDone:
      return "done";
    case CtlOutcome::kNotLeader:
      return "not-leader";
    case CtlOutcome::kUnknownTarget:
      return "unknown-target";
    case CtlOutcome::kRefused:
      return "refused";
  }
  return "?";
}

}  // namespace dp::wire
