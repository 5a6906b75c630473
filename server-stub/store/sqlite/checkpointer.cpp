#include "checkpointer.h"

#include <chrono>

namespace nodelock::server::sqlite {

namespace {

// Often enough that the WAL stays small (readers look frames up in it), rarely
// enough that its cost is noise.
constexpr std::chrono::milliseconds kInterval{200};

}  // namespace

Checkpointer::Checkpointer(std::unique_ptr<SqliteConnection> connection)
    : db_(std::move(connection)), thread_([this] { run(); }) {}

Checkpointer::~Checkpointer() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void Checkpointer::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (!wake_.wait_for(lock, kInterval, [this] { return stopping_; })) {
    lock.unlock();
    // PASSIVE never blocks the writer or a reader; what it cannot copy now it
    // copies next time. A failure leaves the data safe in the WAL.
    (void)db_->execute("PRAGMA wal_checkpoint(PASSIVE)");
    lock.lock();
  }
}

}  // namespace nodelock::server::sqlite
