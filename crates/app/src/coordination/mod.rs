//! Coordination: requests from above, the team's notices and summons, acknowledgements, escalation. Empty until the coordination issue.
