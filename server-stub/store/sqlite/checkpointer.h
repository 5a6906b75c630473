// Copies committed WAL frames back into the database file on a thread of its
// own. SQLite's automatic checkpoint runs inside whichever COMMIT crosses its
// threshold, so a group of activations would now and then wait for the
// database file to be written and flushed; with this, no caller ever does.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "connection.h"

namespace nodelock::server::sqlite {

class Checkpointer {
 public:
  explicit Checkpointer(std::unique_ptr<SqliteConnection> connection);
  ~Checkpointer();  // stops the thread; closing the last connection checkpoints the rest
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

 private:
  void run();

  std::unique_ptr<SqliteConnection> db_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace nodelock::server::sqlite
