#include "group_commit.h"

#include <algorithm>
#include <iterator>
#include <optional>
#include <vector>

namespace nodelock::server::sqlite {

namespace {

// Bounds the work lost to one failed commit and the wait of the first caller.
constexpr std::size_t kMaxGroup = 512;
// 64 MiB of 4 KiB pages: restarting costs a short pause this often.
constexpr int kWalRestartFrames = 16384;

}  // namespace

GroupCommit::GroupCommit(std::unique_ptr<SqliteConnection> writer,
                         std::unique_ptr<SqliteConnection> checkpointer)
    : db_(std::move(writer)), checkpointer_(std::move(checkpointer)) {
  db_->count_wal_frames(&wal_frames_);
  writer_ = std::thread([this] { writer_loop(); });
}

GroupCommit::~GroupCommit() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  queued_.notify_one();
  writer_.join();
}

Status GroupCommit::run(Write write) {
  std::future<Status> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      return make_error(ErrorCode::server_error, "the license database is closing; retry");
    }
    queue_.push_back(Pending{std::move(write), {}});
    done = queue_.back().done.get_future();
  }
  queued_.notify_one();
  return done.get();
}

void GroupCommit::writer_loop() {
  std::deque<Pending> group;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      queued_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;
      const std::size_t take = std::min(queue_.size(), kMaxGroup);
      std::move(queue_.begin(), queue_.begin() + static_cast<long>(take),
                std::back_inserter(group));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<long>(take));
    }
    commit_group(group);
    group.clear();
    if (wal_frames_ >= kWalRestartFrames) {
      // RESTART waits for readers still on old frames; a failure only means
      // the WAL is restarted after a later group.
      (void)db_->execute("PRAGMA wal_checkpoint(RESTART)");
      wal_frames_ = 0;
    }
  }
}

void GroupCommit::commit_group(std::deque<Pending>& group) {
  std::vector<Status> results(group.size());
  Status begun = db_->query("BEGIN IMMEDIATE").run();
  if (!begun.ok()) {
    for (auto& pending : group) pending.done.set_value(begun);
    return;
  }
  // Set when SQLite rolled the whole transaction back under us (disk full,
  // I/O error): every write of the group is lost, not only the failing one.
  std::optional<Error> group_lost;
  for (std::size_t i = 0; i < group.size() && !group_lost; ++i) {
    Status marked = db_->query("SAVEPOINT write").run();
    results[i] = marked.ok() ? sql::run_guarded(group[i].write, *db_) : marked;
    if (!db_->in_transaction()) {
      group_lost = results[i].ok() ? db_->last_error("during a write") : results[i].error();
      break;
    }
    if (!results[i].ok()) {
      Status undone = db_->query("ROLLBACK TO write").run();
      if (!undone.ok()) group_lost = undone.error();
    }
    if (!group_lost) {
      Status released = db_->query("RELEASE write").run();
      if (!released.ok()) group_lost = released.error();
    }
  }
  if (!group_lost) {
    Status committed = db_->query("COMMIT").run();
    if (!committed.ok()) group_lost = committed.error();
  }
  if (group_lost) {
    if (db_->in_transaction()) (void)db_->query("ROLLBACK").run();
    for (auto& pending : group) pending.done.set_value(*group_lost);
    return;
  }
  for (std::size_t i = 0; i < group.size(); ++i) group[i].done.set_value(std::move(results[i]));
}

}  // namespace nodelock::server::sqlite
