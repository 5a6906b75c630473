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
// writer itself restarts it, after answering its callers. Between restarts
// the Checkpointer copies committed frames back on a thread of its own.
#pragma once

#include <condition_variable>
#include <deque>
#include <future>
#include <memory>
#include <mutex>
#include <thread>

#include "../sql/writer.h"
#include "checkpointer.h"
#include "connection.h"

namespace nodelock::server::sqlite {

class GroupCommit final : public sql::Writer {
 public:
  GroupCommit(std::unique_ptr<SqliteConnection> writer,
              std::unique_ptr<SqliteConnection> checkpointer);
  // Commits every queued write, then stops the writer thread.
  ~GroupCommit() override;
  GroupCommit(const GroupCommit&) = delete;
  GroupCommit& operator=(const GroupCommit&) = delete;

  // Runs `write` in the next group and returns once that group's transaction
  // is durable (its own result), or failed (the failure).
  Status run(Write write) override;

 private:
  struct Pending {
    Write write;
    std::promise<Status> done;
  };
  void writer_loop();
  void commit_group(std::deque<Pending>& group);

  std::unique_ptr<SqliteConnection> db_;
  int wal_frames_ = 0;  // as of the last commit
  std::mutex mutex_;
  std::condition_variable queued_;
  std::deque<Pending> queue_;
  bool stopping_ = false;
  std::thread writer_;
  Checkpointer checkpointer_;
};

}  // namespace nodelock::server::sqlite
