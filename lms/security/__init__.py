"""Sign-in hardening: password hashing, the real client address behind proxies, and session
lifetimes by role."""
