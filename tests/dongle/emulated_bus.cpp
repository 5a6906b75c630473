#include "emulated_bus.h"

#include <gtest/gtest.h>
#include <linux/usbdevice_fs.h>
#include <sys/ioctl.h>
#include <umockdev.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

namespace nodelock::dongle::testing {
namespace {

constexpr std::size_t kSetupSize = 8;

// One emulated device node and the transfers in flight on it. The handler runs
// on umockdev's thread; `mutex` guards what the test's thread also touches
// (unplug() sets `gone`, the destructor drops the queues).
struct Node {
  std::shared_ptr<EmulatedDevice> device;
  std::string device_node;  // "/dev/bus/usb/001/002"
  std::string sys_path;     // "/sys/devices/.../1-1"
  UMockdevIoctlBase* handler = nullptr;
  std::mutex mutex;
  std::deque<UMockdevIoctlData*> completed;  // referenced until reaped
  std::vector<UMockdevIoctlData*> unanswered;
  bool gone = false;
};

void finish(UMockdevIoctlClient* client, long result, int error) {
  umockdev_ioctl_client_complete(client, result, error);
}

UMockdevIoctlData* resolve(UMockdevIoctlData* data, std::size_t offset, std::size_t size) {
  GError* error = nullptr;
  UMockdevIoctlData* resolved = umockdev_ioctl_data_resolve(data, offset, size, &error);
  if (error != nullptr) {
    ADD_FAILURE() << "cannot read the ioctl argument: " << error->message;
    g_error_free(error);
  }
  return resolved;
}

// A control URB: the 8-byte setup packet, then the data stage.
void submit(Node& node, UMockdevIoctlClient* client, UMockdevIoctlData* argument) {
  UMockdevIoctlData* urb_data = resolve(argument, 0, sizeof(usbdevfs_urb));
  auto* urb = reinterpret_cast<usbdevfs_urb*>(urb_data->data);
  if (urb->type != USBDEVFS_URB_TYPE_CONTROL || urb->buffer_length < static_cast<int>(kSetupSize)) {
    return finish(client, -1, EINVAL);
  }
  UMockdevIoctlData* buffer = resolve(urb_data, offsetof(usbdevfs_urb, buffer),
                                      static_cast<std::size_t>(urb->buffer_length));
  std::uint8_t* bytes = buffer->data;
  Setup setup{bytes[0], bytes[1], static_cast<std::uint16_t>(bytes[2] | bytes[3] << 8),
              static_cast<std::uint16_t>(bytes[4] | bytes[5] << 8),
              static_cast<std::uint16_t>(bytes[6] | bytes[7] << 8)};
  const std::size_t room = static_cast<std::size_t>(urb->buffer_length) - kSetupSize;
  if (setup.length > room) return finish(client, -1, EINVAL);
  Bytes data_out;
  if (!setup.is_in()) data_out.assign(bytes + kSetupSize, bytes + kSetupSize + setup.length);

  const Answer answer = node.device->control(setup, data_out);
  std::lock_guard<std::mutex> lock(node.mutex);
  urb->actual_length = 0;
  urb->status = 0;
  switch (answer.kind) {
    case Answer::Kind::data: {
      const std::size_t size =
          setup.is_in() ? std::min<std::size_t>(answer.bytes.size(), setup.length) : setup.length;
      if (setup.is_in()) std::memcpy(bytes + kSetupSize, answer.bytes.data(), size);
      urb->actual_length = static_cast<int>(size);
      break;
    }
    case Answer::Kind::stall:
      urb->status = -EPIPE;
      break;
    case Answer::Kind::silence:
      node.unanswered.push_back(static_cast<UMockdevIoctlData*>(g_object_ref(urb_data)));
      return finish(client, 0, 0);
    case Answer::Kind::unplug:
      // What the kernel reports for transfers in flight when a device is pulled.
      urb->status = -ESHUTDOWN;
      node.gone = true;
      break;
  }
  node.completed.push_back(static_cast<UMockdevIoctlData*>(g_object_ref(urb_data)));
  finish(client, 0, 0);
}

void reap(Node& node, UMockdevIoctlClient* client, UMockdevIoctlData* argument) {
  UMockdevIoctlData* urb_data = nullptr;
  bool gone = false;
  {
    std::lock_guard<std::mutex> lock(node.mutex);
    gone = node.gone;
    if (!node.completed.empty()) {
      urb_data = node.completed.front();
      node.completed.pop_front();
    }
  }
  if (urb_data == nullptr) return finish(client, -1, gone ? ENODEV : EAGAIN);
  umockdev_ioctl_data_set_ptr(resolve(argument, 0, sizeof(void*)), 0, urb_data);
  g_object_unref(urb_data);
  finish(client, 0, 0);
}

// The argument of DISCARDURB is the URB's address in the client.
void discard(Node& node, UMockdevIoctlClient* client, UMockdevIoctlData* argument) {
  const auto address = *reinterpret_cast<const unsigned long*>(argument->data);
  std::lock_guard<std::mutex> lock(node.mutex);
  for (auto it = node.unanswered.begin(); it != node.unanswered.end(); ++it) {
    if ((*it)->client_addr != address) continue;
    reinterpret_cast<usbdevfs_urb*>((*it)->data)->status = -ENOENT;
    node.completed.push_back(*it);
    node.unanswered.erase(it);
    return finish(client, 0, 0);
  }
  finish(client, -1, EINVAL);
}

gboolean on_ioctl(UMockdevIoctlBase*, UMockdevIoctlClient* client, gpointer user_data) {
  Node& node = *static_cast<Node*>(user_data);
  const unsigned long request = umockdev_ioctl_client_get_request(client);
  UMockdevIoctlData* argument = umockdev_ioctl_client_get_arg(client);
  bool gone = false;
  {
    std::lock_guard<std::mutex> lock(node.mutex);
    gone = node.gone;
  }
  switch (request) {
    case USBDEVFS_GET_CAPABILITIES: {
      UMockdevIoctlData* capabilities = resolve(argument, 0, sizeof(std::uint32_t));
      const std::uint32_t value = USBDEVFS_CAP_BULK_CONTINUATION | USBDEVFS_CAP_NO_PACKET_SIZE_LIM;
      std::memcpy(capabilities->data, &value, sizeof value);
      finish(client, 0, 0);
      break;
    }
    case USBDEVFS_SUBMITURB:
      if (gone) {
        finish(client, -1, ENODEV);
      } else {
        submit(node, client, argument);
      }
      break;
    case USBDEVFS_REAPURB:
    case USBDEVFS_REAPURBNDELAY:
      reap(node, client, argument);
      break;
    case USBDEVFS_DISCARDURB:
      discard(node, client, argument);
      break;
    case USBDEVFS_GETDRIVER:
      finish(client, -1, ENODATA);  // no kernel driver holds the interface
      break;
    case USBDEVFS_CLAIMINTERFACE:
    case USBDEVFS_RELEASEINTERFACE:
    case USBDEVFS_DISCONNECT_CLAIM:
    case USBDEVFS_IOCTL:
    case USBDEVFS_SETCONFIGURATION:
    case USBDEVFS_SETINTERFACE:
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESET:
    case USBDEVFS_RESETEP:
      finish(client, gone ? -1 : 0, gone ? ENODEV : 0);
      break;
    default:
      finish(client, -1, ENOTTY);
  }
  return TRUE;
}

// The value of the first "<tag>: " line of a .umockdev description.
std::string fixture_line(const std::string& text, const std::string& tag) {
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind(tag + ": ", 0) == 0) return line.substr(tag.size() + 2);
  }
  return {};
}

// Stops `node`'s handler and drops the transfers it still holds.
void release(UMockdevTestbed* testbed, Node& node) {
  g_signal_handlers_disconnect_by_data(node.handler, &node);
  umockdev_testbed_detach_ioctl(testbed, node.device_node.c_str(), nullptr);
  g_object_unref(node.handler);
  for (UMockdevIoctlData* urb : node.completed) g_object_unref(urb);
  for (UMockdevIoctlData* urb : node.unanswered) g_object_unref(urb);
}

}  // namespace

struct EmulatedBus::State {
  UMockdevTestbed* testbed = nullptr;
  std::vector<std::unique_ptr<Node>> nodes;
};

EmulatedBus::EmulatedBus() : state_(std::make_unique<State>()) {
  state_->testbed = umockdev_testbed_new();
}

EmulatedBus::~EmulatedBus() {
  for (const auto& node : state_->nodes) release(state_->testbed, *node);
  g_object_unref(state_->testbed);
}

void EmulatedBus::plug(std::shared_ptr<EmulatedDevice> device) {
  const std::string path = std::string(NODELOCK_TESTS_DIR) + "/fixtures/usb/" + device->fixture();
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  ASSERT_TRUE(file.good()) << "cannot read " << path;

  auto node = std::make_unique<Node>();
  node->device = std::move(device);
  const std::string dev_line = fixture_line(text.str(), "N");
  node->device_node = "/dev/" + dev_line.substr(0, dev_line.find('='));
  node->sys_path = "/sys" + fixture_line(text.str(), "P");

  // A device plugged in again where an unplugged one was takes over its node.
  auto& nodes = state_->nodes;
  for (auto it = nodes.begin(); it != nodes.end(); ++it) {
    if ((*it)->device_node != node->device_node) continue;
    release(state_->testbed, **it);
    nodes.erase(it);
    break;
  }

  GError* error = nullptr;
  ASSERT_TRUE(umockdev_testbed_add_from_string(state_->testbed, text.str().c_str(), &error))
      << path << ": " << error->message;
  node->handler = umockdev_ioctl_base_new();
  g_signal_connect(node->handler, "handle-ioctl", G_CALLBACK(on_ioctl), node.get());
  ASSERT_TRUE(umockdev_testbed_attach_ioctl(state_->testbed, node->device_node.c_str(),
                                            node->handler, &error))
      << node->device_node << ": " << error->message;
  state_->nodes.push_back(std::move(node));
}

void EmulatedBus::unplug(const EmulatedDevice& device) {
  for (const auto& node : state_->nodes) {
    if (node->device.get() != &device) continue;
    {
      std::lock_guard<std::mutex> lock(node->mutex);
      node->gone = true;
    }
    umockdev_testbed_remove_device(state_->testbed, node->sys_path.c_str());
    return;
  }
  ADD_FAILURE() << device.fixture() << " is not plugged in";
}

void EmulatedBus::set_access(const std::vector<const EmulatedDevice*>& granted) {
  namespace fs = std::filesystem;
  char* root_text = umockdev_testbed_get_root_dir(state_->testbed);
  const fs::path root = root_text;
  g_free(root_text);
  fs::permissions(root, fs::perms::all | fs::perms::sticky_bit);
  for (const auto& entry : fs::recursive_directory_iterator(root / "ioctl")) {
    if (entry.is_socket()) fs::permissions(entry.path(), fs::perms::all);
  }
  const fs::perms read_write = fs::perms::owner_read | fs::perms::owner_write |
                               fs::perms::group_read | fs::perms::group_write |
                               fs::perms::others_read | fs::perms::others_write;
  const fs::perms read_only =
      fs::perms::owner_read | fs::perms::group_read | fs::perms::others_read;
  for (const auto& node : state_->nodes) {
    const bool open =
        std::find(granted.begin(), granted.end(), node->device.get()) != granted.end();
    fs::permissions(root / node->device_node.substr(1), open ? read_write : read_only);
  }
}

bool EmulatedBus::preloaded() {
  const char* preload = std::getenv("LD_PRELOAD");
  return preload != nullptr && std::strstr(preload, "libumockdev-preload") != nullptr;
}

}  // namespace nodelock::dongle::testing
