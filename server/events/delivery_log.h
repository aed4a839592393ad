// DeliveryLog: the access log of an open stream, written as it delivers.
// The events a stream is about to send are filtered into a chunk record
// (Chunk()); Commit() writes that chunk as one access-log entry (status OK,
// the stream's method, agency, certificate and purpose, the case ids, field
// paths and party-id HMACs of that chunk only, every case id its events
// carry, and the item when its events are about one) BEFORE the stream
// sends those
// events, durably as any read entry. So nothing is sent that the log does
// not hold, a crash loses no entry of anything delivered, and an entry may
// name cases of events the stream then failed to send (the client went away,
// the policy changed): the log errs on the side of too much, never too
// little. Bounded: a stream commits a chunk once it holds kMaxEvents events
// or kMaxCaseIds case ids, so no entry names more than kMaxCaseIds case ids
// plus those of one event. The entry written when the stream ends (ConcludeCall
// style, with its final status) names no cases. Not thread-safe: one per
// stream.
#pragma once

#include "server/core/access_logger.h"
#include "caselink/v1/workflow.pb.h"
#include "server/core/call_guard.h"

namespace caselink::server {

class DeliveryLog {
 public:
  static constexpr int kMaxEvents = 64;
  static constexpr int kMaxCaseIds = 256;

  // `call`: the stream's record after admission (who, method, purpose).
  // `log` may be null (a benchmark serving without the access log).
  DeliveryLog(const AccessLogger* log, const AccessRecord& call);

  // The record the next events are filtered into (CallGuard::FilterResponse).
  AccessRecord* Chunk() { return &chunk_; }
  // Counts one event filtered into the chunk (the filter named the cases it
  // embeds and its item's case_ref fields, as for any answer) and names a
  // case's own event (EVENT_CASE_MARKED_MAJOR) by its item_id.
  void AddEvent(const v1::Event& e);
  // The chunk has reached its bound and must be committed before more
  // events are added.
  bool Full() const;
  // Writes the chunk as one entry if it holds any event (whether or not it
  // names a case), then starts a new one. An error means the entry was not
  // stored: its events must not be sent.
  absl::Status Commit();

  // Entries written so far (for the stream's log line).
  int entries() const { return entries_; }
  int cases() const { return cases_; }

 private:
  void Reset();

  const AccessLogger* log_;
  AccessRecord base_;
  AccessRecord chunk_;
  int events_ = 0;
  bool several_items_ = false;  // the chunk's events are about more than one item
  int entries_ = 0;
  int cases_ = 0;
};

}  // namespace caselink::server
