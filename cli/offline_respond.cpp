// nodelock offline respond (support side): answers activation request files and
// submits deactivation receipt files, one file or a batch of them.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "admin_client.h"
#include "commands.h"
#include "document_files.h"
#include "nodelock/client/offline_exchange.h"

namespace nodelock::cli {
namespace {

namespace fs = std::filesystem;

// The files support was handed: a directory stands for its .nlreq and .nldeact
// files, so a directory of answers written beside them is not read back.
struct Inputs {
  std::vector<fs::path> files;
  bool batch = false;  // several files or a directory: one result line each
};

Result<Inputs> files_to_answer(const std::vector<std::string>& given) {
  if (given.empty()) {
    return make_error(ErrorCode::invalid_argument,
                      "give the request or receipt files to answer, or a directory holding them");
  }
  Inputs inputs;
  inputs.batch = given.size() > 1;
  for (const std::string& name : given) {
    std::error_code error;
    if (!fs::is_directory(name, error)) {
      inputs.files.emplace_back(name);
      continue;
    }
    inputs.batch = true;
    std::vector<fs::path> found;
    for (const auto& entry : fs::directory_iterator(name, error)) {
      const fs::path extension = entry.path().extension();
      if (entry.is_regular_file() && (extension == ".nlreq" || extension == ".nldeact")) {
        found.push_back(entry.path());
      }
    }
    if (error) {
      return make_error(ErrorCode::io_error, "cannot list " + name + ": " + error.message());
    }
    if (found.empty()) {
      return make_error(ErrorCode::invalid_argument,
                        name + " holds no .nlreq or .nldeact file to answer");
    }
    std::sort(found.begin(), found.end());
    inputs.files.insert(inputs.files.end(), found.begin(), found.end());
  }
  return inputs;
}

bool is_request(const std::string& text) {
  auto envelope = parse_document(text);
  return envelope.ok() && envelope->type() == DocumentType::activation_request;
}

int respond_to_one(const Args& args, const fs::path& path, const ServerOptions& options) {
  const bool json = args.has("--json");
  auto file = read_document_file(path);
  if (!file.ok()) return report(file.error(), json);
  // The server records the activation before the response is written: know
  // where it goes first.
  if (is_request(*file)) {
    if (auto out = args.require("--out"); !out.ok()) return report(out.error(), json);
  }
  auto server = ServerClient::connect(options);
  if (!server.ok()) return report(server.error(), json);
  auto answer = respond_offline(*server, *file);
  if (!answer.ok()) return report(answer.error(), json);
  if (answer->answered == DocumentType::activation_request) {
    if (auto status = write_document_file(*args.get("--out"), answer->response); !status.ok()) {
      return report(
          {status.code(), status.message() + " The activation is recorded; answer the same request "
                                             "again to write its response (it keeps its seat)."},
          json);
    }
  }
  if (json) {
    std::cout << nlohmann::json{{"answered", type_name(answer->answered)},
                                {"summary", answer->summary}}
                     .dump()
              << '\n';
  } else {
    std::cout << answer->summary << '\n';
    if (answer->answered == DocumentType::activation_request) {
      std::cout << "Wrote the response to " << *args.get("--out")
                << "; install it on the air-gapped machine with `nodelock offline install`.\n";
    }
  }
  return exit_ok;
}

// One file of a batch: read, answered and its response written, or why not.
struct Outcome {
  Result<OfflineAnswer> answer = make_error(ErrorCode::internal, "");
  fs::path response_file;  // empty unless a response was written
};

Outcome answer_file(const ServerClient& server, const fs::path& path, const fs::path& out_dir) {
  Outcome outcome;
  auto file = read_document_file(path);
  if (!file.ok()) {
    outcome.answer = file.error();
    return outcome;
  }
  outcome.answer = respond_offline(server, *file);
  if (!outcome.answer.ok() || outcome.answer->answered != DocumentType::activation_request) {
    return outcome;
  }
  const fs::path response_file = out_dir / (path.stem().string() + ".nlres");
  if (auto status = write_document_file(response_file, outcome.answer->response); !status.ok()) {
    outcome.answer = make_error(status.code(), status.message() +
                                                   " The activation is recorded; answer the "
                                                   "same request again to write its response.");
    return outcome;
  }
  outcome.response_file = response_file;
  return outcome;
}

// Checked before the server records anything: every response has a place of
// its own to go.
Status check_out_dir(const Args& args, const Inputs& inputs) {
  std::set<std::string> names;
  bool requests = false;
  for (const fs::path& path : inputs.files) {
    auto text = read_document_file(path);
    if (!text.ok() || !is_request(*text)) continue;
    requests = true;
    if (!names.insert(path.stem().string()).second) {
      return make_error(ErrorCode::invalid_argument,
                        "two requests are named " + path.stem().string() +
                            ", so their responses would overwrite each other; rename one");
    }
  }
  if (!requests) return {};
  auto out = args.require("--out");
  if (!out.ok()) {
    return make_error(ErrorCode::invalid_argument,
                      "missing --out: give the directory the responses go to (one NAME.nlres "
                      "for each NAME.nlreq)");
  }
  std::error_code error;
  fs::create_directories(*out, error);
  if (!fs::is_directory(*out, error)) {
    return make_error(ErrorCode::invalid_argument,
                      "--out " + *out +
                          " is not a directory; with several files it names the "
                          "directory the responses go to");
  }
  return {};
}

int respond_to_batch(const Args& args, const Inputs& inputs, const ServerOptions& options) {
  const bool json = args.has("--json");
  if (auto status = check_out_dir(args, inputs); !status.ok()) return report(status.error(), json);
  auto server = ServerClient::connect(options);
  if (!server.ok()) return report(server.error(), json);
  const fs::path out_dir = args.get("--out").value_or("");
  int worst = exit_ok;
  std::size_t answered = 0;
  nlohmann::json results = nlohmann::json::array();
  for (const fs::path& path : inputs.files) {
    const Outcome outcome = answer_file(*server, path, out_dir);
    nlohmann::json result = {{"file", path.string()}};
    if (outcome.answer.ok()) {
      ++answered;
      result["answered"] = type_name(outcome.answer->answered);
      result["summary"] = outcome.answer->summary;
      std::string line = path.string() + ": " + outcome.answer->summary;
      if (!outcome.response_file.empty()) {
        result["response_file"] = outcome.response_file.string();
        line += " Wrote " + outcome.response_file.string() + ".";
      }
      if (!json) std::cout << line << '\n';
    } else {
      const int code = exit_code_for(outcome.answer.code());
      worst = std::max(worst, code);
      result["error"] = {{"code", std::string(code_name(outcome.answer.code()))},
                         {"message", outcome.answer.message()}};
      if (!json) {
        std::cout << path.string() << ": not answered (exit " << code
                  << "): " << outcome.answer.message() << '\n';
      }
    }
    results.push_back(std::move(result));
  }
  if (json) {
    std::cout << nlohmann::json{{"results", results}}.dump() << '\n';
  } else {
    std::cout << answered << " of " << inputs.files.size() << " files answered."
              << (answered > 0 && !out_dir.empty()
                      ? " Take each .nlres to its machine and run `nodelock offline install "
                        "FILE.nlres` there."
                      : "")
              << '\n';
  }
  return worst;
}

int run_respond(const Args& args) {
  const bool json = args.has("--json");
  auto inputs = files_to_answer(args.positional());
  if (!inputs.ok()) return report(inputs.error(), json);
  auto options = admin_server_options(args);
  if (!options.ok()) return report(options.error(), json);
  if (!inputs->batch) return respond_to_one(args, inputs->files.front(), *options);
  return respond_to_batch(args, *inputs, *options);
}

}  // namespace

const Command offline_respond_command{
    "offline respond",
    "turn request files into response files (support side)",
    "Usage: nodelock offline respond FILE --server URL --token T --out FILE.nlres [--ca FILE]\n"
    "       nodelock offline respond FILE... | DIR... --server URL --token T --out DIR\n"
    "The token may also come from $NODELOCK_ADMIN_TOKEN.\n\n"
    "FILE.nlreq: the server checks and counts the activation exactly as an online one\n"
    "and the signed license is written to --out; answering the same request again gives\n"
    "the same seat. FILE.nldeact: the server frees the seat of that deactivation (no\n"
    "--out needed). The token needs the support role.\n"
    "Several files, or a directory (its .nlreq and .nldeact files): each is answered\n"
    "in turn, the response to NAME.nlreq written to DIR/NAME.nlres, with one result\n"
    "line per file; a refused file does not stop the others.\n"
    "Exit codes: 0 done, 1 refused (no seats left, request too old, receipt already\n"
    "used...), 2 usage, 3 server unreachable, 4 unreadable, damaged or wrong file;\n"
    "for a batch, the highest of its files' codes.\n",
    {{"--server", "--token", "--out", "--ca"}, {}},
    run_respond};

}  // namespace nodelock::cli
