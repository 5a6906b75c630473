// Reader connections to the store's database, each lent to one thread at a
// time. In WAL mode readers see the last commit and never wait for the writer.
#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "connection.h"

namespace nodelock::server::sqlite {

// Idle reader connections kept open; more are opened under load and closed after.
inline constexpr std::size_t kIdleReaders = 16;

class ReaderPool {
 public:
  explicit ReaderPool(std::string path) : path_(std::move(path)) {}

  template <class T, class Read>
  Result<T> run(Read read) {
    auto connection = borrow();
    if (!connection.ok()) return connection.error();
    Result<T> result = read(*connection);
    give_back(std::move(*connection));
    return result;
  }

 private:
  Result<Connection> borrow() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (!idle_.empty()) {
        Connection connection = std::move(idle_.back());
        idle_.pop_back();
        return connection;
      }
    }
    return Connection::open(path_, false);
  }

  void give_back(Connection connection) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (idle_.size() < kIdleReaders) idle_.push_back(std::move(connection));
  }

  std::string path_;
  std::mutex mutex_;
  std::vector<Connection> idle_;
};

}  // namespace nodelock::server::sqlite
