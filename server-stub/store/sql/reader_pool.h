// Reader connections to the store's database, each lent to one thread at a
// time. Readers see the last commit and never wait for the writer.
#pragma once

#include <functional>
#include <memory>
#include <mutex>
#include <utility>
#include <vector>

#include "connection.h"

namespace nodelock::server::sql {

// Idle reader connections kept open; more are opened under load and closed after.
inline constexpr std::size_t kIdleReaders = 16;

class ReaderPool {
 public:
  // Opens a new reader connection.
  using Open = std::function<Result<std::unique_ptr<Connection>>()>;

  explicit ReaderPool(Open open) : open_(std::move(open)) {}

  template <class T, class Read>
  Result<T> run(Read read) {
    auto connection = borrow();
    if (!connection.ok()) return connection.error();
    Result<T> result = read(**connection);
    give_back(std::move(*connection));
    return result;
  }

 private:
  Result<std::unique_ptr<Connection>> borrow() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        std::unique_ptr<Connection> connection = std::move(idle_.back());
        idle_.pop_back();
        return connection;
      }
    }
    return open_();
  }

  // A lost connection is dropped: the next borrower opens a new one.
  void give_back(std::unique_ptr<Connection> connection) {
    if (!connection->usable()) return;
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < kIdleReaders) idle_.push_back(std::move(connection));
  }

  Open open_;
  std::mutex mutex_;
  std::vector<std::unique_ptr<Connection>> idle_;
};

}  // namespace nodelock::server::sql
