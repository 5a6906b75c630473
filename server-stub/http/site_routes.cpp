// Site license files for the air-gapped machines of a site license.
#include "route_kit.h"

#include "nodelock/crypto/encoding.h"

namespace nodelock::server {

void register_site_routes(httplib::Server& server, Api& api) {
  server.Post(R"(/v1/licenses/([^/]+)/site-file)",
              admin_route(api, "/v1/licenses/{id}/site-file",
                          [&api](const Request& req, Response& res, const AdminCaller& caller) {
                            auto body = parse_body(req.body);
                            if (!body.ok()) return send_error(res, body.error());
                            auto site_id = only_string_field(*body, "site_id");
                            if (!site_id.ok()) return send_error(res, site_id.error());
                            answer(res,
                                   api.site_files.issue(caller, req.matches[1].str(), *site_id),
                                   200, [&api](const IssuedSiteFile& issued) {
                                     return Json{{"site_license", issued.armored},
                                                 {"license_id", issued.license.license_id},
                                                 {"site_id", issued.license.site_id},
                                                 {"vendor_public_key",
                                                  encoding::base64(api.vendor_public_key.bytes)}};
                                   });
                          }));
}

}  // namespace nodelock::server
