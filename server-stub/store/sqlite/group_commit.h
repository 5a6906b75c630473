// Group commit: many writes, one fsync.
//
// With synchronous=FULL each COMMIT waits for the disk, which caps one writer
// near 6,000 transactions per second here. One writer thread therefore takes
// every write queued while the previous group was committing, runs each in its
// own SAVEPOINT inside one BEGIN IMMEDIATE transaction (a failing write rolls
// back only its savepoint), commits once, and only then answers every waiting
// caller. No caller hears "done" before its write is durable.
//
// Under a steady stream of writes a background checkpoint never catches up
// with the end of the WAL, so SQLite never starts it over and it grows without
// bound (and every page lookup walks its index). So once it is large, the
// writer itself restarts it, after answering its callers.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>

#include "connection.h"

namespace nodelock::server::sqlite {

class GroupCommit {
 public:
  // A write: its statements on the writer connection. An error rolls the
  // write back and is returned to its caller.
  using Write = std::function<Status(Connection& db)>;

  explicit GroupCommit(Connection writer);
  // Commits every queued write, then stops the writer thread.
  ~GroupCommit();
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Runs `write` in the next group and returns once that group's transaction
  // is durable (its own result), or failed (the failure).
  Status run(Write write);

 private:
  struct Pending {
    Write write;
    std::promise<Status> done;
  };
  void writer_loop();
  void commit_group(std::deque<Pending>& group);

  Connection db_;
  int wal_frames_ = 0;  // as of the last commit
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread writer_;
};

}  // namespace nodelock::server::sqlite
