"""Users, organisations, memberships, roles, sessions, API tokens, verification, audit."""
