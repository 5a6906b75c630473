// The API's endpoints: each handler reads and checks its input, calls one
// service function, and maps the result to JSON and a status.
#pragma once

#include <httplib.h>

#include "metrics.h"
#include "nodelock/crypto/crypto.h"
#include "nodelock/server/admin_service.h"
#include "nodelock/server/alert_service.h"
#include "nodelock/server/lease_service.h"
#include "nodelock/server/license_import.h"
#include "nodelock/server/license_users.h"
#include "nodelock/server/report_service.h"
#include "nodelock/server/seat_reclaim.h"
#include "nodelock/server/self_service.h"
#include "nodelock/server/site_files.h"
#include "rate_limiter.h"

namespace nodelock::server {

// What the handlers share; it outlives the httplib server that calls them.
struct Api {
  ActivationService activation;
  AdminService admin;
  LicenseUserService users;
  ReportService reports;
  AlertService alerts;
  LicenseImportService imports;
  LeaseService leases;
  crypto::PublicKey vendor_public_key;
  std::size_t max_body_bytes;
  Metrics metrics;
  FailureRateLimiter key_failures;
  // Refused admin tokens, per address: past the allowance they are answered
  // rate_limited and no longer recorded, so they cannot fill the audit log.
  FailureRateLimiter token_failures;
  SiteFileService site_files;
  SeatReclaimService reclaims;
  SelfService self_service;
};

// Every endpoint, and the answers to requests that reach none.
void register_routes(httplib::Server& server, Api& api);

// Each area's endpoints, defined in the file named after it.
void register_client_routes(httplib::Server& server, Api& api);   // client_routes.cpp
void register_product_routes(httplib::Server& server, Api& api);  // license_routes.cpp
void register_license_routes(httplib::Server& server, Api& api);  // license_routes.cpp
void register_support_routes(httplib::Server& server, Api& api);  // support_routes.cpp
void register_user_routes(httplib::Server& server, Api& api);     // support_routes.cpp
void register_audit_routes(httplib::Server& server, Api& api);    // support_routes.cpp
void register_report_routes(httplib::Server& server, Api& api);   // report_routes.cpp
void register_alert_routes(httplib::Server& server, Api& api);    // alert_routes.cpp
void register_license_file_routes(httplib::Server& server,
                                  Api& api);                    // license_file_routes.cpp
void register_site_routes(httplib::Server& server, Api& api);   // site_routes.cpp
void register_lease_routes(httplib::Server& server, Api& api);  // lease_routes.cpp
// self_service_routes.cpp
void register_self_service_routes(httplib::Server& server, Api& api);

}  // namespace nodelock::server
