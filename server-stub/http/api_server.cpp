#include "nodelock/server/api_server.h"

#include <httplib.h>
#include <sys/socket.h>

#include "../service/periodic_sweep.h"
#include "../service/webhook_dispatcher.h"
#include "bounded_server.h"
#include "routes.h"

namespace nodelock::server {

namespace {

// Slow or stalled clients must not hold a worker for long.
constexpr std::chrono::seconds kReadTimeout{10};
constexpr std::chrono::seconds kWriteTimeout{10};
// Workers kept for /v1/health and /metrics when every other one is busy: a
// monitor must see a server under attack answering, and one probe at a time
// needs no more.
constexpr std::size_t kMaxReservedWorkers = 4;
// Connections of one address that may wait for a worker, per one it may hold.
constexpr std::size_t kWaitingPerServed = 32;
// Installers and load generators keep a connection for many requests; the
// library's default of 5 requests per connection would cost a handshake (and a
// TLS one) every fifth request.
constexpr std::size_t kKeepAliveRequests = 1000000;

// TLS 1.2 and 1.3 only, and in TLS 1.2 only ECDHE key exchange with AEAD
// ciphers: OpenSSL's defaults still offer static-RSA and CBC suites, where a
// stolen server key decrypts recorded traffic. TLS 1.3's suites all qualify.
Status offer_only_forward_secret_aead(SSL_CTX* context) {
  if (SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(context, "ECDHE+AESGCM:ECDHE+CHACHA20") != 1) {
    return make_error(ErrorCode::internal, "the TLS library refused the server's cipher list");
  }
  SSL_CTX_set_options(context, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_RENEGOTIATION);
  return {};
}

ConnectionLimits connection_limits_of(const ApiOptions& options) {
  ConnectionLimits limits;
  limits.request.deadline = options.request_deadline;
  limits.request.max_body_bytes = options.max_body_bytes;
  limits.request.read_timeout = kReadTimeout;
  limits.request.write_timeout = kWriteTimeout;
  limits.workers = options.worker_threads;
  limits.reserved_workers = std::min(kMaxReservedWorkers, options.worker_threads / 2);
  limits.max_per_address = options.max_connections_per_address;
  // Waiting costs a socket and no worker, and without the limit the library's
  // own queue would hold as many: the line is for a burst from behind a NAT
  // (a lab booting), which must be served, not refused.
  limits.max_waiting_per_address = kWaitingPerServed * options.max_connections_per_address;
  return limits;
}

// The certificate chain and key of --tls-cert and --tls-key, loaded as the
// library's SSLServer loads them.
Result<TlsContext> load_tls_context(const ApiOptions& options) {
  TlsContext context(SSL_CTX_new(TLS_server_method()), SSL_CTX_free);
  if (!context ||
      SSL_CTX_use_certificate_chain_file(context.get(), options.tls_certificate.c_str()) != 1 ||
      SSL_CTX_use_PrivateKey_file(context.get(), options.tls_private_key.c_str(),
                                  SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(context.get()) != 1) {
    return make_error(ErrorCode::io_error,
                      "cannot load the TLS certificate " + options.tls_certificate.string() +
                          " or its key " + options.tls_private_key.string() +
                          "; check that both are readable PEM files that belong together");
  }
  SSL_CTX_set_options(context.get(), SSL_OP_NO_COMPRESSION);
  // A write the socket could not take at once is retried from the library's
  // buffer, which may have moved.
  SSL_CTX_set_mode(context.get(), SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (Status restricted = offer_only_forward_secret_aead(context.get()); !restricted.ok()) {
    return restricted.error();
  }
  return context;
}

Result<std::unique_ptr<httplib::Server>> make_http_server(const ApiOptions& options) {
  const bool has_certificate = !options.tls_certificate.empty();
  const bool has_key = !options.tls_private_key.empty();
  if (has_certificate != has_key) {
    return make_error(ErrorCode::invalid_argument, "HTTPS needs both --tls-cert and --tls-key");
  }
  TlsContext tls(nullptr, SSL_CTX_free);
  if (has_certificate) {
    auto loaded = load_tls_context(options);
    if (!loaded.ok()) return loaded.error();
    tls = std::move(*loaded);
  }
  return std::unique_ptr<httplib::Server>(
      std::make_unique<BoundedServer>(connection_limits_of(options), std::move(tls)));
}

}  // namespace

struct ApiServer::Impl {
  ApiOptions options;
  Api api;
  std::unique_ptr<httplib::Server> http;
  int port = 0;
  socket_t listening_socket = INVALID_SOCKET;
  // Declared last: they stop before the services they post for and sweep are
  // destroyed.
  std::unique_ptr<WebhookDispatcher> dispatcher;
  std::unique_ptr<PeriodicSweep> expiry_scan;
  std::unique_ptr<PeriodicSweep> lease_sweep;
  std::unique_ptr<PeriodicSweep> reclaim_sweep;
};

Result<std::unique_ptr<ApiServer>> ApiServer::create(const ApiOptions& options,
                                                     ServiceContext context) {
  auto http = make_http_server(options);
  if (!http.ok()) return http.error();
  const crypto::PublicKey vendor_public_key = context.vendor_key.public_key();
  auto impl = std::unique_ptr<Impl>(
      new Impl{options,
               Api{ActivationService(context), AdminService(context), LicenseUserService(context),
                   ReportService(context), AlertService(context, options.alert_repeat_seconds),
                   LicenseImportService(context), LeaseService(context), vendor_public_key,
                   options.max_body_bytes, Metrics(),
                   FailureRateLimiter(options.key_failure_burst, options.key_failure_refill),
                   FailureRateLimiter(options.key_failure_burst, options.key_failure_refill),
                   SiteFileService(context), SeatReclaimService(context), SelfService(context)},
               std::move(*http), 0, INVALID_SOCKET, nullptr, nullptr, nullptr, nullptr});
  httplib::Server& server = *impl->http;
  server.set_tcp_nodelay(true);
  server.set_keep_alive_max_count(kKeepAliveRequests);
  server.set_payload_max_length(options.max_body_bytes);
  Impl* bound = impl.get();
  server.set_socket_options([bound](socket_t socket) {
    httplib::default_socket_options(socket);
    bound->listening_socket = socket;
  });
  register_routes(server, impl->api);
  impl->dispatcher = std::make_unique<WebhookDispatcher>(
      context, impl->api.alerts,
      DeliverySettings{options.webhook_retry_seconds, options.webhook_max_attempts,
                       options.webhook_attempt_timeout});
  // The sweeps run on threads of their own and stop before `api` is destroyed.
  Api& api = impl->api;
  const std::function<UnixTime()> sweep_clock =
      options.sweeps_follow_clock ? context.clock : std::function<UnixTime()>();
  // Its own thread, so no receiver, however slow, delays it.
  impl->expiry_scan = std::make_unique<PeriodicSweep>(
      "expiry scan", [&api] { return api.alerts.scan_expiring(); },
      std::chrono::seconds(options.expiry_scan_seconds), FirstSweep::at_start, FinalSweep::no,
      sweep_clock);
  impl->lease_sweep = std::make_unique<PeriodicSweep>(
      "lease sweep", [&api] { return api.leases.sweep(); }, options.lease_flush_interval,
      FirstSweep::after_interval, FinalSweep::yes, sweep_clock);
  impl->reclaim_sweep = std::make_unique<PeriodicSweep>(
      "seat reclamation sweep",
      [&api]() -> Status {
        auto freed = api.reclaims.sweep();
        if (!freed.ok()) return freed.error();
        api.metrics.count_reclaimed(*freed);
        return {};
      },
      options.reclaim_interval, FirstSweep::after_interval, FinalSweep::no, sweep_clock);
  return std::unique_ptr<ApiServer>(new ApiServer(std::move(impl)));
}

ApiServer::ApiServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

ApiServer::~ApiServer() = default;

Result<std::string> ApiServer::bind() {
  httplib::Server& server = *impl_->http;
  const std::string& host = impl_->options.host;
  if (impl_->options.port == 0) {
    impl_->port = server.bind_to_any_port(host);
  } else if (server.bind_to_port(host, impl_->options.port)) {
    impl_->port = impl_->options.port;
  }
  if (impl_->port <= 0) {
    return make_error(ErrorCode::io_error, "cannot listen on " + host + ":" +
                                               std::to_string(impl_->options.port) +
                                               "; is another server using the port?");
  }
  // The library listens with a backlog of 5, fixed when Debian built it: a burst
  // of installers (a lab rebooting) overflows the accept queue and the kernel
  // resets their connections. Listening again on the bound socket widens it.
  if (::listen(impl_->listening_socket, SOMAXCONN) != 0) {
    return make_error(ErrorCode::io_error, "cannot widen the listening queue on " + host);
  }
  const bool tls = !impl_->options.tls_certificate.empty();
  const bool ipv6 = host.find(':') != std::string::npos;
  return std::string(tls ? "https://" : "http://") + (ipv6 ? "[" + host + "]" : host) + ":" +
         std::to_string(impl_->port);
}

Status ApiServer::serve() {
  if (!impl_->http->listen_after_bind()) {
    return make_error(ErrorCode::io_error, "the server stopped listening unexpectedly");
  }
  return {};
}

void ApiServer::stop() { impl_->http->stop(); }

}  // namespace nodelock::server
