// plm: the command line. Parsing and dispatch live in plm::app so they can be tested; this file
// only connects them to the process.
#include <iostream>

#include "app/cli/cli.hpp"

int main(int argc, char** argv) {
  return plm::app::exit_status(plm::app::run_cli(argc, argv, std::cout, std::cerr));
}
