#include <iostream>

#include "src/cli/cli.hpp"

// jemalloc reads this at start (MALLOC_CONF in the environment still wins).
// One arena for the whole process: the ingest starts a thread per feed, and
// with jemalloc's default of one arena per few threads each new thread took
// memory from another arena than the one the last feed's buffers went back
// to, so every feed's buffers were fresh pages from the kernel (1M claims:
// 143k page faults, ~1 CPU-s zeroing pages; 16k with one arena). Threads keep
// their own caches of small blocks, so they rarely meet at the arena's lock.
extern "C" const char* malloc_conf;
const char* malloc_conf = "narenas:1";

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  try {
    relief::cli::Args args = relief::cli::parse_args(argc, argv);
    return relief::cli::dispatch(args, std::cout, std::cerr);
  } catch (const relief::cli::UsageError& e) {
    std::cerr << "relief: " << e.what() << "\n" << relief::cli::usage();
    return relief::cli::kUsage;
  }
}
