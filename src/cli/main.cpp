#include <iostream>

#include "src/cli/cli.hpp"

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
