#include <config.h>
#include "cli.h"
int cmd_history(struct cli *cli, int argc, char **argv) { (void)argc; (void)argv; return cli_usage(cli, "not implemented yet"); }
