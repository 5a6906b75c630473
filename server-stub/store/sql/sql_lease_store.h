// The SQL lease store: leases in the store's database, written through its
// writer, with the leases still held mirrored in memory so heartbeats
// never wait for the disk.
#pragma once

#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "nodelock/server/lease_store.h"
#include "reader_pool.h"
#include "writer.h"

namespace nodelock::server::sql {

class SqlLeaseStore final : public LeaseStore {
 public:
  // Both must outlive the lease store.
  SqlLeaseStore(ReaderPool& readers, Writer& writes);

  // Reads the leases still held into memory; once, before any other call.
  Status load();

  Result<CheckoutOutcome> check_out(const LeaseCheckout& checkout) override;
  Result<RenewedLease> renew(const LeaseRenewal& renewal) override;
  Result<Lease> end_lease(const LeaseEnding& ending) override;
  Status flush() override;
  Result<int> expire_leases(UnixTime now) override;
  Result<Lease> lease(std::string_view id) override;
  Result<std::vector<Lease>> held_leases(std::string_view license_id) override;
  Result<std::vector<UsageSession>> usage_sessions(std::string_view license_id, UnixTime from,
                                                   UnixTime to) override;

  // Inside another write on `db` (a user disabled or removed): ends every
  // lease of `user` on the license as `end`, each with its audit entry, and
  // returns their ids; pass them to forget() once that write committed.
  Result<std::vector<std::string>> end_user_leases(Connection& db, std::string_view license_id,
                                                   std::string_view user, SessionEnd end,
                                                   const ChangedBy& by);
  // Forgets leases ended by another write (a user disabled or removed) once
  // it committed, so no heartbeat renews them from memory.
  void forget(const std::vector<std::string>& lease_ids);
  // Copies the latest renewal of `lease`, made in memory, onto it.
  void overlay(Lease& lease);

 private:
  struct Held {
    Lease lease;
    bool dirty = false;  // renewed since the last flush
  };
  // The refusal of a renewal of a lease not held: lease_ended, or not_found.
  Error unrenewable(std::string_view lease_id);
  // The check-out's lease written as a new one, with its audit entry.
  static Result<Lease> added(Connection& db, const LeaseCheckout& checkout,
                             const SeatDecision& decision);
  // The lease `lease_id` among `held` given the check-out's terms, with its
  // audit entry; not_found when it is not among them.
  static Result<Lease> reissued(Connection& db, const LeaseCheckout& checkout,
                                const std::vector<Lease>& held, const std::string& lease_id);

  ReaderPool& readers_;
  Writer& writes_;
  std::mutex mutex_;
  std::unordered_map<std::string, Held> held_;
};

}  // namespace nodelock::server::sql
