#pragma once
// The files of a batch, written from the database only. The first write
// after the commit and `relief export` share this code, so an export is
// byte for byte what the run wrote. Files stream: memory does not grow with
// the batch.
#include <map>
#include <string>

#include "src/store/db.hpp"

namespace relief {

// Writes every file of batch B into DIR (temporary names, fsync, rename,
// fsync folder). Throws, leaving no half-written file, if the payment rows do
// not add up to the batch record's totals.
void write_batch_files(Db& db, const std::string& batch_id, const std::string& dir);
// write_batch_files into OUT/B/, then marks the batch published.
void publish_batch(Db& db, const std::string& batch_id, const std::string& out_dir);
// file name -> bytes (through a temporary folder), for tests and the API.
std::map<std::string, std::string> render_batch_files(Db& db, const std::string& batch_id);
// The timestamp every file carries: from the batch record, never the clock.
std::string batch_file_timestamp(const std::string& batch_date);

}  // namespace relief
