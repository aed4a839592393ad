// The item an event carries (Event.item), for every kind of workflow item:
// one overload per kind, used by the engine's events and the reminders.
#pragma once

#include "caselink/v1/workflow.pb.h"

namespace caselink::server {

inline void EmbedItem(const v1::Transfer& t, v1::Event* e) { *e->mutable_transfer() = t; }
inline void EmbedItem(const v1::SupervisionRecord& r, v1::Event* e) { *e->mutable_record() = r; }
inline void EmbedItem(const v1::Rectification& r, v1::Event* e) { *e->mutable_rectification() = r; }
inline void EmbedItem(const v1::DecisionItem& d, v1::Event* e) { *e->mutable_decision() = d; }

}  // namespace caselink::server
