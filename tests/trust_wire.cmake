# Issue 13 (trust), the wire: closed-world messages (unknown fields dropped,
# undecodable requests refused and logged), one server per port, and the
# per-agency in-flight limit at the door.
caselink_add_test(e2e_closed_world_test SOURCES e2e_closed_world_test.cc LABELS e2e authz threads)
