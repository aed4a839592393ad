# Issue 13, items 4 and 11: continuous authorization of event streams (a
# reload ends or narrows an open stream; deliveries logged as they happen, in
# bounded entries) and no implicit grants through case links.
caselink_add_test(trust_streams_test SOURCES trust_streams_test.cc LABELS e2e authz workflow threads)
