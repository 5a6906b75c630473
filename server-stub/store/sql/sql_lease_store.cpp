#include "sql_lease_store.h"

#include <algorithm>
#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "audit_records.h"
#include "lease_records.h"
#include "license_user_writes.h"
#include "records.h"

namespace nodelock::server::sql {

SqlLeaseStore::SqlLeaseStore(ReaderPool& readers, Writer& writes)
    : readers_(readers), writes_(writes) {}

Status SqlLeaseStore::load() {
  auto held =
      readers_.run<std::vector<Lease>>([](Connection& db) { return select_held_leases(db, ""); });
  if (!held.ok()) return held.error();
  std::lock_guard<std::mutex> lock(mutex_);
  for (Lease& lease : *held) {
    std::string id = lease.id;
    held_.emplace(std::move(id), Held{std::move(lease), false});
  }
  return {};
}

void SqlLeaseStore::overlay(Lease& lease) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto found = held_.find(lease.id);
  if (found == held_.end()) return;
  lease.last_seen_at = found->second.lease.last_seen_at;
  lease.expires_at = found->second.lease.expires_at;
  lease.sequence = found->second.lease.sequence;
}

Result<std::vector<std::string>> SqlLeaseStore::end_user_leases(Connection& db,
                                                                std::string_view license_id,
                                                                std::string_view user,
                                                                SessionEnd end,
                                                                const ChangedBy& by) {
  auto held = select_held_leases(db, license_id);
  if (!held.ok()) return held.error();
  std::vector<std::string> ended;
  for (Lease& lease : *held) {
    if (lease.user != user) continue;
    overlay(lease);
    Status done = end_held_lease(db, lease, end, by.at, by);
    if (!done.ok()) return done.error();
    ended.push_back(lease.id);
  }
  return ended;
}

void SqlLeaseStore::forget(const std::vector<std::string>& lease_ids) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::string& id : lease_ids) held_.erase(id);
}

Result<CheckoutOutcome> SqlLeaseStore::check_out(const LeaseCheckout& checkout) {
  CheckoutOutcome outcome;
  std::vector<std::string> expired;
  bool reissued_lease = false;
  Status written = writes_.run([&](Connection& db) -> Status {
    expired.clear();
    Status fresh = insert_nonce(db, checkout.nonce, checkout.now);
    if (!fresh.ok()) return fresh;
    auto license = select_license(db, checkout.lease.license_id);
    if (!license.ok()) return license.error();
    if (checkout.admit_user) {
      auto claiming = select_claiming_user(db, license->id, checkout.lease.user);
      if (!claiming.ok()) return claiming.error();
      Status admitted = checkout.admit_user(*license, *claiming);
      if (!admitted.ok()) return admitted;
    }
    auto held = select_held_leases(db, license->id);
    if (!held.ok()) return held.error();
    std::vector<Lease> still_held;
    const ChangedBy server{std::string(kServerActor), checkout.now};
    for (Lease& lease : *held) {
      overlay(lease);
      if (lease.expires_at > checkout.now) {
        still_held.push_back(std::move(lease));
        continue;
      }
      Status ended = end_held_lease(db, lease, SessionEnd::expired, lease.expires_at, server);
      if (!ended.ok()) return ended;
      expired.push_back(lease.id);
    }
    auto reserved = select_reserved_users(db, license->id);
    if (!reserved.ok()) return reserved.error();
    auto decision = checkout.decide(*license, still_held, *reserved);
    if (!decision.ok()) return decision.error();
    reissued_lease = decision->reissue.has_value();
    auto lease = reissued_lease ? reissued(db, checkout, still_held, *decision->reissue)
                                : added(db, checkout, *decision);
    if (!lease.ok()) return lease.error();
    outcome = CheckoutOutcome{std::move(*lease), std::move(*license)};
    return {};
  });
  if (!written.ok()) return written.error();
  std::lock_guard<std::mutex> lock(mutex_);
  for (const std::string& id : expired) held_.erase(id);
  // A reissued lease is marked for the next flush: a flush that copied its
  // renewal state before the reissue may have written it since.
  held_.insert_or_assign(outcome.lease.id, Held{outcome.lease, reissued_lease});
  return outcome;
}

namespace {

// `lease` as its check-out or borrow left it, once the audit log records it
// (`before`: null for a new lease).
Result<Lease> recorded_checkout(Connection& db, UnixTime now, Lease lease,
                                const nlohmann::json& before) {
  Status recorded = record_change(db, {std::string(kDeviceActor), now},
                                  lease.borrowed ? "lease.borrow" : "lease.checkout", lease.id,
                                  before, lease_audit_view(lease));
  if (!recorded.ok()) return recorded.error();
  return lease;
}

}  // namespace

Result<Lease> SqlLeaseStore::added(Connection& db, const LeaseCheckout& checkout,
                                   const SeatDecision& decision) {
  Lease lease = checkout.lease;
  lease.overage = decision.overage;
  lease.sequence = 0;
  Status inserted = insert_lease(db, lease);
  if (!inserted.ok()) return inserted.error();
  return recorded_checkout(db, checkout.now, std::move(lease), nullptr);
}

Result<Lease> SqlLeaseStore::reissued(Connection& db, const LeaseCheckout& checkout,
                                      const std::vector<Lease>& held, const std::string& lease_id) {
  const auto found = std::find_if(held.begin(), held.end(),
                                  [&](const Lease& lease) { return lease.id == lease_id; });
  if (found == held.end()) {
    return make_error(ErrorCode::not_found, "lease " + lease_id + " is not held");
  }
  Lease lease = *found;
  const nlohmann::json before = lease_audit_view(lease);
  lease.hostname = checkout.lease.hostname;
  lease.last_seen_at = checkout.now;
  lease.expires_at = checkout.lease.expires_at;
  lease.ttl_seconds = checkout.lease.ttl_seconds;
  lease.borrowed = checkout.lease.borrowed;
  Status updated = update_lease_terms(db, lease);
  if (!updated.ok()) return updated.error();
  return recorded_checkout(db, checkout.now, std::move(lease), before);
}

Result<RenewedLease> SqlLeaseStore::renew(const LeaseRenewal& renewal) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const auto found = held_.find(renewal.lease_id);
    if (found != held_.end() && renewal.now < found->second.lease.expires_at) {
      Lease& lease = found->second.lease;
      if (lease.borrowed) {
        return make_error(ErrorCode::conflict, "lease " + lease.id + ": borrowed");
      }
      if (renewal.sequence <= lease.sequence) {
        return make_error(ErrorCode::replayed, "lease " + lease.id + ": sequence " +
                                                   std::to_string(renewal.sequence) +
                                                   " not above " + std::to_string(lease.sequence));
      }
      lease.sequence = renewal.sequence;
      lease.last_seen_at = renewal.now;
      lease.expires_at = renewal.now + lease.ttl_seconds;
      found->second.dirty = true;
      return RenewedLease{lease.expires_at, lease.sequence};
    }
  }
  return unrenewable(renewal.lease_id);
}

Error SqlLeaseStore::unrenewable(std::string_view lease_id) {
  auto stored = lease(lease_id);
  if (!stored.ok()) return stored.error();
  return make_error(ErrorCode::lease_ended,
                    "lease " + stored->id + (stored->ended_at ? ": ended" : ": expired"));
}

Result<Lease> SqlLeaseStore::end_lease(const LeaseEnding& ending) {
  Lease ended;
  Status written = writes_.run([&](Connection& db) -> Status {
    auto lease = select_lease(db, ending.lease_id);
    if (!lease.ok()) return lease.error();
    if (lease->ended_at)
      return make_error(ErrorCode::lease_ended, "lease " + lease->id + ": ended");
    overlay(*lease);
    if (ending.sequence && *ending.sequence <= lease->sequence) {
      return make_error(ErrorCode::replayed, "lease " + lease->id + ": sequence " +
                                                 std::to_string(*ending.sequence) + " not above " +
                                                 std::to_string(lease->sequence));
    }
    if (ending.sequence) lease->sequence = *ending.sequence;
    Status done = end_held_lease(db, *lease, ending.end, ending.by.at, ending.by);
    if (!done.ok()) return done;
    ended = std::move(*lease);
    return {};
  });
  if (!written.ok()) return written.error();
  forget({ended.id});
  return ended;
}

Status SqlLeaseStore::flush() {
  std::vector<Lease> renewed;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [id, held] : held_) {
      if (!held.dirty) continue;
      held.dirty = false;
      renewed.push_back(held.lease);
    }
  }
  if (renewed.empty()) return {};
  Status written = writes_.run([&](Connection& db) -> Status {
    for (const Lease& lease : renewed) {
      Status updated = update_lease_renewal(db, lease);
      if (!updated.ok()) return updated;
    }
    return {};
  });
  if (!written.ok()) {
    // Kept for the next flush, unless renewed again meanwhile (then dirty anyway).
    std::lock_guard<std::mutex> lock(mutex_);
    for (const Lease& lease : renewed) {
      const auto found = held_.find(lease.id);
      if (found != held_.end()) found->second.dirty = true;
    }
  }
  return written;
}

Result<int> SqlLeaseStore::expire_leases(UnixTime now) {
  std::vector<std::string> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (const auto& [id, held] : held_) {
      if (held.lease.expires_at <= now) due.push_back(id);
    }
  }
  if (due.empty()) return 0;
  std::vector<std::string> ended;
  Status written = writes_.run([&](Connection& db) -> Status {
    ended.clear();
    const ChangedBy server{std::string(kServerActor), now};
    for (const std::string& id : due) {
      auto lease = select_lease(db, id);
      if (!lease.ok()) return lease.error();
      overlay(*lease);
      if (lease->ended_at || lease->expires_at > now) continue;
      Status done = end_held_lease(db, *lease, SessionEnd::expired, lease->expires_at, server);
      if (!done.ok()) return done;
      ended.push_back(id);
    }
    return {};
  });
  if (!written.ok()) return written.error();
  forget(ended);
  return static_cast<int>(ended.size());
}

Result<Lease> SqlLeaseStore::lease(std::string_view id) {
  auto stored = readers_.run<Lease>([&](Connection& db) { return select_lease(db, id); });
  if (stored.ok() && !stored->ended_at) overlay(*stored);
  return stored;
}

Result<std::vector<Lease>> SqlLeaseStore::held_leases(std::string_view license_id) {
  auto held = readers_.run<std::vector<Lease>>(
      [&](Connection& db) { return select_held_leases(db, license_id); });
  if (!held.ok()) return held.error();
  for (Lease& lease : *held) overlay(lease);
  return held;
}

Result<std::vector<UsageSession>> SqlLeaseStore::usage_sessions(std::string_view license_id,
                                                                UnixTime from, UnixTime to) {
  return readers_.run<std::vector<UsageSession>>(
      [&](Connection& db) { return select_sessions(db, license_id, from, to); });
}

}  // namespace nodelock::server::sql
