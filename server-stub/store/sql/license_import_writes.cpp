#include "license_import_writes.h"

#include "../audit_views.h"
#include "audit_records.h"
#include "license_user_writes.h"
#include "records.h"

namespace nodelock::server::sql {

Status write_license_import(Connection& db, const LicenseImport& import) {
  for (const License& license : import.licenses) {
    auto product = select_product(db, license.product_id);
    if (!product.ok()) return product.error();
    Status inserted = insert_license(db, license);
    if (!inserted.ok()) return inserted;
    Status recorded =
        record_change(db, import.by, "license.import", license.id, nullptr, audit_view(license));
    if (!recorded.ok()) return recorded;
  }
  for (const LicenseUser& user : import.users) {
    Status added = write_user_addition(db, UserAddition{user, import.by, nullptr, nullptr});
    if (!added.ok()) return added;
  }
  return {};
}

}  // namespace nodelock::server::sql
