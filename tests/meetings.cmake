# Joint meetings, consultations and their decision items (MeetingService)
# end to end through TestDistrict and the real client library.
caselink_add_test(meeting_e2e_test SOURCES meeting_e2e_test.cc LABELS e2e meetings)
