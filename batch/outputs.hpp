#pragma once
// The files of a batch, rendered from the database only. The first write
// after the commit and `relief export` share this code, so an export is
// byte for byte what the run wrote.
#include <map>
#include <string>

#include "src/store/db.hpp"

namespace relief {

// file name -> bytes, for every file of OUT/B/.
std::map<std::string, std::string> render_batch_files(Db& db, const std::string& batch_id);
// Writes them under OUT/B/ (temporary names, fsync, rename, fsync folder),
// then marks the batch published.
void publish_batch(Db& db, const std::string& batch_id, const std::string& out_dir);
// The timestamp every file carries: from the batch record, never the clock.
std::string batch_file_timestamp(const std::string& batch_date);

}  // namespace relief
